"""The Chroma index: build a versioned collection, switch to it when complete, read it.

Nothing else in the package touches Chroma. Layout of the index folder:
- Chroma's own files (a PersistentClient);
- `current.json`: the manifest naming the live collections, the embedder and every document's
  hash, date and chunk count. It is replaced atomically (os.replace) only after a new version is
  completely written, so a failed or killed ingest leaves the previous version answering.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.corpus.links import PracticeLink, UpdateLink
from assistant.corpus.lists import list_places
from assistant.errors import IndexMissing
from assistant.index.records import DocumentRecord, Manifest, SentenceRow, SkippedFile
from assistant.index.rows import chunk_from_row, chunk_metadata, place_of, sentence_metadata
from assistant.index.sweep import SweepReport, sweep, writing
from assistant.types import Chunk

MANIFEST = "current.json"
ADD_BATCH = 1000


def _client(index_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(index_dir),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


class IndexStore:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self._client_instance: Any = None

    @property
    def client(self) -> Any:
        if self._client_instance is None:
            self._client_instance = _client(self.index_dir)
        return self._client_instance

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / MANIFEST

    def manifest(self) -> Manifest | None:
        try:
            return Manifest.from_json(json.loads(self.manifest_path.read_text("utf-8")))
        except (FileNotFoundError, json.JSONDecodeError, TypeError, KeyError):
            return None

    def reusable_vectors(
        self, embedder: str, chunk_ids: list[str]
    ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
        """Vectors from the live version, if it used the same embedder: chunks by id (a content
        hash, so an equal id means equal text) and sentences by their text."""
        manifest = self.manifest()
        if manifest is None or manifest.embedder != embedder:
            return {}, {}
        try:
            chunks = self.client.get_collection(manifest.chunks_collection, embedding_function=None)
            sentences = self.client.get_collection(manifest.sentences_collection, embedding_function=None)
        except Exception:  # noqa: BLE001 - a damaged old version just means nothing to reuse
            return {}, {}
        rows = sentences.get(include=["documents", "embeddings"])
        by_text = {text: list(v) for text, v in zip(rows["documents"], rows["embeddings"], strict=True)}
        return _vectors(chunks, chunk_ids), by_text

    def write_version(
        self,
        embedder: str,
        chunks: list[Chunk],
        chunk_vectors: list[list[float]],
        sentences: list[SentenceRow],
        sentence_vectors: list[list[float]],
        documents: list[DocumentRecord],
        skipped: list[SkippedFile],
        updates: list[UpdateLink] | None = None,
        embedder_spec: str = "e5",
        practice: list[PracticeLink] | None = None,
    ) -> Manifest:
        """Write a complete new version, then switch the manifest to it."""
        version = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        with writing(self.index_dir, version):
            return self._write(
                version,
                embedder,
                chunks,
                chunk_vectors,
                sentences,
                sentence_vectors,
                documents,
                skipped,
                updates or [],
                embedder_spec,
                practice or [],
            )

    def _write(
        self,
        version: str,
        embedder: str,
        chunks: list[Chunk],
        chunk_vectors: list[list[float]],
        sentences: list[SentenceRow],
        sentence_vectors: list[list[float]],
        documents: list[DocumentRecord],
        skipped: list[SkippedFile],
        updates: list[UpdateLink],
        embedder_spec: str,
        practice: list[PracticeLink],
    ) -> Manifest:
        chunk_name, sentence_name = f"chunks-{version}", f"sentences-{version}"
        space = {"hnsw": {"space": "cosine"}}
        chunk_col = self.client.create_collection(chunk_name, embedding_function=None, configuration=space)
        sent_col = self.client.create_collection(sentence_name, embedding_function=None, configuration=space)
        for i in range(0, len(chunks), ADD_BATCH):
            batch = chunks[i : i + ADD_BATCH]
            chunk_col.add(
                ids=[c.id for c in batch],
                documents=[c.text for c in batch],
                metadatas=[chunk_metadata(c) for c in batch],
                embeddings=chunk_vectors[i : i + ADD_BATCH],
            )
        for i in range(0, len(sentences), ADD_BATCH):
            batch_s = sentences[i : i + ADD_BATCH]
            sent_col.add(
                ids=[s.id for s in batch_s],
                documents=[s.text for s in batch_s],
                metadatas=[sentence_metadata(s) for s in batch_s],
                embeddings=sentence_vectors[i : i + ADD_BATCH],
            )
        manifest = Manifest(
            version=version,
            embedder=embedder,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
            chunks_collection=chunk_name,
            sentences_collection=sentence_name,
            documents=documents,
            skipped=skipped,
            updates=updates,
            practice=practice,
            embedder_spec=embedder_spec,
        )
        previous = self.manifest()
        manifest = replace(manifest, previous_version=previous.version if previous else "")
        tmp = self.manifest_path.with_suffix(f".json.{version}.tmp")
        tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), "utf-8")
        os.replace(tmp, self.manifest_path)
        self.sweep()
        return manifest

    def sweep(self) -> SweepReport:
        """Drop versions nobody can use any more and segment folders no collection owns (sweep.py):
        after a switch, at the start of an ingest and when the app starts."""
        return sweep(self.client, self.index_dir, self.manifest())

    def open_reader(self) -> IndexReader:
        manifest = self.manifest()
        if manifest is None:
            raise IndexMissing(str(self.index_dir))
        try:
            chunks = self.client.get_collection(manifest.chunks_collection, embedding_function=None)
            sentences = self.client.get_collection(manifest.sentences_collection, embedding_function=None)
        except Exception as error:  # noqa: BLE001 - chroma raises several types for "not found"
            raise IndexMissing(str(self.index_dir)) from error
        return IndexReader(manifest, chunks, sentences)


def _vectors(collection: Any, ids: list[str]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for i in range(0, len(ids), ADD_BATCH):
        rows = collection.get(ids=ids[i : i + ADD_BATCH], include=["embeddings"])
        for row_id, vector in zip(rows["ids"], rows["embeddings"], strict=True):
            found[row_id] = list(vector)
    return found


class IndexReader:
    """Read access to one version of the index."""

    def __init__(self, manifest: Manifest, chunks: Any, sentences: Any) -> None:
        self.manifest = manifest
        self._chunks = chunks
        self._sentences = sentences
        rows = chunks.get(include=["documents", "metadatas"])
        self.chunks: list[Chunk] = [
            chunk_from_row(i, d, m) for i, d, m in zip(rows["ids"], rows["documents"], rows["metadatas"], strict=True)
        ]
        self.chunks.sort(key=lambda c: (c.doc_id, c.start))
        self.by_id = {c.id: c for c in self.chunks}
        self._position = {c.id: i for i, c in enumerate(self.chunks)}  # list.index was O(corpus)
        self._centroids: Any = None

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
            row = SentenceRow(meta["chunk_id"], int(meta["start"]), int(meta["end"]), text, place_of(meta))
            out.append((row, list(vector)))
        if any("paragraph" not in meta for meta in rows["metadatas"]):
            out = self._placed(out)
        return out

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
