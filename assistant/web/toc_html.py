"""The Handboek tab as HTML: the corpus section tree, its table of contents and one section to read.

A section is addressed by its key (`doc_id::label`, see corpus.toc.section_key); links to it use
html_parts.section_href, which the page script turns into "open this section in the Handboek tab".
No gradio import: these functions are tested without a browser.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.corpus.toc import SectionEntry
from assistant.types import Section
from assistant.web.html_parts import (
    DOC_TYPE_LABEL,
    KIND_LABEL,
    PARAGRAPH_BREAK_RE,
    esc,
    lines_to_html,
    section_href,
)


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


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph of `text`, whitespace trimmed (html_parts.paragraphs)."""
    spans, start = [], 0
    for match in [*PARAGRAPH_BREAK_RE.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = match.end() if match else end
    return spans


def _paragraph_html(text: str, start: int, end: int, mark: tuple[int, int] | None, first: bool) -> str:
    """One paragraph; the part of it inside `mark` (offsets in the section text) in <mark>."""
    if mark is None or mark[1] <= start or mark[0] >= end:
        return f"<p>{lines_to_html(text[start:end])}</p>"
    a, b = max(start, mark[0]), min(end, mark[1])
    anchor = ' id="passage"' if first else ""
    return (
        f'<p>{lines_to_html(text[start:a])}<mark class="passage"{anchor}>{lines_to_html(text[a:b])}</mark>'
        f"{lines_to_html(text[b:end])}</p>"
    )


def section_html(
    entry: SectionEntry, children: Sequence[SectionEntry] = (), mark: tuple[int, int] | None = None, notice: str = ""
) -> str:
    """One section to read: its path, badges, its cleaned text (escaped) and links to its
    subsections. `mark`: a span of the section text to highlight (a deep link's quoted sentences);
    `notice`: a message shown above the section (already HTML)."""
    section = entry.section
    crumbs = " › ".join(esc(p) for p in section.path)
    parts, marked = [], False
    for start, end in _paragraph_spans(section.text):
        parts.append(_paragraph_html(section.text, start, end, mark, not marked))
        marked = marked or (mark is not None and mark[0] < end and mark[1] > start)
    text = "".join(parts)
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
        f"{notice}"
        f'<article class="sectie"><p class="sectie-doc">{esc(entry.doc_title)} · '
        f"{esc(' · '.join(meta))}</p><h2>{esc(section.path[-1])}</h2>"
        f'<p class="sectie-pad">{crumbs}</p><div class="sectie-tekst">{text}</div>{more}</article>'
    )
