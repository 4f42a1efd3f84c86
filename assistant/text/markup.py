"""The two patterns every layer shares: `[n]` citation markers and control characters.

Citations are 1-based `[n]` markers (as haystack's AnswerBuilder parses them); each layer that
writes, checks, links or strips them uses this one pattern.
"""

from __future__ import annotations

import re

CITATION_RE = re.compile(r"\[(\d+)\]")
_CITATION_WITH_SPACE_RE = re.compile(r"\s*\[\d+\]")
# C0 controls and DEL, except tab, line feed, form feed and carriage return (ordinary in text files).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
# HTML pasted into a question (a copied web page, a probe): script and style blocks go with their
# content, other tags go and leave their text. Only tag-shaped "<" are matched, so "5 < 10" stays.
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"</?[A-Za-z!][^<>]*>")


def cited_numbers(text: str) -> list[int]:
    """The numbers of the `[n]` markers in `text`, in order."""
    return [int(n) for n in CITATION_RE.findall(text)]


def strip_citations(text: str) -> str:
    """`text` without its `[n]` markers and the space before them."""
    return _CITATION_WITH_SPACE_RE.sub("", text)


def scrub(text: str) -> str:
    """`text` without lone surrogates (from a broken JSON escape or a non-UTF-8 command-line
    argument): they cannot be written as UTF-8, so each becomes U+FFFD."""
    return _SURROGATE_RE.sub("\ufffd", text)


def strip_tags(text: str) -> str:
    """`text` without HTML tags; the words between tags stay (script and style content does not)."""
    return _TAG_RE.sub(" ", _SCRIPT_RE.sub(" ", text))
