"""Sentence spans in Dutch prose, list items and bullets, as character offsets.

Within a line, pysbd's Dutch rules decide where a sentence ends (its abbreviation list covers
"bijv.", "Stb.", "art." and the like, also in documents uploaded later); a line break always ends
one, since list items, bullets and headings stand on lines of their own. pysbd replaced a
hand-kept abbreviation list (2026-12-05): the bank's figures were the same with either (188 of 191
chunks split alike; pysbd kept "Stb. 2022, 18" together and splits after "par."), at 3.4 ms per
chunk against 0.014 ms.
"""

from __future__ import annotations

import re
import threading

import pysbd

_LINE = re.compile(r"[^\n]+")
# A Segmenter keeps the text it is segmenting on itself, so each thread gets its own.
_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="nl", clean=False, char_span=True)
    return segmenter


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences; return (start, end) spans with surrounding space trimmed."""
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        for piece in _segmenter().segment(line.group()):
            start, end = _trim(text, line.start() + piece.start, line.start() + piece.end)
            if end > start:
                spans.append((start, end))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
