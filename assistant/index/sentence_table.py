"""Every sentence of one index version with its e5 vector, kept in arrays beside the version.

Each question needs the sentences of its 30-60 candidate chunks twice (the sentence arm of
retrieval and the choice of what to quote). Reading them from Chroma with a `chunk_id $in` filter
took a fifth of the server's time under 30 users at once (py-spy, 2026-12-03), most of it turning
Chroma's reply into Python rows while holding the GIL. The table reads the sentence collection once
per version, saves it in the version's derived folder (vectors memory-mapped, as the BM25 tables
are) and answers from arrays.

Rows come back in reading order (document, chunk, sentence), whatever order Chroma keeps them in:
a filtered `get` gave Chroma's internal order, which decided ties between equally scored sentences.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.corpus.lists import ListPlace
from assistant.index.records import SentenceRow
from assistant.index.rows import sentence_metadata
from assistant.types import Chunk

log = logging.getLogger(__name__)

FOLDER = "sentences"
META = "meta.json"
VECTORS = "vectors.npy"
# "reading": the row's rank in reading order (rows are stored in the order Chroma gave them)
COLUMNS = ("chunk", "start", "end", "paragraph", "list_id", "item", "marker", "introduces_list", "reading")

# One page of the sentence collection: its ids, metadatas, documents and embeddings (Chroma's reply).
Page = dict[str, Any]


def digest(chunks: list[Chunk]) -> str:
    """Which chunks a saved table belongs to (chunk ids are content hashes)."""
    return hashlib.sha256("\n".join(sorted(c.id for c in chunks)).encode()).hexdigest()


def memory_pages(sentences: list[SentenceRow], vectors: list[Any], size: int = 1000) -> Iterator[Page]:
    """Rows being written to the sentence collection, as pages of a read of it would give them."""
    for i in range(0, max(len(sentences), 1), size):
        rows = sentences[i : i + size]
        yield {
            "metadatas": [sentence_metadata(r) for r in rows],
            "documents": [r.text for r in rows],
            "embeddings": vectors[i : i + size],
        }


@dataclass
class SentenceTable:
    chunk_ids: list[str]  # position -> chunk id for the `chunk` column: the ids sorted, in any process
    columns: dict[str, np.ndarray]  # one int array per name in COLUMNS, a row per sentence
    markers: list[str]  # code -> list marker as written ("", "•", "c)")
    vectors: np.ndarray  # float32, a row per sentence (memory-mapped when loaded)
    texts: dict[str, str]  # chunk id -> chunk text: a sentence's text is text[start:end]

    def __post_init__(self) -> None:
        position = {chunk_id: i for i, chunk_id in enumerate(self.chunk_ids)}
        self._position = position
        order = np.argsort(self.columns["chunk"], kind="stable")
        bounds = np.searchsorted(self.columns["chunk"][order], np.arange(len(self.chunk_ids) + 1))
        self._order, self._bounds = order, bounds

    def __len__(self) -> int:
        return len(self.vectors)

    def rows(self, chunk_ids: list[str]) -> list[tuple[SentenceRow, np.ndarray]]:
        """The sentences of `chunk_ids` with their vectors, in reading order."""
        parts = []
        for chunk_id in dict.fromkeys(chunk_ids):
            p = self._position.get(chunk_id)
            if p is not None:
                parts.append(self._order[self._bounds[p] : self._bounds[p + 1]])
        if not parts:
            return []
        picked = np.concatenate(parts)
        picked = picked[np.argsort(self.columns["reading"][picked])]
        vectors = np.asarray(self.vectors[picked], dtype=np.float32)
        c = {name: self.columns[name][picked].tolist() for name in COLUMNS}
        out = []
        for n in range(len(picked)):
            chunk_id = self.chunk_ids[c["chunk"][n]]
            start, end = c["start"][n], c["end"][n]
            place = ListPlace(
                c["paragraph"][n],
                c["list_id"][n],
                c["item"][n],
                self.markers[c["marker"][n]],
                bool(c["introduces_list"][n]),
            )
            out.append((SentenceRow(chunk_id, start, end, self.texts[chunk_id][start:end], place), vectors[n]))
        return out

    @classmethod
    def build(cls, chunks: list[Chunk], pages: Iterator[Page], total: int, vectors_file: Path | None) -> SentenceTable:
        """The table of `chunks` from the sentence collection read a page at a time; the vectors
        go straight into `vectors_file` (a .npy) when given, so a 100k-chunk version never holds
        them twice in memory."""
        chunk_ids = sorted(c.id for c in chunks)
        texts = {c.id: c.text for c in chunks}
        position = {chunk_id: i for i, chunk_id in enumerate(chunk_ids)}
        columns: dict[str, list[int]] = {name: [] for name in COLUMNS}
        markers: dict[str, int] = {"": 0}
        vectors: np.ndarray | None = None
        filled = 0
        for page in pages:
            embeddings = np.asarray(page["embeddings"], dtype=np.float32)
            if vectors is None:
                dim = embeddings.shape[1] if embeddings.ndim == 2 else 0
                vectors = _vector_array(vectors_file, total, dim)
            for meta, text in zip(page["metadatas"], page["documents"], strict=True):
                if "paragraph" not in meta:
                    raise ValueError("sentence rows without places (an index from before they were stored)")
                chunk_id, start, end = meta["chunk_id"], int(meta["start"]), int(meta["end"])
                if chunk_id not in position or texts[chunk_id][start:end] != text:
                    raise ValueError(f"sentence {chunk_id}:{start} is not its chunk's text")
                row = (
                    position[chunk_id],
                    start,
                    end,
                    int(meta["paragraph"]),
                    int(meta["list_id"]),
                    int(meta["item"]),
                    markers.setdefault(str(meta["marker"]), len(markers)),
                    int(bool(meta["introduces_list"])),
                    0,  # "reading": set below, once every row is known
                )
                for name, value in zip(COLUMNS, row, strict=True):
                    columns[name].append(value)
            vectors[filled : filled + len(embeddings)] = embeddings  # type: ignore[index]
            filled += len(embeddings)
        if vectors is None:
            vectors = np.zeros((0, 0), dtype=np.float32)
        if filled != len(vectors):
            raise ValueError(f"the collection changed while it was read ({filled} of {len(vectors)} rows)")
        if isinstance(vectors, np.memmap):
            vectors.flush()
        where = {c.id: (c.doc_id, c.start, c.id) for c in chunks}  # the id: chunks may share a start
        order = sorted(range(filled), key=lambda i: (*where[chunk_ids[columns["chunk"][i]]], columns["start"][i]))
        for rank, row in enumerate(order):
            columns["reading"][row] = rank
        arrays = {name: np.asarray(values, dtype=np.int32) for name, values in columns.items()}
        return cls(chunk_ids, arrays, list(markers), vectors, texts)

    @classmethod
    def cached(
        cls, chunks: list[Chunk], read: Callable[[], tuple[Iterator[Page], int]], folder: Path | None
    ) -> SentenceTable:
        """The table saved for this version in `folder`, or read from the collection (`read` gives
        its pages and row count) and saved there for the next process that opens the version."""
        if folder is None:
            return cls.build(chunks, *read(), None)
        place = folder / FOLDER
        if place.exists():
            try:
                return cls._load(chunks, place)
            except (OSError, ValueError, KeyError) as error:
                # Damaged (a full disk, a copy cut short): every process would fail on it alike.
                log.warning("the saved sentence table in %s is read again: %s", place, error)
                shutil.rmtree(place, ignore_errors=True)
        tmp = place.with_name(f".{place.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        except OSError as error:
            log.warning("could not save the sentence table in %s: %s", place, error)
            return cls.build(chunks, *read(), None)
        try:
            table = cls.build(chunks, *read(), tmp / VECTORS)
            table._save_rows(tmp, chunks)
            os.replace(tmp, place)  # one rename: a loading process never sees half a table
        except OSError as error:
            if not place.is_dir():  # no room or no right to write: keep the table in memory
                log.warning("could not save the sentence table in %s: %s", place, error)
                shutil.rmtree(tmp, ignore_errors=True)
                return cls.build(chunks, *read(), None)
            # another process saved it meanwhile: use theirs
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return cls._load(chunks, place)

    def _save_rows(self, folder: Path, chunks: list[Chunk]) -> None:
        np.savez(folder / "columns.npz", **self.columns)
        meta = {"chunks": digest(chunks), "markers": self.markers, "rows": len(self)}
        (folder / META).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    @classmethod
    def _load(cls, chunks: list[Chunk], place: Path) -> SentenceTable:
        meta = json.loads((place / META).read_text("utf-8"))
        if meta["chunks"] != digest(chunks):
            raise ValueError("saved for other chunks")
        with np.load(place / "columns.npz") as saved:
            columns = {name: saved[name] for name in COLUMNS}
        vectors = np.load(place / VECTORS, mmap_mode="r")
        if len(vectors) != meta["rows"] or any(len(v) != meta["rows"] for v in columns.values()):
            raise ValueError("a saved table of the wrong length")
        texts = {c.id: c.text for c in chunks}
        return cls(sorted(texts), columns, list(meta["markers"]), vectors, texts)


def _vector_array(path: Path | None, rows: int, dim: int) -> np.ndarray:
    if path is None:
        return np.zeros((rows, dim), dtype=np.float32)
    return np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, dim))
