"""The Chroma index: build a versioned collection, switch to it when complete, read it.

Nothing else in the package touches Chroma. Chroma is embedded (a PersistentClient in the index
folder, the default) or a server shared by several app processes (`ASSISTANT_CHROMA_URL`,
server.py). Each version is a pair of collections (`chunks-<version>`, `sentences-<version>`);
the manifest naming the live one, the embedder and every document's hash, date and chunk count is
switched only after the new version is completely written (manifests.py: files in the index
folder, or rows on the server), so a failed or killed ingest leaves the previous version answering.
Kept versions' manifests are there for the fallback: if the live version's collections are
missing (damage, or an older build's race between two ingests), the reader falls back to the
newest kept version whose collections exist, and ingest rebuilds.
Writers hold the ingest lock (lock.py): one ingest per index folder at a time.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.corpus.links import PracticeLink, UpdateLink
from assistant.errors import IndexMissing, IndexUnavailable
from assistant.index import centroids
from assistant.index.manifests import MANIFEST, FileManifests, Manifests, ServerManifests
from assistant.index.reader import PAGE, IndexReader, paged
from assistant.index.records import DocumentRecord, Manifest, SentenceRow, SkippedFile
from assistant.index.rows import chunk_metadata, sentence_metadata
from assistant.index.sentence_table import SentenceTable, memory_pages
from assistant.index.server import ChromaServer, reachable
from assistant.index.sweep import SweepReport, sweep, version_of
from assistant.index.versions import next_version, version_key
from assistant.types import Chunk

__all__ = ["DocumentRecord", "IndexReader", "IndexStore", "Manifest", "SentenceRow"]

log = logging.getLogger("fusiewijzer.index")
ADD_BATCH = 1000
DERIVED = "derived"  # <index>/derived/<embedded|server key>/<version>/: files worked out from a version


def _embedded_client(index_dir: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(index_dir),
        settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
    )


class IndexStore:
    def __init__(self, index_dir: Path, server: ChromaServer | None = None) -> None:
        self.index_dir = index_dir
        self.server = server
        self._client_instance: Any = None
        self._manifests: Manifests | None = None

    @staticmethod
    def for_settings(settings: Settings) -> IndexStore:
        return IndexStore(settings.index_dir, ChromaServer.from_settings(settings))

    @property
    def location(self) -> str:
        """Where the index is, for messages: the server's address or the folder."""
        return self.server.url if self.server else str(self.index_dir)

    @property
    def client(self) -> Any:
        if self._client_instance is None:
            self._client_instance = self.server.connect() if self.server else _embedded_client(self.index_dir)
        return self._client_instance

    @property
    def manifests(self) -> Manifests:
        if self._manifests is None:
            with self._reachable():
                self._manifests = ServerManifests(self.client) if self.server else FileManifests(self.index_dir)
        return self._manifests

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / MANIFEST

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        if self.server is None:
            yield
            return
        with reachable(self.server.url):
            yield

    def manifest(self) -> Manifest | None:
        with self._reachable():
            return self.manifests.live()

    def live_version(self) -> str | None:
        """The live version's name: one small read (a file, or one row's metadata on the server),
        which an app process does before each question to notice a new version."""
        with self._reachable():
            return self.manifests.live_version()

    def derived_dir(self, version: str) -> Path:
        """A folder for files worked out from `version` (the BM25 tables), shared by the app
        processes that share this index folder, and removed by the sweep with the version."""
        return self.index_dir / DERIVED / (self.server.key if self.server else "embedded") / version

    def reusable_vectors(
        self, embedder: str, chunk_ids: list[str]
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Vectors from the live version, if it used the same embedder: chunks by id (a content
        hash, so an equal id means equal text) and sentences by their text."""
        manifest = self.manifest()
        if manifest is None and self.server is not None and (self.index_dir / MANIFEST).exists():
            # A first ingest into a server, beside an embedded index of the same corpus (`make run`
            # before `make cluster`): take its vectors instead of embedding everything again.
            return IndexStore(self.index_dir).reusable_vectors(embedder, chunk_ids)
        if manifest is None or manifest.embedder != embedder:
            return {}, {}
        try:
            chunks = self.client.get_collection(manifest.chunks_collection, embedding_function=None)
            sentences = self.client.get_collection(manifest.sentences_collection, embedding_function=None)
        except Exception:  # noqa: BLE001 - a damaged old version just means nothing to reuse
            return {}, {}
        with self._reachable():
            rows = paged(sentences, ["documents", "embeddings"])
            by_text = {text: _float32(v) for text, v in zip(rows["documents"], rows["embeddings"], strict=True)}
            return _vectors(chunks, chunk_ids), by_text

    def write_version(
        self,
        embedder: str,
        chunks: list[Chunk],
        chunk_vectors: list[np.ndarray],
        sentences: list[SentenceRow],
        sentence_vectors: list[np.ndarray],
        documents: list[DocumentRecord],
        skipped: list[SkippedFile],
        updates: list[UpdateLink] | None = None,
        embedder_spec: str = "e5",
        practice: list[PracticeLink] | None = None,
    ) -> Manifest:
        """Write a complete new version, then switch the manifest to it."""
        version = next_version(self.known_versions())
        with self._reachable(), self.manifests.writing(version):  # a sweep meanwhile leaves this version alone
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
            self._save_derived(version, chunks, chunk_vectors, sentences, sentence_vectors)
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
            self.manifests.publish(manifest)
        self.sweep()
        return manifest

    def _save_derived(
        self,
        version: str,
        chunks: list[Chunk],
        chunk_vectors: list[np.ndarray],
        sentences: list[SentenceRow],
        sentence_vectors: list[np.ndarray],
    ) -> None:
        """Save the version's sentence table (sentence_table.py) and document centroids
        (centroids.py) before the switch, so readers find them ready instead of each reading every
        vector from Chroma at its first question (at 100k chunks: 100 s and 550 MB more RSS, and
        8 s). If they cannot be saved, the first reader makes them."""
        folder = self.derived_dir(version)
        try:
            SentenceTable.cached(chunks, lambda: (memory_pages(sentences, sentence_vectors), len(sentences)), folder)
            centroids.save(folder, centroids.document_centroids((c.doc_id for c in chunks), chunk_vectors))
        except (OSError, ValueError) as error:
            log.warning("files derived from %s not saved at ingest: %s", version, error)

    def known_versions(self) -> set[str]:
        """Every version this store knows of: kept manifests and collections (also half-written
        ones), so that a new version's name sorts after all of them."""
        with self._reachable():
            names = {v for name in self._collection_names() if (v := version_of(name))}
            return names | {m.version for m in self.manifests.kept()}

    def sweep(self) -> SweepReport:
        """Drop versions nobody can use any more and segment folders no collection owns (sweep.py):
        after a switch, at the start of an ingest and when the app starts. The manifests kept for
        the fallback and the files derived from versions go with their versions."""
        data_dir = self.server.data_path if self.server else self.index_dir
        with self._reachable():
            report = sweep(self.client, self.manifests, data_dir)
            live = self.manifests.live()
            if live is None:
                return report
            kept = {live.version, live.previous_version} - {""}
            self.manifests.forget_except(kept)
        derived = self.derived_dir(live.version).parent
        if derived.is_dir():
            for folder in derived.iterdir():
                if folder.name not in kept and version_key(folder.name) < version_key(live.version):
                    shutil.rmtree(folder, ignore_errors=True)
        return report

    def _collection_names(self) -> set[str]:
        return {c if isinstance(c, str) else c.name for c in self.client.list_collections()}

    def is_complete(self, manifest: Manifest) -> bool:
        """Do both of the version's collections exist?"""
        with self._reachable():
            return _names(manifest) <= self._collection_names()

    def kept_versions(self) -> list[Manifest]:
        """The kept versions' manifests, newest first."""
        with self._reachable():
            return self.manifests.kept()

    def open_reader(self) -> IndexReader:
        """The live version; if its collections are missing, the newest complete kept version."""
        live = self.manifest()
        candidates = ([live] if live else []) + [m for m in self.kept_versions() if live is None or m != live]
        url = self.server.url if self.server else ""
        for manifest in candidates:
            try:
                with self._reachable():
                    chunks = self.client.get_collection(manifest.chunks_collection, embedding_function=None)
                    sentences = self.client.get_collection(manifest.sentences_collection, embedding_function=None)
            except IndexUnavailable:
                raise  # the server is down: not a damaged version
            except Exception:  # noqa: BLE001 - chroma raises several types for "not found"
                log.warning("index version %s is incomplete; trying an older one", manifest.version)
                continue
            with self._reachable():
                return IndexReader(
                    manifest,
                    chunks,
                    sentences,
                    live_version=live.version if live else "",
                    derived_dir=self.derived_dir(manifest.version),
                    server_url=url,
                )
        raise IndexMissing(self.location)


def _add(
    collection: Any, ids: list[str], texts: list[str], metadatas: Iterable[dict], vectors: list[np.ndarray]
) -> None:
    """Add rows in batches (Chroma limits the size of one add)."""
    metas = list(metadatas)
    for i in range(0, len(ids), ADD_BATCH):
        end = i + ADD_BATCH
        collection.add(ids=ids[i:end], documents=texts[i:end], metadatas=metas[i:end], embeddings=vectors[i:end])


def _names(manifest: Manifest | None) -> set[str]:
    return set() if manifest is None else {manifest.chunks_collection, manifest.sentences_collection}


def _float32(vector: Any) -> np.ndarray:
    """A vector as Chroma keeps it: a list of its numbers cost 8x the memory (gigabytes at 100k chunks)."""
    return np.asarray(vector, dtype=np.float32)


def _vectors(collection: Any, ids: list[str]) -> dict[str, np.ndarray]:
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(ids), PAGE):
        rows = collection.get(ids=ids[i : i + PAGE], include=["embeddings"])
        for row_id, vector in zip(rows["ids"], rows["embeddings"], strict=True):
            found[row_id] = _float32(vector)
    return found
