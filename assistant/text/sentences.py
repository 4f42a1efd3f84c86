"""Sentence spans in Dutch prose, list items and bullets, as character offsets."""

from __future__ import annotations

import re

# Abbreviations whose trailing dot does not end a sentence.
ABBREVIATIONS = {
    "vs",
    "o.l.v",
    "etc",
    "p",
    "par",
    "bijv",
    "bv",
    "d.w.z",
    "i.p.v",
    "m.b.t",
    "t.a.v",
    "o.a",
    "nr",
    "art",
    "e.d",
    "z.g.a.n",
    "resp",
    "incl",
    "excl",
    "dhr",
    "mevr",
    "ca",
    "e.g",
    "i.e",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[’”'\")]*\s+(?=[\"‘“'(]?[A-Z0-9À-Ý•])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences; return (start, end) spans with surrounding space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()]
        if match.group().strip() == "" and "\n" not in match.group() and _ends_with_abbreviation(candidate):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _ends_with_abbreviation(candidate: str) -> bool:
    word = candidate.rstrip().rsplit(None, 1)[-1] if candidate.strip() else ""
    return word.rstrip(".").lower().lstrip("(‘'\"") in ABBREVIATIONS


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
