"""Growing a chosen sentence into the passage a reader needs: the list it belongs to or
introduces (also when that list goes on in the next chunk or in the sub-sections below), the
sentence it leans on, the list a count announces further on.

Works on a chunk's sentences as the composer scored them (`ScoredSentence`); offsets stay those
of the chunk, so every passage is an exact substring of its chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus.lists import list_marker
from assistant.index.records import SentenceRow
from assistant.index.store import IndexReader
from assistant.text.tokens import tokenize
from assistant.types import Chunk, Hit

MAX_LIST_ITEMS = 8
SHORT_LINE_CHARS = 60
MAX_PROSE_SENTENCES = 4
NUMBER_WORDS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "two": 2, "three": 3, "four": 4}
# Openings of a sentence that only makes sense with the one before it.
LEANING_STARTS = (
    "Of:",
    "Of ",
    "Dit ",
    "Dat ",
    "Deze ",
    "Die ",
    "Daarom",
    "Daardoor",
    "Zo ",
    "Ook ",
    "Maar ",
    "Zij ",
    "Ze ",
    "Hij ",
    "Het zijn ",
)


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of a retrieved chunk with the composer's score for the question."""

    row: SentenceRow
    hit: Hit
    rank: int  # rank of its chunk in the fused list
    score: float
    continued_by: tuple[str, ...] = ()  # chunks holding the list this chunk's last line announces
    coverage: float = 0.0  # share of the question's words in the sentence (and its heading)

    @property
    def is_list_item(self) -> bool:
        """Part of a bullet or "a)" item, also when it is the item's second sentence."""
        return self.row.is_list_item


def list_continuation(chunk: Chunk, reader: IndexReader) -> list[Chunk]:
    """When a chunk ends announcing a list ("... zien we twee varianten:") that continues in the
    next chunk or in the sub-sections below it, those chunks: the next one of the same section,
    or the first chunk of each following sub-section (as many as the announced number, else 2).
    Also when a chunk ends inside a list ("a) ...") that the next chunk goes on with ("b) ...")."""
    text = chunk.text.rstrip()
    if not text.endswith(":"):
        last = _last_list_marker(text)
        if last is None:
            return []
        following = reader.following(chunk.id)
        if following and following[0].section == chunk.section and _continues_list(last, following[0].text):
            return following[:1]
        return []
    following = reader.following(chunk.id)
    if following and following[0].section == chunk.section:
        return following[:1]
    match = re.search(rf"\b({'|'.join(NUMBER_WORDS)})\b[^:]*:$", chunk.text.rstrip())
    wanted = NUMBER_WORDS[match.group(1)] if match else 2
    firsts = list({c.section: c for c in reversed(following)}.values())[::-1]
    return firsts[:wanted]


def _last_list_marker(text: str) -> str | None:
    """The marker ("•", "c)") of the last list item that starts a paragraph of `text`, if any."""
    markers = [marker for line in text.split("\n") if (marker := list_marker(line))]
    return markers[-1] if markers else None


def _continues_list(last_marker: str, next_text: str) -> bool:
    """Whether a chunk opening with `next_text` goes on with the list whose last item so far had
    `last_marker`: the next letter after "a)", another bullet after "•"."""
    marker = list_marker(next_text)
    if marker is None:
        return False
    if last_marker == "•":
        return marker == "•"
    return marker != "•" and ord(marker[0]) == ord(last_marker[0]) + 1


def _announced_list_line(ordered: list[ScoredSentence], index: int) -> int:
    """When the sentence at `index` counts something ("drie verschillende fasen") and a later
    line of its chunk introduces that many ("De drie fasen zijn:"), the position of that line;
    else `index`. The quote then runs on to the list, which is what the count announced."""
    words = set(tokenize(ordered[index].row.text))
    counts = words & NUMBER_WORDS.keys()
    for position in range(index + 1, len(ordered)):
        line = ordered[position].row.text.rstrip()
        if line.endswith(":") and counts & set(tokenize(line)) and len(words & set(tokenize(line))) >= 2:
            return position
    return index


def _same_paragraph(a: ScoredSentence, b: ScoredSentence) -> bool:
    return a.row.chunk_id == b.row.chunk_id and a.row.place.paragraph == b.row.place.paragraph


def expand(best: ScoredSentence, siblings: list[ScoredSentence], style: str) -> list[ScoredSentence]:
    """Grow a chosen sentence into the passage a reader needs: the whole list it belongs to, or
    the list it introduces (a sentence ending in ':'); in the "uitgebreid" style also the
    sentence before it when it leans on it ("Of: ...", "Dit ...") and the one after it in the
    same paragraph."""
    ordered = sorted(siblings, key=lambda s: s.row.start)
    index = next(i for i, s in enumerate(ordered) if s.row.start == best.row.start)
    if best.is_list_item:
        lo = hi = index
        while lo > 0 and ordered[lo - 1].is_list_item:
            lo -= 1
        if lo > 0 and ordered[lo - 1].row.text.rstrip().endswith(":"):
            lo -= 1  # include the line that introduces the list
        while hi + 1 < len(ordered) and ordered[hi + 1].is_list_item:
            hi += 1
        return ordered[lo : hi + 1][: MAX_LIST_ITEMS + 1]

    lo = hi = index
    if best.row.place.introduces_list:
        # The last sentence of a paragraph that a list follows introduces it, also without a
        # colon (lost in the PDF text): the items are the answer.
        while hi + 1 < len(ordered) and ordered[hi + 1].is_list_item and hi - index < MAX_LIST_ITEMS:
            hi += 1
        return ordered[lo : hi + 1]
    if style != "kort":
        before = ordered[lo - 1] if lo > 0 else None
        # The sentence before comes along when this one leans on it ("Of: ...", "Dit ...") or
        # when it names the question's terms that this one only describes.
        if (
            before is not None
            and _same_paragraph(before, best)
            and (best.row.text.startswith(LEANING_STARTS) or before.coverage > best.coverage)
        ):
            lo -= 1
        if hi + 1 < len(ordered) and _same_paragraph(best, ordered[hi + 1]) and not ordered[hi].row.text.endswith(":"):
            hi += 1
            # A short sentence carries little ("Het rijtje is inmiddels genoegzaam bekend."): the
            # passage goes on in its paragraph until it says something of substance.
            while (
                len(ordered[hi].row.text) < SHORT_LINE_CHARS
                and hi + 1 < len(ordered)
                and _same_paragraph(ordered[hi], ordered[hi + 1])
                and hi - lo < MAX_PROSE_SENTENCES - 1
            ):
                hi += 1
    if hi + 1 < len(ordered) and ordered[hi + 1].row.text.rstrip().endswith(":"):
        hi += 1  # "... drie fasen doorlopen. De drie fasen zijn:" -> take the list along
    else:
        hi = max(hi, _announced_list_line(ordered, index))
    if ordered[hi].row.text.rstrip().endswith(":"):
        # What the colon announces: list items or short lines, else the one sentence after it.
        while hi + 1 < len(ordered) and hi - index < MAX_LIST_ITEMS:
            following = ordered[hi + 1]
            if following.is_list_item or len(following.row.text) <= SHORT_LINE_CHARS:
                hi += 1
            else:
                if ordered[hi].row.text.rstrip().endswith(":"):
                    hi += 1
                break
    return ordered[lo : hi + 1]
