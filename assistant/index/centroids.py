"""One unit-length mean vector per document: the directions of the corpus's documents, so that a
short case document counts as much as the long handbook (the answerability decision's distance to
the corpus). Saved with the index version at ingest: worked out from Chroma at the first question
instead, it took 8 s at 100k chunks (every chunk's vector read)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

FILE = "centroids.npy"


def document_centroids(doc_ids: Iterable[str], vectors: Iterable[Any]) -> np.ndarray:
    """The unit mean vector of each document's chunk vectors (`doc_ids` and `vectors` pair up)."""
    by_doc: dict[str, list[Any]] = {}
    for doc_id, vector in zip(doc_ids, vectors, strict=True):
        by_doc.setdefault(doc_id, []).append(vector)
    rows = [np.asarray(v, dtype=np.float32).mean(axis=0) for v in by_doc.values()]
    if not rows:
        return np.zeros((0, 1), dtype=np.float32)
    matrix = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def save(folder: Path, centroids: np.ndarray) -> None:
    """Write them in one rename, so a reader never loads half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{FILE}.{os.getpid()}.tmp"
    with open(tmp, "wb") as out:
        np.save(out, centroids)
    os.replace(tmp, folder / FILE)


def load(folder: Path, documents: int) -> np.ndarray | None:
    """The saved centroids if they are there and cover `documents` documents."""
    try:
        centroids = np.load(folder / FILE)
    except (OSError, ValueError):
        return None
    return centroids if len(centroids) == documents else None
