"""Where each sentence of a chunk stands in its paragraphs and lists, worked out once at ingest.

Cleaning and structure write a list item as a paragraph that opens with its marker ("• " for a
bullet, "a) " for a lettered item); this is the one place that reads those markers back. The
result is stored on every sentence row of the index, so the passage grower reads a sentence's
paragraph, list and item number instead of re-parsing the chunk text at question time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIST_MARKER_RE = re.compile(r"^(•|[a-h]\))\s")


@dataclass(frozen=True)
class ListPlace:
    """A sentence's place in its chunk's layout."""

    paragraph: int = 0  # number of the paragraph (a line of the chunk) the sentence is in
    list_id: int = -1  # which list of the chunk the sentence is part of; -1: not in a list
    item: int = 0  # 1-based number of the item within its list; 0: not a list item
    marker: str = ""  # the item's marker as written ("•", "c)"); "" when not an item
    introduces_list: bool = False  # last sentence of a paragraph that a list follows


def list_marker(paragraph: str) -> str | None:
    """The marker ("•", "c)") a paragraph opens with when it is a list item."""
    match = LIST_MARKER_RE.match(paragraph)
    return match.group(1) if match else None


def list_places(text: str, spans: list[tuple[int, int]]) -> list[ListPlace]:
    """The place of each sentence (given as `spans` into `text`, in order, none crossing a line
    break) in the paragraphs and lists of `text`."""
    paragraph_of: list[int] = []
    paragraph_starts: list[int] = []
    for start, _ in spans:
        line_start = text.rfind("\n", 0, start) + 1
        if not paragraph_starts or paragraph_starts[-1] != line_start:
            paragraph_starts.append(line_start)
        paragraph_of.append(len(paragraph_starts) - 1)
    markers = [list_marker(text[start:]) for start in paragraph_starts]

    # Consecutive item paragraphs form one list; their items are numbered in order.
    list_of: list[int] = []
    item_of: list[int] = []
    lists = -1
    for number, marker in enumerate(markers):
        if marker is None:
            list_of.append(-1)
            item_of.append(0)
            continue
        if number == 0 or markers[number - 1] is None:
            lists += 1
            item_of.append(1)
        else:
            item_of.append(item_of[-1] + 1)
        list_of.append(lists)

    places = []
    for position, paragraph in enumerate(paragraph_of):
        last_of_paragraph = position + 1 == len(spans) or paragraph_of[position + 1] != paragraph
        introduces = (
            markers[paragraph] is None
            and last_of_paragraph
            and paragraph + 1 < len(markers)
            and markers[paragraph + 1] is not None
        )
        places.append(
            ListPlace(
                paragraph=paragraph,
                list_id=list_of[paragraph],
                item=item_of[paragraph],
                marker=markers[paragraph] or "",
                introduces_list=introduces,
            )
        )
    return places
