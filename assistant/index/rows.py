"""Chunks and sentence rows to Chroma metadata and back (Chroma stores flat str/int/bool values)."""

from __future__ import annotations

import json
from typing import Any

from assistant.corpus.lists import ListPlace
from assistant.index.records import SentenceRow
from assistant.types import Chunk


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "doc": chunk.doc_id,
        "title": chunk.title,
        "section": json.dumps(list(chunk.section), ensure_ascii=False),
        "kind": chunk.kind,
        "letter": chunk.letter or "",
        "phase": chunk.phase if chunk.phase is not None else -1,
        "theme": chunk.theme or "",
        "doc_type": chunk.doc_type,
        "page": chunk.page if chunk.page is not None else -1,
        "start": chunk.start,
        "end": chunk.end,
    }


def chunk_from_row(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        doc_id=meta["doc"],
        title=meta["title"],
        section=tuple(json.loads(meta["section"])),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        kind=meta["kind"],
        letter=meta["letter"] or None,
        phase=None if int(meta["phase"]) < 0 else int(meta["phase"]),
        theme=meta["theme"] or None,
        doc_type=meta["doc_type"],
        page=None if int(meta["page"]) < 0 else int(meta["page"]),
    )


def sentence_metadata(row: SentenceRow) -> dict[str, Any]:
    place = row.place
    return {
        "chunk_id": row.chunk_id,
        "start": row.start,
        "end": row.end,
        "paragraph": place.paragraph,
        "list_id": place.list_id,
        "item": place.item,
        "marker": place.marker,
        "introduces_list": place.introduces_list,
    }


def place_of(meta: dict[str, Any]) -> ListPlace:
    if "paragraph" not in meta:
        return ListPlace()
    return ListPlace(
        paragraph=int(meta["paragraph"]),
        list_id=int(meta["list_id"]),
        item=int(meta["item"]),
        marker=str(meta["marker"]),
        introduces_list=bool(meta["introduces_list"]),
    )
