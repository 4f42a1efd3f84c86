"""Pure helpers for the browser UI: an Answer (or a section) -> escaped HTML and plain text.

Everything a user or a corpus document wrote is escaped here, so HTML in a question or in a
document is shown as text and never runs. The HTML contains no blank lines and no line breaks:
the chatbot renders messages as Markdown, and a blank line would end the raw HTML block.
No gradio import: these functions are tested without a browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import quote as url_quote

from assistant.types import Answer, Document, Section, Source

CITATION_RE = re.compile(r"\[(\d+)\]")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
SENTENCE_END_RE = re.compile(r"(?<=[.!?:;])\s+")
KIND_LABEL = {"box": "kader", "footnote": "noot", "references": "bronnenlijst"}
DOC_TYPE_LABEL = {"handbook": "Handreiking", "case": "Praktijkvoorbeeld", "law": "Wetgeving", "study": "Onderzoek"}


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _lines_to_html(text: str) -> str:
    """Escaped text with its line breaks kept as <br> (no raw newlines in the output)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def section_key(doc_id: str, label: str) -> str:
    return f"{doc_id}::{label}"


def section_href(key: str) -> str:
    """A link target that the page script turns into "open this section in the Handboek tab"
    (the chatbot's sanitizer drops data-* attributes, a fragment survives)."""
    return esc("#sectie=" + url_quote(key, safe=""))


# --- answers -------------------------------------------------------------------------------


def answer_id(index: int) -> str:
    return f"a{index}"


def source_anchor(aid: str, n: int) -> str:
    return f"bron-{aid}-{n}"


def _inline(text: str, aid: str, n_sources: int) -> str:
    """Escape one paragraph of answer Markdown, then bold and [n] links."""
    out = _lines_to_html(text)
    out = BOLD_RE.sub(r"<strong>\1</strong>", out)

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= n_sources:
            return match.group(0)
        return f'<a class="bronlink" href="#{source_anchor(aid, n)}" title="Ga naar bron {n}">[{n}]</a>'

    return CITATION_RE.sub(link, out)


def answer_body_html(markdown: str, aid: str, n_sources: int) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    parts = []
    for paragraph in paragraphs:
        cls = ' class="bijgewerkt"' if paragraph.startswith("**Let op: bijgewerkt**") else ""
        parts.append(f"<p{cls}>{_inline(paragraph, aid, n_sources)}</p>")
    return "".join(parts)


def highlight(text: str, quote: str) -> str:
    """The chunk text, escaped, with the quoted sentence(s) in <mark>."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return _lines_to_html(text)
    end = start + len(quote)
    return _lines_to_html(text[:start]) + "<mark>" + _lines_to_html(quote) + "</mark>" + _lines_to_html(text[end:])


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
        f"</div>"
    )


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
) -> str:
    """The whole assistant message. `body_markdown` lets the UI stream a growing prefix of the
    answer text; sources, notices and nearest sections are added only when `complete`."""
    if not answer.answered:
        first_line = answer.answer.split("\n", 1)[0]
        body = f'<p class="geen-antwoord"><strong>{esc(first_line)}</strong></p>'
        extra = nearest_html(answer.nearest, keys or {}) if complete else ""
        return f'<div class="antwoord" id="{aid}">{notices_html(answer.notices)}{body}{extra}</div>'
    markdown = answer.answer if body_markdown is None else body_markdown
    body = answer_body_html(markdown, aid, len(answer.sources))
    sources = ""
    if complete and answer.sources:
        items = "".join(source_html(s, aid) for s in answer.sources)
        sources = (
            f'<details class="bronnen" open><summary>Bronnen ({len(answer.sources)}) — '
            f"klik op [n] in het antwoord om naar de bron te gaan</summary>{items}</details>"
        )
    busy = "" if complete else '<p class="bezig">bezig…</p>'
    return f'<div class="antwoord" id="{aid}">{notices_html(answer.notices)}{body}{busy}{sources}</div>'


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
    return f'<div class="vraag">{_lines_to_html(question)}</div>'


def busy_html(scope_text: str = "") -> str:
    where = f" (binnen {esc(scope_text)})" if scope_text else ""
    return f'<div class="antwoord"><p class="bezig">bezig… ik zoek in de documenten{where}</p></div>'


def error_html(message: str) -> str:
    return f'<div class="antwoord"><p class="fout">⚠️ {esc(message)}</p></div>'


# --- plain text (copy with sources) ----------------------------------------------------------


def answer_plain_text(answer: Answer) -> str:
    """The answer as plain text with a numbered source list, to paste into a memo."""
    body = BOLD_RE.sub(r"\1", answer.answer).strip()
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


# --- the handbook tab ------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionEntry:
    key: str
    doc_id: str
    doc_title: str
    doc_type: str
    section: Section


def section_entries(documents: Iterable[Document]) -> list[SectionEntry]:
    """All sections, the handbook first, then law/update documents, then cases."""
    order = {"handbook": 0, "law": 1, "study": 2, "case": 3}
    docs = sorted(documents, key=lambda d: (order.get(str(d.metadata.get("type")), 9), d.title))
    return [
        SectionEntry(section_key(d.doc_id, s.label), d.doc_id, d.title, str(d.metadata.get("type", "")), s)
        for d in docs
        for s in d.sections
    ]


def label_keys(entries: Iterable[SectionEntry]) -> dict[str, str]:
    """Section label -> key (the first document that has that label wins)."""
    keys: dict[str, str] = {}
    for entry in entries:
        keys.setdefault(entry.section.label, entry.key)
    return keys


def _badges(section: Section) -> str:
    badges = []
    if section.kind in KIND_LABEL:
        badges.append(f'<span class="badge kader">{KIND_LABEL[section.kind]}</span>')
    if section.phase and section.level > 1:
        badges.append(f'<span class="badge fase">fase {section.phase}</span>')
    return " ".join(badges)


def toc_html(entries: Sequence[SectionEntry]) -> str:
    """The table of contents: per document, sections indented by level, side boxes and phases
    marked. Footnotes are left out of the list (they open from answers and nearest links)."""
    parts = ['<nav class="inhoud">']
    current_doc = None
    open_details = False
    for entry in entries:
        section = entry.section
        if section.kind == "footnote":
            continue
        if entry.doc_id != current_doc:
            if open_details:
                parts.append("</ul></details>")
            current_doc = entry.doc_id
            is_handbook = entry.doc_type == "handbook"
            kind = DOC_TYPE_LABEL.get(entry.doc_type, "Document")
            parts.append(
                f'<details class="toc-doc"{" open" if is_handbook else ""}>'
                f'<summary><span class="badge">{esc(kind)}</span> {esc(entry.doc_title)}'
                f"</summary><ul>"
            )
            open_details = True
        css = f"niveau-{min(section.level, 3)}"
        if section.level == 1 and section.letter:
            css += " letter"
        title = section.path[-1]
        parts.append(
            f'<li class="{css}"><a href="{section_href(entry.key)}" class="open-sectie">'
            f"{esc(title)}</a> {_badges(section)}</li>"
        )
    if open_details:
        parts.append("</ul></details>")
    parts.append("</nav>")
    return "".join(parts)


def children_of(entry: SectionEntry, entries: Iterable[SectionEntry]) -> list[SectionEntry]:
    path = entry.section.path
    return [
        e
        for e in entries
        if e.doc_id == entry.doc_id
        and e.section.kind != "footnote"
        and len(e.section.path) == len(path) + 1
        and e.section.path[: len(path)] == path
    ]


def section_html(entry: SectionEntry, children: Sequence[SectionEntry] = ()) -> str:
    """One section to read: its path, badges, its cleaned text (escaped) and links to its
    subsections."""
    section = entry.section
    crumbs = " › ".join(esc(p) for p in section.path)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", section.text) if p.strip()]
    text = "".join(f"<p>{_lines_to_html(p)}</p>" for p in paragraphs)
    more = ""
    if children:
        items = "".join(
            f'<li><a href="{section_href(c.key)}" class="open-sectie">'
            f"{esc(c.section.path[-1])}</a> {_badges(c.section)}</li>"
            for c in children
        )
        more = f'<div class="onderdelen"><p><strong>Verder in deze sectie:</strong></p><ul>{items}</ul></div>'
    meta = [DOC_TYPE_LABEL.get(entry.doc_type, "Document")]
    if section.letter:
        meta.append(f"hoofdstuk {section.letter}")
    if section.phase:
        meta.append(f"fase {section.phase}")
    if section.kind in KIND_LABEL:
        meta.append(KIND_LABEL[section.kind])
    return (
        f'<article class="sectie"><p class="sectie-doc">{esc(entry.doc_title)} · '
        f"{esc(' · '.join(meta))}</p><h2>{esc(section.path[-1])}</h2>"
        f'<p class="sectie-pad">{crumbs}</p><div class="sectie-tekst">{text}</div>{more}</article>'
    )


def scope_badge_html(description: str) -> str:
    if not description:
        return ""
    return (
        f'<div class="afbakening">🔎 Je volgende vragen zoeken alleen binnen: <strong>{esc(description)}</strong></div>'
    )


def notice_html(message: str, ok: bool = True) -> str:
    """A status line in the Beheer tab (role=status, so screen readers announce it)."""
    if not message:
        return ""
    kind = "gelukt" if ok else "geweigerd"
    return f'<p class="beheer-{kind}" role="status">{"✓" if ok else "✕"} {esc(message)}</p>'


def user_html(username: str | None, role_label: str) -> str:
    if not username:
        return ""
    return (
        f'<p class="gebruiker">Ingelogd als <strong>{esc(username)}</strong> ({esc(role_label)}) · '
        '<a href="logout">Uitloggen</a></p>'
    )


def documents_table_html(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """The document list of the Beheer tab; every value is escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = (
        "".join("<tr>" + "".join(f"<td>{esc(str(value))}</td>" for value in row) + "</tr>" for row in rows)
        or f'<tr><td colspan="{len(headers)}">Geen documenten.</td></tr>'
    )
    return f'<table class="documenten"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# --- page texts, style and script (plain strings; ui.py passes them to Gradio) ---------------

STARTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "G · Gemeenschappelijke ambitie",
        ("Wat zijn de motieven voor een ambtelijke fusie?", "Hoe formuleer je gezamenlijke doelstellingen?"),
    ),
    (
        "R · Relatie tussen sleutelfiguren",
        ("Waarom is de relatie tussen sleutelfiguren zo belangrijk?", "Hoe maak je lastige onderwerpen bespreekbaar?"),
    ),
    (
        "O · Organiseren in stappen",
        ("Welke fasen kent een ambtelijke fusie?", "Hoe zorg je voor eenduidige informatie en een tijdlijn?"),
    ),
    ("E · Eigenaarschap voelen", ("Wat is een Gideonsbende?",)),
    ("I · Inrichting", ("Welke varianten zijn er voor de topstructuur?", "Huisvesting: centraal of decentraal?")),
    ("Per fase", ("Wat gebeurt er in fase 1?", "Wat wordt er besloten in fase 2?", "Wat gebeurt er in fase 3?")),
)

ADMIN_INTRO = (
    "Voeg documenten toe (txt, md, pdf, docx, html; hoogstens {mb} MB), vervang ze (zelfde naam) of "
    "verwijder ze, en klik daarna op **Opnieuw indexeren**. Tot de nieuwe index klaar is, beantwoordt "
    "de vorige index de vragen."
)
LOGIN_MESSAGE = "Log in met je gebruikersnaam en wachtwoord voor de Fusiewijzer."

ABOUT = """\
**Wat is dit?** Een zoek- en adviesassistent over *ambtelijke fusie*: gemeenten die hun
ambtelijke organisaties samenvoegen en hun eigen gemeenteraad houden.

**Waar komen de antwoorden vandaan?** Uit drie soorten documenten:
- de *Handreiking ambtelijke fusie: GROEI* (2014), met de hoofdstukken Gemeenschappelijke ambitie,
  Relatie, Organiseren in stappen, Eigenaarschap en Inrichting, en drie fasen;
- praktijkvoorbeelden van bestaande fusieorganisaties (met hun bronnen);
- een overzicht van de wijzigingen in de Wet gemeenschappelijke regelingen (Wgr) sinds 2014.

**Hoe antwoordt het?** Met letterlijke citaten: elk antwoord bestaat uit zinnen uit de documenten,
met [n] naar de bron. Er is standaard geen taalmodel dat zelf tekst schrijft. Staat het antwoord
niet in de documenten, dan zegt de assistent dat en wijst hij verwante secties aan.

**Wat doet het niet?** Geen juridisch advies en geen actuele of lokale feiten over jouw gemeente.
De handreiking is van 2014: passages die later zijn gewijzigd, krijgen de melding
*Let op: bijgewerkt*. Controleer belangrijke punten altijd in de bron.
"""

CSS = """
.kop h1 { margin: 0; font-size: 1.6rem; }
.kop p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
.vraag { white-space: normal; }
.antwoord p { margin: .3rem 0; }
.antwoord .bezig { color: var(--body-text-color-subdued); font-style: italic; animation: puls 1.2s infinite; }
@keyframes puls { 50% { opacity: .45; } }
.antwoord .fout { color: #b42318; font-weight: 600; }
.antwoord .geen-antwoord { color: #8a4b00; }
a.bronlink { font-weight: 600; text-decoration: none; padding: 0 .1em; border-radius: 3px;
             background: #e8f0fe; color: #1a4fb4; }
.bijgewerkt, .bron-noot { background: #fff4d6; border-left: 4px solid #e0a800; padding: .3rem .5rem;
                          border-radius: 4px; }
.meldingen .melding { background: #eef4ff; border-left: 4px solid #5b8def; padding: .25rem .5rem;
                      border-radius: 4px; font-size: .92em; }
details.bronnen { margin-top: .6rem; border-top: 1px solid var(--border-color-primary); padding-top: .3rem; }
details.bronnen summary { cursor: pointer; font-weight: 600; }
.bron { margin: .5rem 0; padding: .4rem .6rem; border: 1px solid var(--border-color-primary);
        border-radius: 6px; scroll-margin-top: 4rem; }
.bron.uitgelicht { outline: 3px solid #5b8def; }
.bron-meta { color: var(--body-text-color-subdued); font-size: .9em; }
.bron-pad { font-size: .9em; margin: .15rem 0; }
.bron-tekst { margin: .3rem 0 0; padding-left: .6rem; border-left: 3px solid #ccc; font-size: .93em;
              color: var(--body-text-color); opacity: .9; }
.bron-tekst mark { background: #fff1a8; color: #111; padding: 0 .1em; }
.dichtbij ul { margin: .2rem 0 0 1.2rem; }
.afbakening { background: #e8f0fe; border: 1px solid #5b8def; border-radius: 999px;
              padding: .3rem .8rem; display: inline-block; }
.afbakening-rij { align-items: center; }
.starter { justify-content: flex-start !important; text-align: left !important; }
.groep p { margin: .5rem 0 0 !important; }
nav.inhoud ul { list-style: none; padding-left: 0; margin: .2rem 0 .6rem; }
nav.inhoud li { margin: .1rem 0; }
nav.inhoud li.niveau-1 { margin-top: .45rem; font-weight: 600; }
nav.inhoud li.niveau-2 { padding-left: 1rem; }
nav.inhoud li.niveau-3 { padding-left: 2rem; font-size: .93em; }
nav.inhoud summary { cursor: pointer; font-weight: 600; margin: .3rem 0; }
.badge { font-size: .75em; border-radius: 4px; padding: 0 .35em; background: #eceff3; color: #333;
         font-weight: 500; }
.badge.fase { background: #e3f4e8; color: #17603a; }
.badge.kader { background: #f3e8fd; color: #5b2a86; }
#inhoud { max-height: 70vh; overflow-y: auto; }
.sectie h2 { margin: .2rem 0; }
.sectie-doc, .sectie-pad { color: var(--body-text-color-subdued); font-size: .9em; margin: 0; }
.sectie-tekst p { line-height: 1.55; }
.beheer-gelukt, .beheer-geweigerd { padding: .4rem .6rem; border-radius: 4px; margin: .3rem 0; }
.beheer-gelukt { background: #e3f4e8; border-left: 4px solid #17603a; }
.beheer-geweigerd { background: #fdecea; border-left: 4px solid #b42318; }
table.documenten { width: 100%; border-collapse: collapse; font-size: .9em; }
table.documenten th, table.documenten td { border-bottom: 1px solid var(--border-color-primary);
                                           padding: .25rem .4rem; text-align: left; vertical-align: top; }
.gebruiker { text-align: right; margin: 0; font-size: .9em; }
"""

# Runs once on page load: [n] links scroll to their source; links to #sectie=<key> open that
# section in the Handboek tab through a hidden textbox + button (the Python side does the rest).
JS = """
() => {
  document.documentElement.lang = 'nl';  // the page is Dutch (Gradio's template says "en")
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a');
    if (!link) return;
    const href = link.getAttribute('href') || '';
    if (href.startsWith('#sectie=')) {
      event.preventDefault();
      event.stopPropagation();
      const box = document.querySelector('#nav-sectie textarea, #nav-sectie input');
      const button = document.querySelector('#nav-open');
      if (!box || !button) return;
      box.value = decodeURIComponent(href.slice('#sectie='.length));
      box.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => button.click(), 50);
    } else if (href.startsWith('#bron-')) {
      event.preventDefault();
      event.stopPropagation();
      const target = document.getElementById(href.slice(1));
      if (!target) return;
      const details = target.closest('details');
      if (details) details.open = true;
      target.scrollIntoView({ behavior: 'smooth', block: 'center' });
      target.classList.add('uitgelicht');
      setTimeout(() => target.classList.remove('uitgelicht'), 2500);
      history.replaceState(null, '', href);
    }
  }, true);
}
"""
