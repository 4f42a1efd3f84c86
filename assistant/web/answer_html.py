"""The chat tab as HTML and text: an Answer -> the assistant message (sources, notices, nearest
sections), the question and status bubbles, the scope badge, and the plain-text copy with sources.

Everything a user or a corpus document wrote is escaped (see html_parts), so HTML in a question or in a
document is shown as text and never runs. No gradio import: these functions are tested without a
browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from assistant.corpus.toc import section_key
from assistant.text.markup import CITATION_RE
from assistant.types import Answer, Source
from assistant.web.deeplinks import passage_href, question_href, sentence_range
from assistant.web.html_parts import (
    DOC_TYPE_LABEL,
    KIND_LABEL,
    esc,
    lines_to_html,
    paragraphs,
    section_href,
)

BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
# compose.py's labels in italics ("*Zie ook:*", "*<title>:*"); only a span ending in ":" so that a
# lone asterisk in a quoted passage is not taken for emphasis.
LABEL_RE = re.compile(r"(?<!\*)\*([^*\n]+?:)\*(?!\*)")
SENTENCE_END_RE = re.compile(r"(?<=[.!?:;])\s+")


# --- answers -------------------------------------------------------------------------------


def answer_id(index: int) -> str:
    return f"a{index}"


def source_anchor(aid: str, n: int) -> str:
    return f"bron-{aid}-{n}"


def _inline(text: str, aid: str, n_sources: int) -> str:
    """Escape one paragraph of answer Markdown, then bold and [n] links."""
    out = lines_to_html(text)
    out = BOLD_RE.sub(r"<strong>\1</strong>", out)
    out = LABEL_RE.sub(r"<em>\1</em>", out)

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= n_sources:
            return match.group(0)
        return f'<a class="bronlink" href="#{source_anchor(aid, n)}" title="Ga naar bron {n}">[{n}]</a>'

    return CITATION_RE.sub(link, out)


def answer_body_html(markdown: str, aid: str, n_sources: int) -> str:
    parts = []
    for paragraph in paragraphs(markdown):
        cls = ' class="bijgewerkt"' if paragraph.startswith("**Let op: bijgewerkt**") else ""
        parts.append(f"<p{cls}>{_inline(paragraph, aid, n_sources)}</p>")
    return "".join(parts)


def highlight(text: str, quote: str) -> str:
    """The chunk text, escaped, with the quoted sentence(s) in <mark>."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return lines_to_html(text)
    end = start + len(quote)
    return lines_to_html(text[:start]) + "<mark>" + lines_to_html(quote) + "</mark>" + lines_to_html(text[end:])


def source_meta(source: Source) -> list[str]:
    chunk = source.chunk
    meta = [DOC_TYPE_LABEL.get(chunk.doc_type, chunk.doc_type)]
    if chunk.phase:
        meta.append(f"fase {chunk.phase}")
    if chunk.kind in KIND_LABEL:
        meta.append(KIND_LABEL[chunk.kind])
    if chunk.page:
        meta.append(f"p. {chunk.page}")
    return meta


def source_html(source: Source, aid: str) -> str:
    chunk = source.chunk
    key = section_key(chunk.doc_id, chunk.section_label)
    note = (
        f'<div class="bron-noot"><strong>Let op: bijgewerkt</strong> — {esc(source.note)}</div>' if source.note else ""
    )
    return (
        f'<div class="bron" id="{source_anchor(aid, source.n)}">'
        f'<div class="bron-kop"><span class="bron-nr">[{source.n}]</span> '
        f'<strong>{esc(chunk.title)}</strong> <span class="bron-meta">'
        f"{esc(' · '.join(source_meta(source)))}</span></div>"
        f'<div class="bron-pad"><a href="{section_href(key)}" class="open-sectie" '
        f'title="Open deze sectie in het Handboek">{esc(chunk.section_label)}</a></div>'
        f"{note}"
        f'<blockquote class="bron-tekst">{highlight(chunk.text, source.quote)}</blockquote>'
        f"{passage_link_html(source)}</div>"
    )


def passage_link_html(source: Source) -> str:
    """The deep link to this source's passage (opens the Handboek tab with the quote marked; the page
    script opens it in place, a copied link opens it on a new page)."""
    chunk = source.chunk
    href = passage_href(
        chunk.id, sentence_range(chunk.text, source.quote), section_key(chunk.doc_id, chunk.section_label)
    )
    return (
        f'<p class="deeplink"><a class="passagelink" href="{esc(href)}" '
        f'title="Open deze passage in het Handboek; de link kun je ook kopiëren">🔗 Link naar deze passage</a></p>'
    )


def question_link_html(question: str, style: str | None) -> str:
    """ "Link naar dit antwoord": a link that asks this question again (the page script copies it and
    shows it to select)."""
    href = question_href(question, style)
    return (
        f'<p class="deeplink"><a class="antwoordlink" href="{esc(href)}" '
        f'title="Kopieer een link die deze vraag opnieuw stelt">🔗 Link naar dit antwoord</a></p>'
    )


def suggestions_html(questions: Sequence[str]) -> str:
    """Follow-up questions the corpus answers (answers.suggestions); a click asks one (page script)."""
    if not questions:
        return ""
    items = "".join(f'<li><a class="vervolgvraag" href="{esc(question_href(q))}">{esc(q)}</a></li>' for q in questions)
    return f'<div class="vervolg"><p class="vervolg-kop">Verder vragen:</p><ul>{items}</ul></div>'


def notices_html(notices: Iterable[str]) -> str:
    items = "".join(f'<p class="melding">ℹ️ {esc(n)}</p>' for n in notices)
    return f'<div class="meldingen">{items}</div>' if items else ""


def nearest_html(labels: Sequence[str], keys: dict[str, str]) -> str:
    """Links that open the nearest sections in the Handboek tab (`keys`: label -> section key)."""
    if not labels:
        return ""
    items = "".join(
        f'<li><a href="{section_href(keys.get(label, label))}" class="open-sectie">{esc(label)}</a></li>'
        for label in labels
    )
    return (
        f'<div class="dichtbij"><p>Lees verder in een verwante sectie (opent in het tabblad '
        f"Handboek):</p><ul>{items}</ul></div>"
    )


def answer_html(
    answer: Answer,
    aid: str,
    keys: dict[str, str] | None = None,
    body_markdown: str | None = None,
    complete: bool = True,
    style: str | None = None,
    suggestions: Sequence[str] = (),
) -> str:
    """The whole assistant message. `body_markdown` lets the UI stream a growing prefix of the
    answer text; sources, notices, nearest sections, the link to the answer (in `style`) and the
    suggested follow-up questions are added only when `complete`."""
    after = question_link_html(answer.question, style) + suggestions_html(suggestions) if complete else ""
    if not answer.answered:
        first_line = answer.answer.split("\n", 1)[0]
        body = f'<p class="geen-antwoord"><strong>{esc(first_line)}</strong></p>'
        extra = nearest_html(answer.nearest, keys or {}) if complete else ""
        return f'<div class="antwoord" id="{aid}">{notices_html(answer.notices)}{body}{extra}{after}</div>'
    markdown = answer.answer if body_markdown is None else body_markdown
    body = answer_body_html(markdown, aid, len(answer.sources))
    sources = ""
    if complete and answer.sources:
        items = "".join(source_html(s, aid) for s in answer.sources)
        sources = (
            f'<details class="bronnen" open><summary>Bronnen ({len(answer.sources)}) — '
            f"tik of klik op [n] in het antwoord om de bron te openen</summary>{items}</details>"
        )
    busy = "" if complete else '<p class="bezig">bezig…</p>'
    return f'<div class="antwoord" id="{aid}">{notices_html(answer.notices)}{body}{busy}{sources}{after}</div>'


def stream_prefixes(markdown: str) -> Iterator[str]:
    """Growing prefixes of the answer text, one sentence more each time (for streaming)."""
    pieces = SENTENCE_END_RE.split(markdown)
    separators = SENTENCE_END_RE.findall(markdown)
    text = ""
    for i, piece in enumerate(pieces):
        text += piece
        yield text
        if i < len(separators):
            text += separators[i]


def question_html(question: str) -> str:
    return f'<div class="vraag">{lines_to_html(question)}</div>'


def busy_html(scope_text: str = "") -> str:
    where = f" (binnen {esc(scope_text)})" if scope_text else ""
    return f'<div class="antwoord"><p class="bezig">bezig… ik zoek in de documenten{where}</p></div>'


def error_html(message: str) -> str:
    return f'<div class="antwoord"><p class="fout">⚠️ {esc(message)}</p></div>'


def scope_badge_html(description: str) -> str:
    """The badge above the chat that says which part of the documents the next questions search."""
    if not description:
        return ""
    return (
        f'<div class="afbakening">🔎 Je volgende vragen zoeken alleen binnen: <strong>{esc(description)}</strong></div>'
    )


# --- plain text (copy with sources) ----------------------------------------------------------


def answer_plain_text(answer: Answer) -> str:
    """The answer as plain text with a numbered source list, to paste into a memo."""
    body = LABEL_RE.sub(r"\1", BOLD_RE.sub(r"\1", answer.answer)).strip()
    lines = [f"Vraag: {answer.question}", "", body]
    if answer.sources:
        lines += ["", "Bronnen:"]
        for source in answer.sources:
            meta = ", ".join(source_meta(source)[1:])
            lines.append(
                f"[{source.n}] {source.chunk.title} ({source.chunk.doc_id}) — "
                f"{source.chunk.section_label}" + (f" ({meta})" if meta else "")
            )
            if source.note:
                lines.append(f"    Let op: bijgewerkt — {source.note}")
    if answer.notices:
        lines += ["", *answer.notices]
    return "\n".join(lines)
