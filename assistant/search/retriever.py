"""Hybrid retrieval: dense top-k (Chroma) and BM25 top-k over the same chunks, fused (see fusion.py)."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigurationError
from assistant.index.store import IndexReader
from assistant.search.fusion import FusionMethod, reciprocal_rank_fusion, zscore_fusion
from assistant.search.lexical import LexicalIndex
from assistant.search.scope import Scope
from assistant.text.tokens import lexical_query
from assistant.types import Hit


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    query_vector: list[float]
    query_tokens: list[str]


class Retriever:
    def __init__(self, reader: IndexReader, embedder: Embeddings, fusion: str = "zscore", rrf_k: int = 60) -> None:
        try:
            self.fusion = FusionMethod(fusion)
        except ValueError:
            choices = " of ".join(m.value for m in FusionMethod)
            raise ConfigurationError(f"Onbekende fusiemethode '{fusion}'. Kies {choices}.") from None
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
        if self.fusion is FusionMethod.RRF:
            fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in lexical]], self.rrf_k)
        else:
            fused = zscore_fusion([dense, lexical])
        dense_by_id, lexical_by_id = dict(dense), dict(lexical)
        hits = [Hit(self.reader.by_id[i], score, dense_by_id.get(i), lexical_by_id.get(i)) for i, score in fused]
        return Retrieval(hits, vector, tokens)
