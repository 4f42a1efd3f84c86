"""A synthetic corpus of N chunks made from the real one, for `assistant bench --scale N`.

The scaled corpus is the real corpus plus synthetic documents. Each synthetic document copies one
real document's metadata (type, title, sections, GROEI letter, phase, theme) and walks its
sections in order; each of its chunks re-combines real sentences of that document into a chunk
of at most the configured size. So the words, lengths and metadata are the corpus's own, and the
real questions still find their real answers among many near-duplicates, as in a municipality's
archive of similar reports.

Vectors are derived, not embedded: a synthetic chunk's vector is the normalised mean of its
sentences' real e5 vectors, and its sentences keep theirs. Embedding 100k chunks with e5 on two
cores takes hours; the query path (Chroma HNSW + BM25 + fusion) is what this measures at scale.
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.index.records import DocumentRecord, SentenceRow
from assistant.index.store import IndexStore
from assistant.types import Chunk

CHUNKS_PER_DOCUMENT = 40
MAX_SENTENCES = 4


@dataclass(frozen=True)
class ScaledIndex:
    chunks: int
    sentences: int
    write_seconds: float  # Chroma writes (HNSW included) of the whole scaled version


def build_scaled_index(
    source_dir: Path, target_dir: Path, n: int, chunk_chars: int = 550, seed: int = 0
) -> ScaledIndex:
    """Write a scaled copy of the index at `source_dir` into `target_dir`: the real chunks plus
    synthetic ones up to `n` in all."""
    store = IndexStore(source_dir)
    reader = store.open_reader()
    manifest = reader.manifest
    real = reader.chunks
    chunk_vectors, _ = store.reusable_vectors(manifest.embedder, [c.id for c in real])
    rows = reader.sentence_vectors([c.id for c in real])
    by_doc: dict[str, list[tuple[SentenceRow, np.ndarray]]] = {}
    chunk_of = reader.by_id
    for row, vector in rows:
        by_doc.setdefault(chunk_of[row.chunk_id].doc_id, []).append((row, vector))
    templates: dict[str, list[Chunk]] = {}
    for chunk in real:
        templates.setdefault(chunk.doc_id, []).append(chunk)
    donors = [doc for doc in templates if by_doc.get(doc)]

    rng = random.Random(seed)
    chunks, vectors = list(real), [chunk_vectors[c.id] for c in real]
    sentences, sentence_vectors = [row for row, _ in rows], [v for _, v in rows]
    records = list(manifest.documents)
    number = 0
    while len(chunks) < n:
        donor = donors[number % len(donors)]
        doc_id = f"{donor}~synth{number:05d}"
        count = min(CHUNKS_PER_DOCUMENT, n - len(chunks))
        title = ""
        for position in range(count):
            template = templates[donor][position % len(templates[donor])]
            title = f"{template.title} (synthetisch {number})"
            text, picked = _recombine(by_doc[donor], rng, chunk_chars)
            chunk = replace(
                template,
                id=hashlib.sha256(f"{doc_id}\x1f{position}\x1f{text}".encode()).hexdigest()[:24],
                doc_id=doc_id,
                title=title,
                text=text,
                start=position * (chunk_chars + 1),
                end=position * (chunk_chars + 1) + len(text),
            )
            chunks.append(chunk)
            vectors.append(_unit_mean([v for _, v in picked]))
            offset = 0
            for row, vector in picked:
                sentences.append(SentenceRow(chunk.id, offset, offset + len(row.text), row.text, row.place))
                sentence_vectors.append(vector)
                offset += len(row.text) + 1
        records.append(DocumentRecord(doc_id, title, _type_of(manifest.documents, donor), doc_id, "", count))
        number += 1

    started = time.perf_counter()
    IndexStore(target_dir).write_version(
        manifest.embedder,
        chunks,
        vectors,
        sentences,
        sentence_vectors,
        records,
        [],
        manifest.updates,
        manifest.embedder_spec,
        manifest.practice,
    )
    return ScaledIndex(len(chunks), len(sentences), time.perf_counter() - started)


def _recombine(
    pool: list[tuple[SentenceRow, np.ndarray]], rng: random.Random, chunk_chars: int
) -> tuple[str, list[tuple[SentenceRow, np.ndarray]]]:
    """One to four real sentences of one document, joined by spaces, at most `chunk_chars` long
    (a sentence longer than that stands alone)."""
    picked: list[tuple[SentenceRow, np.ndarray]] = []
    length = -1
    for _ in range(rng.randint(1, MAX_SENTENCES)):
        candidate = pool[rng.randrange(len(pool))]
        if picked and length + 1 + len(candidate[0].text) > chunk_chars:
            break
        picked.append(candidate)
        length += 1 + len(candidate[0].text)
    return " ".join(row.text for row, _ in picked), picked


def _unit_mean(vectors: list[np.ndarray]) -> np.ndarray:
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    return mean / norm  # an array: 100k lists of Python floats took 1.2 GB


def _type_of(documents: list[DocumentRecord], doc: str) -> str:
    return next((d.type for d in documents if d.doc == doc), "")
