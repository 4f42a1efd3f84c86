"""Sections -> chunks. Pure: no I/O, no models.

A chunk never crosses a section boundary. Paragraphs are packed greedily up to `max_chars`; a
paragraph longer than that is cut at sentence boundaries. A short tail is merged back so no chunk
is a lone fragment. A chunk does not end between two short lines, a list written without markers
(the Voorwoord's five GROEI letters, whose last one, "Inrichting", opened the next chunk): such a
list may stretch its chunk by a quarter. Lists with markers ("a)", "•") may go on in the next
chunk: the passage grower follows them there (answers/passages.py).
"""

from __future__ import annotations

import hashlib
import re

from assistant.text.sentences import sentence_spans
from assistant.text.tokens import normalize_for_match
from assistant.types import Chunk, Document, Section

MIN_TAIL_FRACTION = 0.3
# A line this short is a list item or a caption, not prose: the GROEI letters, "Fase 1: Initiëren
# en verkennen;".
SHORT_LINE_CHARS = 60
# A list of short lines may stretch its chunk by this much rather than lose its last items to the
# next chunk (the GROEI letters missed by one character).
LIST_STRETCH = 1.25


def _pieces(section: Section, max_chars: int) -> list[tuple[int, int]]:
    """Spans (relative to section.text) no longer than max_chars where sentences allow."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", section.text):
        if para.end() - para.start() <= max_chars:
            spans.append((para.start(), para.end()))
            continue
        start = end = para.start()
        for s, e in sentence_spans(para.group()):
            s, e = s + para.start(), e + para.start()
            if e - start > max_chars and end > start:
                spans.append((start, end))
                start = s
            end = e
        spans.append((start, end))
    return spans


def chunk_section(section: Section, max_chars: int) -> list[tuple[int, int]]:
    """Absolute (start, end) offsets of the chunks of one section."""
    groups: list[list[int]] = []
    last = (0, 0)  # the piece packed last: a list of short lines may stretch its chunk
    for piece in _pieces(section, max_chars):
        length = piece[1] - groups[-1][0] if groups else 0
        if groups and (length <= max_chars or (length <= LIST_STRETCH * max_chars and _short_lines(last, piece))):
            groups[-1][1] = piece[1]
        else:
            groups.append(list(piece))
        last = piece
    if len(groups) > 1 and groups[-1][1] - groups[-1][0] < MIN_TAIL_FRACTION * max_chars:
        tail = groups.pop()
        groups[-1][1] = tail[1]
    return [(section.start + s, section.start + e) for s, e in groups]


def _short_lines(last: tuple[int, int], piece: tuple[int, int]) -> bool:
    """Whether `piece` and the `last` piece before it are both short lines: a list written
    without markers, which the passage grower cannot follow into the next chunk."""
    return last[1] - last[0] < SHORT_LINE_CHARS and piece[1] - piece[0] < SHORT_LINE_CHARS


def chunk_document(document: Document, max_chars: int = 550) -> list[Chunk]:
    chunks: list[Chunk] = []
    doc_type = str(document.metadata.get("type", "document"))
    pages = [normalize_for_match(t) for t in document.metadata.get("_page_texts") or []]
    for section in document.sections:
        if section.kind == "references":
            continue
        for start, end in chunk_section(section, max_chars):
            text = document.text[start:end]
            chunks.append(
                Chunk(
                    id=Chunk.make_id(document.doc_id, section.path, text),
                    doc_id=document.doc_id,
                    title=document.title,
                    section=section.path,
                    text=text,
                    start=start,
                    end=end,
                    kind=section.kind,
                    letter=section.letter,
                    phase=section.phase,
                    theme=section.theme,
                    doc_type=doc_type,
                    page=_page_of(pages, text),
                )
            )
    return chunks


def _page_of(normalized_pages: list[str], text: str) -> int | None:
    """The 1-based page on which a chunk starts, found by its first words."""
    probe = normalize_for_match(text)[:40]
    for number, page in enumerate(normalized_pages, start=1):
        if probe and probe in page:
            return number
    return None


def chunks_digest(chunks: list[Chunk]) -> str:
    """Which chunks, in which order (their ids are content hashes of section path and text): what
    saved tables belong to, and how a document was cut."""
    return hashlib.sha256("\n".join(c.id for c in chunks).encode()).hexdigest()
