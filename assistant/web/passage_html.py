"""A deep link's passage in the Handboek tab: its section with the quoted sentences marked, or a
clear message when the passage is no longer in the documents.

No gradio import (handbook.py calls this from its handler): tested without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.corpus.toc import SectionEntry, children_of, section_key
from assistant.types import Chunk, Section
from assistant.web.deeplinks import PassageLink, section_label, sentences_span
from assistant.web.html_parts import esc
from assistant.web.toc_html import section_html

GONE = "Deze passage staat niet (meer) in de documenten."
NOT_IN_PASSAGE = "De zinnen uit de link staan niet in deze passage; de hele passage is gemarkeerd."


@dataclass(frozen=True)
class PassageView:
    html: str  # for the Handboek tab's section view
    entry: SectionEntry | None  # the section shown, if any (the tab's current section)
    found: bool  # the passage itself is there


def notice_html(text: str) -> str:
    return f'<p class="link-melding" role="status">{esc(text)}</p>'


def chunk_offset(section: Section, chunk: Chunk) -> int | None:
    """Where `chunk`'s text starts in `section`'s text; None when the section no longer holds it
    (the corpus file changed and the index is not rebuilt yet)."""
    at = chunk.start - section.start
    if section.text[at : at + len(chunk.text)] == chunk.text:
        return at
    found = section.text.find(chunk.text)
    return found if found >= 0 else None


def passage_view(
    link: PassageLink, chunk: Chunk | None, by_key: Mapping[str, SectionEntry], entries: Sequence[SectionEntry]
) -> PassageView:
    """The section that holds the linked chunk with its sentences marked; or the message that it
    is gone, with the section the link named (opened below the message when it still exists)."""
    entry = by_key.get(section_key(chunk.doc_id, chunk.section_label)) if chunk else None
    offset = chunk_offset(entry.section, chunk) if entry and chunk else None
    if chunk is None or entry is None or offset is None:
        return _gone(link, by_key, entries)
    start, end, notice = 0, len(chunk.text), ""
    if link.sentences is not None:
        span = sentences_span(chunk.text, link.sentences)
        if span is None:
            notice = notice_html(NOT_IN_PASSAGE)
        else:
            start, end = span
    mark = (offset + start, offset + end)
    return PassageView(section_html(entry, children_of(entry, entries), mark, notice), entry, True)


def _gone(link: PassageLink, by_key: Mapping[str, SectionEntry], entries: Sequence[SectionEntry]) -> PassageView:
    named = by_key.get(link.section) if link.section else None
    if named is not None:
        text = (
            f"{GONE} De link verwees naar de sectie “{named.section.label}” ({named.doc_title}); die staat hieronder."
        )
        return PassageView(section_html(named, children_of(named, entries), None, notice_html(text)), named, False)
    if link.section:
        return PassageView(notice_html(f"{GONE} De link verwees naar “{section_label(link.section)}”."), None, False)
    return PassageView(notice_html(GONE), None, False)
