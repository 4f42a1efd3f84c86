"""The Chroma index: build a versioned collection, switch to it when complete, read it.

Nothing else in the package touches Chroma. Layout of the index folder:
- Chroma's own files (a PersistentClient);
- `current.json`: the manifest naming the live collections, the embedder and every document's
  hash, date and chunk count. It is replaced atomically (os.replace) only after a new version is
  completely written, so a failed or killed ingest leaves the previous version answering.
- `versions/<version>.json`: a copy of each kept version's manifest. If the live version's
  collections are missing (damage, or an older build's race between two ingests), the reader
  falls back to the newest kept version whose collections exist, and ingest rebuilds.
Writers hold the ingest lock (lock.py): one ingest per index folder at a time.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.corpus.links import PracticeLink, UpdateLink
from assistant.errors import IndexMissing
from assistant.index.reader import IndexReader
from assistant.index.records import DocumentRecord, Manifest, SentenceRow, SkippedFile
from assistant.index.rows import chunk_metadata, sentence_metadata
from assistant.index.sweep import SweepReport, sweep, writing
from assistant.types import Chunk

__all__ = ["DocumentRecord", "IndexReader", "IndexStore", "Manifest", "SentenceRow"]

log = logging.getLogger("fusiewijzer.index")
MANIFEST = "current.json"
VERSIONS = "versions"
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
        with writing(self.index_dir, version):  # a sweep meanwhile leaves this version alone
            chunk_name, sentence_name = f"chunks-{version}", f"sentences-{version}"
            space = {"hnsw": {"space": "cosine"}}
            chunk_col = self.client.create_collection(chunk_name, embedding_function=None, configuration=space)
            sent_col = self.client.create_collection(sentence_name, embedding_function=None, configuration=space)
            _add(
                chunk_col, [c.id for c in chunks], [c.text for c in chunks], map(chunk_metadata, chunks), chunk_vectors
            )
            _add(
                sent_col,
                [s.id for s in sentences],
                [s.text for s in sentences],
                map(sentence_metadata, sentences),
                sentence_vectors,
            )
            previous = self.manifest()
            manifest = Manifest(
                version=version,
                embedder=embedder,
                built_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                chunks_collection=chunk_name,
                sentences_collection=sentence_name,
                documents=documents,
                skipped=skipped,
                updates=updates or [],
                practice=practice or [],
                embedder_spec=embedder_spec,
                # The previous version stays for a grace period: a reader that opened it before the
                # switch keeps answering from it; the sweep keeps it while it is named here.
                previous_version=previous.version if previous is not None and self.is_complete(previous) else "",
            )
            text = json.dumps(asdict(manifest), ensure_ascii=False, indent=2)
            _write_atomic(self.index_dir / VERSIONS / f"{version}.json", text)
            _write_atomic(self.manifest_path, text)
        self.sweep()
        return manifest

    def sweep(self) -> SweepReport:
        """Drop versions nobody can use any more and segment folders no collection owns (sweep.py):
        after a switch, at the start of an ingest and when the app starts. The manifests kept for
        the fallback (versions/) go with their versions."""
        live = self.manifest()
        report = sweep(self.client, self.index_dir, live)
        kept = {live.version, live.previous_version} if live is not None else set()
        for path in (self.index_dir / VERSIONS).glob("*.json"):
            if live is not None and path.stem not in kept:
                path.unlink(missing_ok=True)
        return report

    def _collection_names(self) -> set[str]:
        return {c if isinstance(c, str) else c.name for c in self.client.list_collections()}

    def is_complete(self, manifest: Manifest) -> bool:
        """Do both of the version's collections exist?"""
        return _names(manifest) <= self._collection_names()

    def kept_versions(self) -> list[Manifest]:
        """The kept versions' manifests, newest first."""
        found = []
        for path in sorted((self.index_dir / VERSIONS).glob("*.json"), reverse=True):
            try:
                found.append(Manifest.from_json(json.loads(path.read_text("utf-8"))))
            except (OSError, json.JSONDecodeError, TypeError, KeyError):
                continue
        return found

    def open_reader(self) -> IndexReader:
        """The live version; if its collections are missing, the newest complete kept version."""
        live = self.manifest()
        candidates = ([live] if live else []) + [m for m in self.kept_versions() if live is None or m != live]
        for manifest in candidates:
            try:
                chunks = self.client.get_collection(manifest.chunks_collection, embedding_function=None)
                sentences = self.client.get_collection(manifest.sentences_collection, embedding_function=None)
            except Exception:  # noqa: BLE001 - chroma raises several types for "not found"
                log.warning("index version %s is incomplete; trying an older one", manifest.version)
                continue
            return IndexReader(manifest, chunks, sentences, live_version=live.version if live else "")
        raise IndexMissing(str(self.index_dir))


def _add(
    collection: Any, ids: list[str], texts: list[str], metadatas: Iterable[dict], vectors: list[list[float]]
) -> None:
    """Add rows in batches (Chroma limits the size of one add)."""
    metas = list(metadatas)
    for i in range(0, len(ids), ADD_BATCH):
        end = i + ADD_BATCH
        collection.add(ids=ids[i:end], documents=texts[i:end], metadatas=metas[i:end], embeddings=vectors[i:end])


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def _names(manifest: Manifest | None) -> set[str]:
    return set() if manifest is None else {manifest.chunks_collection, manifest.sentences_collection}


def _vectors(collection: Any, ids: list[str]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for i in range(0, len(ids), ADD_BATCH):
        rows = collection.get(ids=ids[i : i + ADD_BATCH], include=["embeddings"])
        for row_id, vector in zip(rows["ids"], rows["embeddings"], strict=True):
            found[row_id] = list(vector)
    return found
