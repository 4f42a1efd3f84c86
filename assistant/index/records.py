"""What the index stores besides Chroma's rows: the manifest of a version and the typed records
in it, and the sentence rows with their place in the chunk's paragraphs and lists."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from assistant.corpus.links import PracticeLink, UpdateLink
from assistant.corpus.lists import ListPlace


def _known(record: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keys `record` has: a manifest written by a newer version (a field added since, as
    `chunking` was) is still read by this one, so rolling back does not need a re-ingest."""
    names = {f.name for f in fields(record)}
    return {key: value for key, value in data.items() if key in names}


@dataclass(frozen=True)
class DocumentRecord:
    doc: str
    title: str
    type: str
    sha256: str
    modified: str
    chunks: int
    # A digest of the document's chunk ids (content hashes): the same file cut differently (a new
    # chunker, another ASSISTANT_CHUNK_CHARS) is a different index. "" in versions written before.
    chunking: str = ""


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file ingest could not read, with the reason it gave."""

    file: str  # path relative to the corpus folder
    reason: str


@dataclass(frozen=True)
class Manifest:
    version: str
    embedder: str
    built_at: str
    chunks_collection: str
    sentences_collection: str
    documents: list[DocumentRecord] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    updates: list[UpdateLink] = field(default_factory=list)
    practice: list[PracticeLink] = field(default_factory=list)  # handbook section -> case sections
    embedder_spec: str = "e5"  # how to load the embedder again (Settings.embedder syntax)
    previous_version: str = ""  # kept for a grace period after the switch; "" before this was recorded

    @staticmethod
    def from_json(data: dict[str, Any]) -> Manifest:
        return Manifest(
            **{
                **_known(Manifest, data),
                "documents": [DocumentRecord(**_known(DocumentRecord, d)) for d in data.get("documents", [])],
                "skipped": [SkippedFile(**_known(SkippedFile, s)) for s in data.get("skipped", [])],
                "updates": [UpdateLink(**_known(UpdateLink, u)) for u in data.get("updates", [])],
                "practice": [PracticeLink.from_json(p) for p in data.get("practice", [])],
            }
        )


@dataclass(frozen=True)
class SentenceRow:
    chunk_id: str
    start: int  # offsets into the chunk's text
    end: int
    text: str
    place: ListPlace = ListPlace()  # paragraph, list and item number within the chunk

    @property
    def id(self) -> str:
        return f"{self.chunk_id}:{self.start}"

    @property
    def is_list_item(self) -> bool:
        """Part of a bullet or "a)" item, also when it is the item's second sentence."""
        return self.place.item > 0
