"""Fusion of the dense and the lexical ranking: standardised scores (the default) or reciprocal rank
fusion. Pure functions over (id, score) lists, tested on their own."""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum


class FusionMethod(StrEnum):
    LEARNED = "learned"  # the learned ranker over all arms (ranker.py); z-score without a fitted model
    ZSCORE = "zscore"
    RRF = "rrf"


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = sum over lists of 1 / (k + rank), rank 1-based.
    Ties keep the order of first appearance, so the result is deterministic."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    order = {item: i for i, item in enumerate(dict.fromkeys(x for r in rankings for x in r))}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def zscore_fusion(scored_lists: Sequence[Sequence[tuple[str, float]]]) -> list[tuple[str, float]]:
    """Fuse scored id lists by the mean of each item's standardised score (a convex combination
    with equal weights, cf. Bruch et al. 2023, "An analysis of fusion functions for hybrid
    retrieval"). Each list's scores become z-scores within that list, so a cosine similarity and a
    BM25 score are comparable; an item missing from a list gets that list's lowest z-score, the
    most it can have scored there. Unlike rank fusion, a chunk that one arm scores far above the
    rest keeps that margin. Empty lists are ignored; ties keep the order of first appearance."""
    standardised: list[dict[str, float]] = []
    for scored in scored_lists:
        if not scored:
            continue
        values = [score for _, score in scored]
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        standardised.append({item: (score - mean) / spread if spread > 0 else 0.0 for item, score in scored})
    if not standardised:
        return []
    floors = [min(z.values()) for z in standardised]
    order = {item: i for i, item in enumerate(dict.fromkeys(item for z in standardised for item in z))}
    fused = {
        item: sum(z.get(item, floor) for z, floor in zip(standardised, floors, strict=True)) / len(standardised)
        for item in order
    }
    return sorted(fused.items(), key=lambda kv: (-kv[1], order[kv[0]]))
