"""Read access to one version of the index: its chunks, dense search over them, their sentences'
vectors and the documents' centroids (store.py opens it)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.corpus.lists import list_places
from assistant.index import centroids
from assistant.index.records import SentenceRow
from assistant.index.rows import chunk_from_row, place_of
from assistant.index.sentence_table import Page, SentenceTable
from assistant.index.server import reachable
from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.index.records import Manifest

log = logging.getLogger(__name__)

PAGE = 1000  # rows per get: one reply from a Chroma server stays a few MB, also at 100k chunks


def pages(collection: Any, include: list[str], **where: Any) -> Iterator[Page]:
    """The rows of `collection` (matching `where`), a page at a time."""
    offset = 0
    while True:
        rows = collection.get(include=include, limit=PAGE, offset=offset, **where)
        yield rows
        if len(rows["ids"]) < PAGE:
            return
        offset += PAGE


def paged(collection: Any, include: list[str], **where: Any) -> dict[str, list[Any]]:
    """All rows of `collection` (matching `where`), read a page at a time."""
    out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
    for rows in pages(collection, include, **where):
        for key in out:
            out[key].extend(rows[key])
    return out


class IndexReader:
    """Read access to one version of the index."""

    def __init__(
        self,
        manifest: Manifest,
        chunks: Any,
        sentences: Any,
        live_version: str = "",
        derived_dir: Path | None = None,
        server_url: str = "",
    ) -> None:
        self.manifest = manifest
        # Where files worked out from this version may be kept (the BM25 tables), or None.
        self.derived_dir = derived_dir
        self.server_url = server_url
        # The live manifest's version when this reader was opened: differs from manifest.version
        # when the live version was incomplete and an older one answers instead.
        self.live_version = live_version or manifest.version
        self._chunks = chunks
        self._sentences = sentences
        rows = paged(chunks, ["documents", "metadatas"])
        self.chunks: list[Chunk] = [
            chunk_from_row(i, d, m) for i, d, m in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        ]
        self.chunks.sort(key=lambda c: (c.doc_id, c.start))
        self.by_id = {c.id: c for c in self.chunks}
        self._position = {c.id: i for i, c in enumerate(self.chunks)}  # list.index was O(corpus)
        self._centroids: Any = None
        self._table: SentenceTable | None = None
        self._table_tried = False
        self._table_lock = threading.Lock()

    def _reachable(self) -> Any:
        """A lost Chroma server becomes the Dutch message a user sees (server.py)."""
        return reachable(self.server_url) if self.server_url else nullcontext()

    def following(self, chunk_id: str) -> list[Chunk]:
        """The chunks after `chunk_id` in its document that lie in its section or below it."""
        chunk = self.by_id[chunk_id]
        position = self._position[chunk_id]
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
        with self._reachable():
            result = self._chunks.query(query_embeddings=[vector], n_results=n, include=["distances"])
        pairs = [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]
        if allowed is not None:
            pairs = [p for p in pairs if p[0] in allowed]
        return pairs[:k]

    def chunk_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every chunk's id and its vector (a float32 matrix, one row per id): the documents'
        centroids are made from them, and a query adapter is fitted against them."""
        with self._reachable():
            got = paged(self._chunks, ["embeddings"])
        ids = list(got["ids"])
        if not ids:
            return ids, np.zeros((0, 0), dtype=np.float32)
        return ids, np.asarray(got["embeddings"], dtype=np.float32)

    def centroids(self) -> Any:
        """One unit-length mean vector per document (centroids.py): saved with the version at
        ingest, else worked out from Chroma once and saved for the next process."""
        if self._centroids is None:
            documents = len({c.doc_id for c in self.chunks})
            saved = centroids.load(self.derived_dir, documents) if self.derived_dir else None
            if saved is None:
                ids, vectors = self.chunk_vectors()
                doc_of = {c.id: c.doc_id for c in self.chunks}
                saved = centroids.document_centroids((doc_of[i] for i in ids), vectors)
                if self.derived_dir:
                    try:
                        centroids.save(self.derived_dir, saved)
                    except OSError as error:
                        log.warning("could not save the document centroids: %s", error)
            self._centroids = saved
        return self._centroids

    def sentence_vectors(self, chunk_ids: list[str]) -> list[tuple[SentenceRow, Any]]:
        """The sentences of `chunk_ids` with their e5 vectors, in reading order (from an old
        index without a sentence table: in Chroma's order)."""
        if not chunk_ids:
            return []
        table = self.sentence_table()
        if table is not None:
            return table.rows(chunk_ids)
        with self._reachable():
            rows = self._sentences.get(
                where={"chunk_id": {"$in": chunk_ids}}, include=["embeddings", "metadatas", "documents"]
            )
        out = []
        for meta, text, vector in zip(rows["metadatas"], rows["documents"], rows["embeddings"], strict=True):
            row = SentenceRow(meta["chunk_id"], int(meta["start"]), int(meta["end"]), text, place_of(meta))
            out.append((row, list(vector)))
        if any("paragraph" not in meta for meta in rows["metadatas"]):
            out = self._placed(out)
        return out

    def sentence_table(self) -> SentenceTable | None:
        """The version's sentences in arrays (sentence_table.py), read once per version; None for
        an index whose sentence rows the table cannot hold (then Chroma is asked each time)."""
        if self._table_tried:
            return self._table
        with self._table_lock:
            if not self._table_tried:
                try:
                    with self._reachable():
                        self._table = SentenceTable.cached(self.chunks, self._read_sentences, self.derived_dir)
                except ValueError as error:  # an old index, or one that changed while it was read
                    log.info("sentences are read from Chroma per question: %s", error)
                self._table_tried = True
        return self._table

    def _read_sentences(self) -> tuple[Iterator[Page], int]:
        return pages(self._sentences, ["embeddings", "metadatas", "documents"]), self._sentences.count()

    def _placed(self, rows: list[tuple[SentenceRow, list[float]]]) -> list[tuple[SentenceRow, list[float]]]:
        """Sentence rows of an index built before places were stored, with their places worked
        out from the chunk text as ingest does now."""
        by_chunk: dict[str, list[tuple[SentenceRow, list[float]]]] = {}
        for row, vector in rows:
            by_chunk.setdefault(row.chunk_id, []).append((row, vector))
        out = []
        for chunk_id, group in by_chunk.items():
            group.sort(key=lambda pair: pair[0].start)
            places = list_places(self.by_id[chunk_id].text, [(r.start, r.end) for r, _ in group])
            out += [(replace(r, place=place), v) for (r, v), place in zip(group, places, strict=True)]
        return out
