"""Hybrid retrieval: dense top-k (Chroma) and BM25 top-k over the same chunks, fused by
reciprocal rank fusion."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from assistant.store import IndexReader
from assistant.tokens import lexical_query, tokenize
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


SENTENCE_CANDIDATES = 60


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
    def __init__(self, reader: IndexReader, embedder: Embeddings, rrf_k: int = 60) -> None:
        self.reader = reader
        self.embedder = embedder
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
        # Sentence-level dense arm: a chunk ranks by its best-matching sentence, which finds the
        # one precise sentence that a whole-chunk vector dilutes.
        sentence_rank: dict[str, float] = {}
        for row, similarity in self.reader.dense_sentences(vector, SENTENCE_CANDIDATES):
            if allowed is None or row.chunk_id in allowed:
                sentence_rank.setdefault(row.chunk_id, similarity)
        rankings = [[i for i, _ in dense], [i for i, _ in lexical]]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)
        dense_by_id, lexical_by_id = dict(dense), dict(lexical)
        hits = [
            Hit(self.reader.by_id[i], score, dense_by_id.get(i), lexical_by_id.get(i), sentence_rank.get(i))
            for i, score in fused
        ]
        return Retrieval(hits, vector, tokens)
