"""The learned ranking of candidate chunks: a logistic regression over what each retrieval arm
says of a chunk, fitted on the question bank's train part by `assistant calibrate`.

Arms: the chunk's e5 cosine (dense), BM25 on words, BM25 on sub-words, and the best e5 cosine of
one of its sentences (a question often matches one sentence of a 550-character chunk). For each
arm a chunk gets its z-score within that arm's candidates (the arm's lowest when the arm did not
find it, as in zscore fusion) and a rank discount 1/log2(2 + rank); beside those, what kind of
passage it is. Replacing equal-weight z-score fusion by these learned weights raised validation
MRR on the bank (README). The weights are plain numbers in assistant/data/ranker.json.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from assistant.search.lexical import LexicalIndex, weighted_coverage
from assistant.text.tokens import tokenize
from assistant.types import Chunk

MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "ranker.json"
MISSING_RANK = 40


class Arm(StrEnum):
    DENSE = "dense"
    WORDS = "words"
    SUBWORDS = "subwords"
    SENTENCE = "sentence"


def feature_names() -> list[str]:
    names = []
    for arm in Arm:
        names += [f"{arm.value}_z", f"{arm.value}_rank"]
    return names + ["coverage", "heading_coverage", "handbook", "box", "footnote", "length"]


def candidate_features(
    arms: Mapping[Arm, Sequence[tuple[str, float]]],
    chunks: Mapping[str, Chunk],
    lexical: LexicalIndex,
    tokens: Sequence[str],
) -> tuple[list[str], list[list[float]]]:
    """The candidate chunk ids (every chunk some arm found, in order of first appearance) and one
    feature row per candidate (`tokens`: the question's word tokens)."""
    query = list(dict.fromkeys(tokens))
    idf = {t: lexical.idf(t) for t in query}
    ids = list(dict.fromkeys(chunk_id for arm in Arm for chunk_id, _ in arms.get(arm, ())))
    per_arm = []
    for arm in Arm:
        scored = list(arms.get(arm, ()))
        values = [score for _, score in scored]
        mean = sum(values) / len(values) if values else 0.0
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) if values else 0.0
        z = {i: (s - mean) / spread if spread > 0 else 0.0 for i, s in scored}
        floor = min(z.values(), default=0.0)
        rank = {i: r for r, (i, _) in enumerate(scored)}
        per_arm.append((z, floor, rank))
    rows = []
    for chunk_id in ids:
        row: list[float] = []
        for z, floor, rank in per_arm:
            row += [z.get(chunk_id, floor), 1.0 / math.log2(2 + rank.get(chunk_id, MISSING_RANK))]
        chunk = chunks[chunk_id]
        row += [
            weighted_coverage(query, set(lexical.tokens_of(chunk_id)), idf),
            weighted_coverage(query, set(tokenize(chunk.section_label)), idf),
            float(chunk.doc_type == "handbook"),
            float(chunk.kind == "box"),
            float(chunk.kind == "footnote"),
            min(len(chunk.text), 1000) / 550,
        ]
        rows.append(row)
    return ids, rows


@dataclass(frozen=True)
class LinearModel:
    """w · (x - mean) / scale + b over named features: the form both learned decisions share."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    embedder: str  # the embedder whose cosines it was fitted on
    extra: Mapping[str, object]

    def logit(self, row: Sequence[float]) -> float:
        return self.bias + sum(
            w * (x - m) / (s or 1.0) for x, m, s, w in zip(row, self.mean, self.scale, self.weights, strict=True)
        )

    def with_extra(self, extra: Mapping[str, object]) -> LinearModel:
        return replace(self, extra={**self.extra, **extra})

    def to_json(self) -> dict[str, object]:
        return {
            "names": list(self.names),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "embedder": self.embedder,
            **self.extra,
        }

    @staticmethod
    def load(path: Path) -> LinearModel | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text("utf-8"))
        fixed = {"names", "mean", "scale", "weights", "bias", "embedder"}
        return LinearModel(
            tuple(data["names"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
            str(data["embedder"]),
            {k: v for k, v in data.items() if k not in fixed},
        )


def probability(logit: float) -> float:
    """The model's logit as a probability (fitted with balanced classes, so read it as a score
    with a threshold chosen on validation, not as a frequency)."""
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logit))))


def rank(
    model: LinearModel,
    arms: Mapping[Arm, Sequence[tuple[str, float]]],
    chunks: Mapping[str, Chunk],
    lexical: LexicalIndex,
    tokens: Sequence[str],
) -> list[tuple[str, float]]:
    """Candidates best first, each with its logit."""
    ids, rows = candidate_features(arms, chunks, lexical, tokens)
    scored = [(chunk_id, model.logit(row)) for chunk_id, row in zip(ids, rows, strict=True)]
    order = {chunk_id: i for i, chunk_id in enumerate(ids)}
    return sorted(scored, key=lambda pair: (-pair[1], order[pair[0]]))
