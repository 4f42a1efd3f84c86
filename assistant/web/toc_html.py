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
    esc,
    lines_to_html,
    paragraphs,
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


def section_html(entry: SectionEntry, children: Sequence[SectionEntry] = ()) -> str:
    """One section to read: its path, badges, its cleaned text (escaped) and links to its
    subsections."""
    section = entry.section
    crumbs = " › ".join(esc(p) for p in section.path)
    text = "".join(f"<p>{lines_to_html(p)}</p>" for p in paragraphs(section.text))
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
