"""The lexical arm: BM25 over the chunks' heading path and text."""

from __future__ import annotations

import math

from rank_bm25 import BM25Okapi

from assistant.text.tokens import tokenize
from assistant.types import Chunk


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
