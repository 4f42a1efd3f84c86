"""Hybrid retrieval: dense top-k (Chroma) and BM25 top-k over the same chunks, fused either by
their standardised scores (the default) or by reciprocal rank fusion."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from assistant.errors import ConfigurationError
from assistant.index.store import IndexReader
from assistant.text.tokens import lexical_query, tokenize
from assistant.types import Chunk, Hit


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


FUSIONS = ("zscore", "rrf")


@dataclass(frozen=True)
class Scope:
    """Limits retrieval to part of the corpus (a GROEI chapter, a phase, a document type)."""

    letter: str | None = None
    phase: int | None = None
    doc_type: str | None = None
    section: str | None = None  # a section label prefix, e.g. "I · Inrichting ... > Huisvesting; ..."

    def allows(self, chunk: Chunk) -> bool:
        return (
            (self.letter is None or chunk.letter == self.letter)
            and (self.phase is None or chunk.phase == self.phase)
            and (self.doc_type is None or chunk.doc_type == self.doc_type)
            and (self.section is None or chunk.section_label.startswith(self.section))
        )

    @property
    def is_empty(self) -> bool:
        return self.letter is None and self.phase is None and self.doc_type is None and self.section is None

    def describe(self) -> str:
        parts = []
        if self.section:
            parts.append(f"sectie “{self.section.split(' > ')[-1]}”")
        elif self.letter:
            parts.append(f"hoofdstuk {self.letter}")
        if self.phase:
            parts.append(f"fase {self.phase}")
        if self.doc_type == "handbook":
            parts.append("alleen de handreiking")
        elif self.doc_type == "case":
            parts.append("alleen praktijkvoorbeelden")
        elif self.doc_type:
            parts.append(f"alleen documenten van type {self.doc_type}")
        return ", ".join(parts)


# A question that names the handbook asks what the handbook says: "Welke varianten onderscheidt
# het handboek?" is not answered by a case document that mentions the handbook.
NAMES_HANDBOOK_RE = re.compile(r"\b(handboek|handreiking|handbook)\b", re.IGNORECASE)


def implied_scope(question: str) -> Scope | None:
    """The scope a question sets by its own words, if any."""
    return Scope(doc_type="handbook") if NAMES_HANDBOOK_RE.search(question) else None


class LexicalIndex:
    """BM25 over the chunks' heading path + text. rank_bm25 directly, because the fusion and the
    abstain rule need its scores (langchain's BM25Retriever returns documents only)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.tokens = [tokenize(c.search_text) for c in chunks]
        self.bm25 = BM25Okapi(self.tokens) if chunks else None
        self.document_frequency: dict[str, int] = {}
        for toks in self.tokens:
            for token in set(toks):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1

    def idf(self, token: str) -> float:
        n = len(self.chunks)
        df = self.document_frequency.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query_tokens: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        if self.bm25 is None or not query_tokens:
            return []
        scores = self.bm25.get_scores(query_tokens)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        out = []
        for i in ranked:
            if scores[i] <= 0:
                break
            if allowed is None or self.chunks[i].id in allowed:
                out.append((self.chunks[i].id, float(scores[i])))
            if len(out) == k:
                break
        return out


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    query_vector: list[float]
    query_tokens: list[str]


class Retriever:
    def __init__(self, reader: IndexReader, embedder: Embeddings, fusion: str = "zscore", rrf_k: int = 60) -> None:
        if fusion not in FUSIONS:
            raise ConfigurationError(f"Onbekende fusiemethode '{fusion}'. Kies {' of '.join(FUSIONS)}.")
        self.reader = reader
        self.embedder = embedder
        self.fusion = fusion
        self.rrf_k = rrf_k
        self.lexical = LexicalIndex(reader.chunks)

    def search(self, query: str, k_dense: int, k_lexical: int, scope: Scope | None = None) -> Retrieval:
        allowed = None
        if scope is not None and not scope.is_empty:
            allowed = {c.id for c in self.reader.chunks if scope.allows(c)}
        vector = self.embedder.embed_query(query)
        tokens = lexical_query(query)
        dense = self.reader.dense(vector, k_dense, allowed)
        lexical = self.lexical.search(tokens, k_lexical, allowed)
        if self.fusion == "rrf":
            fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in lexical]], self.rrf_k)
        else:
            fused = zscore_fusion([dense, lexical])
        dense_by_id, lexical_by_id = dict(dense), dict(lexical)
        hits = [Hit(self.reader.by_id[i], score, dense_by_id.get(i), lexical_by_id.get(i)) for i, score in fused]
        return Retrieval(hits, vector, tokens)
