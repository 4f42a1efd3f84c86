"""corpus/ -> a new index version: load, clean, chunk, embed what changed, write, switch."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.corpus.chunking import chunk_document, chunks_digest
from assistant.corpus.documents import build_document
from assistant.corpus.links import PracticeLink, UpdateLink, collect_practice_links, collect_updates
from assistant.corpus.lists import list_places
from assistant.corpus.loaders import corpus_files, load_document
from assistant.errors import CorpusEmpty, UnreadableDocument
from assistant.index.embeddings import embedder_name, get_embedder
from assistant.index.lock import LockOwner, ingest_lock
from assistant.index.records import DocumentRecord, Manifest, SentenceRow, SkippedFile
from assistant.index.store import IndexStore
from assistant.text.sentences import sentence_spans
from assistant.types import Chunk

EMBED_BATCH = 16

# progress(done, total, what) is called while embedding; the CLI shows a bar with it.
Progress = Callable[[int, int, str], None]


@dataclass
class IngestReport:
    manifest: Manifest | None
    chunks: int = 0
    embedded: int = 0  # vectors computed now (chunks + sentences)
    reused: int = 0  # vectors taken over from the previous version
    skipped: list[SkippedFile] = field(default_factory=list)
    unchanged: bool = False
    seconds: float = 0.0


def sentence_rows(chunks: Iterable[Chunk]) -> list[SentenceRow]:
    """Every sentence of every chunk, with its place in the chunk's paragraphs and lists."""
    rows = []
    for chunk in chunks:
        spans = sentence_spans(chunk.text)
        for (start, end), place in zip(spans, list_places(chunk.text, spans), strict=True):
            rows.append(SentenceRow(chunk.id, start, end, chunk.text[start:end], place))
    return rows


def _embed_missing(
    embedder: Embeddings,
    texts: dict[str, str],
    known: dict[str, np.ndarray],
    progress: Progress | None,
    label: str,
) -> int:
    missing = [key for key in texts if key not in known]
    for i in range(0, len(missing), EMBED_BATCH):
        batch = missing[i : i + EMBED_BATCH]
        for key, vector in zip(batch, embedder.embed_documents([texts[k] for k in batch]), strict=True):
            # float32 arrays: the values e5 gave (and Chroma keeps), in a sixth of the memory of
            # Python floats, which at 100k chunks and 226k sentences ran to gigabytes
            known[key] = np.asarray(vector, dtype=np.float32)
        if progress:
            progress(min(i + EMBED_BATCH, len(missing)), len(missing), label)
    return len(missing)


def build_index(
    settings: Settings,
    progress: Progress | None = None,
    embedder: Embeddings | None = None,
    force: bool = False,
    wait: bool = True,
    on_wait: Callable[[LockOwner], None] | None = None,
) -> IngestReport:
    """Index `settings.corpus_dir` into `settings.index_dir`. Unreadable files are skipped and
    reported; if nothing is readable, CorpusEmpty is raised and the old index stays live.
    One ingest per index folder at a time: while another process builds it, wait (calling
    `on_wait` once with its owner) or, without `wait`, raise IngestBusy."""
    with ingest_lock(settings.index_dir, wait=wait, on_wait=on_wait):
        return _build(settings, progress, embedder, force)


def _build(settings: Settings, progress: Progress | None, embedder: Embeddings | None, force: bool) -> IngestReport:
    started = time.perf_counter()
    embedder = embedder or get_embedder(settings.embedder)
    store = IndexStore.for_settings(settings)
    if store.manifest() is not None:
        store.sweep()  # what killed ingests and dropped versions left behind
    chunks: list[Chunk] = []
    records: list[DocumentRecord] = []
    skipped: list[SkippedFile] = []
    updates: list[UpdateLink] = []
    practice: list[PracticeLink] = []
    if not settings.corpus_dir.is_dir():
        raise CorpusEmpty(str(settings.corpus_dir))
    for path in corpus_files(settings.corpus_dir):
        try:
            document = build_document(load_document(path, settings.corpus_dir))
        except UnreadableDocument as error:
            skipped.append(SkippedFile(path.relative_to(settings.corpus_dir).as_posix(), str(error)))
            continue
        doc_chunks = chunk_document(document, settings.chunk_chars)
        updates.extend(collect_updates(document.doc_id, document.title, document.metadata))
        practice.extend(collect_practice_links(document.metadata))
        chunks.extend(doc_chunks)
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        records.append(
            DocumentRecord(
                document.doc_id,
                document.title,
                str(document.metadata.get("type", "")),
                document.sha256,
                modified,
                len(doc_chunks),
                chunks_digest(doc_chunks),
            )
        )
    if not chunks:
        raise CorpusEmpty(str(settings.corpus_dir))

    name = embedder_name(embedder)
    previous = store.manifest()
    # "Up to date" only if the live version's collections are really there; else rebuild.
    if (
        not force
        and previous is not None
        and previous.embedder == name
        and _same_documents(previous, records)
        and store.is_complete(previous)
    ):
        return IngestReport(previous, len(chunks), 0, len(chunks), skipped, True, time.perf_counter() - started)

    unique = list({c.id: c for c in chunks}.values())  # identical text in one section: index once
    sentences = sentence_rows(unique)
    chunk_vectors, sentence_vectors = store.reusable_vectors(name, [c.id for c in unique])
    reused = sum(c.id in chunk_vectors for c in unique) + sum(s.text in sentence_vectors for s in sentences)
    embedded = _embed_missing(embedder, {c.id: c.search_text for c in unique}, chunk_vectors, progress, "fragmenten")
    embedded += _embed_missing(embedder, {s.text: s.text for s in sentences}, sentence_vectors, progress, "zinnen")
    manifest = store.write_version(
        name,
        unique,
        [chunk_vectors[c.id] for c in unique],
        sentences,
        [sentence_vectors[s.text] for s in sentences],
        records,
        skipped,
        updates,
        settings.embedder,
        practice,
    )
    return IngestReport(manifest, len(unique), embedded, reused, skipped, False, time.perf_counter() - started)


def _same_documents(manifest: Manifest, records: list[DocumentRecord]) -> bool:
    """The same files, cut into the same chunks: a chunker changed since the last ingest gives a new
    version (the vectors of unchanged chunks are reused), not a stale "up to date"."""

    def key(items: Iterable[DocumentRecord]) -> set[tuple[str, str, str]]:
        return {(r.doc, r.sha256, r.chunking) for r in items}

    return key(manifest.documents) == key(records)
