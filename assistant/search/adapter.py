"""A query adapter: a linear map, learned from the question bank, that moves the e5 vector of a
question towards the passages that answer questions like it.

e5-small places a question near passages that share its words and topic; the bank's train part
says, for 372 questions, which passages answer them. A square matrix W (started at the identity,
kept near it by a penalty) is fitted so that W·q, normalised, lies closest to those passages
among all chunks (softmax cross-entropy over the corpus; `assistant calibrate`). Only the
question's vector changes, so documents added later are searched with it too. This is the
query-only linear adapter of Chroma's technical report "Embedding Adapters" (Sanjeev and
Troynikov, research.trychroma.com/embedding-adapters), fitted here with torch at calibration
time; answering needs numpy only.

Measured (README): five-fold cross-validation over the train and validation questions, z-score
fusion of the adapted dense arm with BM25: hit@1 0.647 -> 0.659, hit@5 0.867 -> 0.895. Answers
quote from it (retriever.py); the answerability decision keeps the unadapted order it was fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "query_adapter.npz"


@dataclass(frozen=True)
class QueryAdapter:
    """W (dim x dim) for the embedder named `embedder` (its spec in the index manifest)."""

    weights: np.ndarray
    embedder: str

    def apply(self, vector: Sequence[float]) -> list[float]:
        """The adapted question vector, unit length (Chroma's cosine distance expects comparable norms)."""
        adapted = self.weights @ np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(adapted))
        return (adapted / norm if norm > 0 else adapted).tolist()

    def save(self, path: Path = MODEL_FILE) -> None:
        # float16 halves the file (a 384 x 384 map: 295 KB); the map's entries are near 0 and 1,
        # where float16 keeps three decimal digits, far below what moves a cosine ranking.
        with path.open("wb") as out:
            np.savez(out, weights=self.weights.astype(np.float16), embedder=np.asarray(self.embedder))

    @staticmethod
    def load(embedder: str, path: Path = MODEL_FILE) -> QueryAdapter | None:
        """The adapter fitted for this embedder (the index manifest's embedder spec), or None:
        then questions are searched with their own vectors."""
        try:
            with np.load(path) as saved:
                weights = saved["weights"].astype(np.float32)
                fitted_for = str(saved["embedder"])
        except (OSError, KeyError, ValueError):
            return None
        if fitted_for != embedder or weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
            return None
        return QueryAdapter(weights, fitted_for)
