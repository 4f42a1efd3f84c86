"""Read access to one version of the index: its chunks, dense search over them, their sentences'
vectors and the documents' centroids (store.py opens it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.index.store import Manifest


@dataclass(frozen=True)
class SentenceRow:
    chunk_id: str
    start: int  # offsets into the chunk's text
    end: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.chunk_id}:{self.start}"


def _chunk_from_row(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
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


class IndexReader:
    """Read access to one version of the index."""

    def __init__(self, manifest: Manifest, chunks: Any, sentences: Any, live_version: str = "") -> None:
        self.manifest = manifest
        # The live manifest's version when this reader was opened: differs from manifest.version
        # when the live version was incomplete and an older one answers instead.
        self.live_version = live_version or manifest.version
        self._chunks = chunks
        self._sentences = sentences
        rows = chunks.get(include=["documents", "metadatas"])
        self.chunks: list[Chunk] = [
            _chunk_from_row(i, d, m) for i, d, m in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        ]
        self.chunks.sort(key=lambda c: (c.doc_id, c.start))
        self.by_id = {c.id: c for c in self.chunks}
        self._centroids: Any = None

    def following(self, chunk_id: str) -> list[Chunk]:
        """The chunks after `chunk_id` in its document that lie in its section or below it."""
        chunk = self.by_id[chunk_id]
        position = self.chunks.index(chunk)
        out = []
        for later in self.chunks[position + 1 :]:
            if later.doc_id != chunk.doc_id or later.section[: len(chunk.section)] != chunk.section:
                break
            out.append(later)
        return out

    def dense(self, vector: list[float], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k chunk ids by cosine similarity, optionally only among `allowed` ids."""
        if not self.chunks:
            return []
        # With a scope, rank everything and filter: the corpus is small (hundreds of chunks).
        n = len(self.chunks) if allowed is not None else min(k, len(self.chunks))
        result = self._chunks.query(query_embeddings=[vector], n_results=n, include=["distances"])
        pairs = [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]
        if allowed is not None:
            pairs = [p for p in pairs if p[0] in allowed]
        return pairs[:k]

    def centroids(self) -> Any:
        """One unit-length mean vector per document: the directions of the corpus's documents, so
        that a short case document counts as much as the long handbook."""
        if self._centroids is None:
            got = self._chunks.get(include=["embeddings"])
            doc_of = {c.id: c.doc_id for c in self.chunks}
            by_doc: dict[str, list[Any]] = {}
            for chunk_id, vector in zip(got["ids"], got["embeddings"], strict=True):
                by_doc.setdefault(doc_of[chunk_id], []).append(vector)
            rows = [np.asarray(v, dtype=np.float32).mean(axis=0) for v in by_doc.values()]
            matrix = np.asarray(rows, dtype=np.float32) if rows else np.zeros((0, 1), dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(rows) else 1.0
            self._centroids = matrix / np.where(norms > 0, norms, 1.0)
        return self._centroids

    def sentence_vectors(self, chunk_ids: list[str]) -> list[tuple[SentenceRow, list[float]]]:
        if not chunk_ids:
            return []
        rows = self._sentences.get(
            where={"chunk_id": {"$in": chunk_ids}}, include=["embeddings", "metadatas", "documents"]
        )
        out = []
        for meta, text, vector in zip(rows["metadatas"], rows["documents"], rows["embeddings"], strict=True):
            out.append((SentenceRow(meta["chunk_id"], int(meta["start"]), int(meta["end"]), text), list(vector)))
        return out
