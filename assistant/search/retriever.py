"""Hybrid retrieval: dense top-k (Chroma), BM25 top-k on words and on sub-words, and the best
sentence of each candidate. By default the dense and word lists are fused by z-score (fusion.py),
the order the answerability decision reads, and answers quote from the rank fusion of that order
with the learned ranker's (ranker.py); with a query adapter fitted (adapter.py), the quoted
z-score order is searched with the adapted question vector. The learned ranker alone or
reciprocal rank fusion of the dense and word lists are the alternatives (`ASSISTANT_FUSION`)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigurationError
from assistant.index.store import IndexReader
from assistant.search import ranker
from assistant.search.adapter import QueryAdapter
from assistant.search.fusion import FusionMethod, reciprocal_rank_fusion, zscore_fusion
from assistant.search.lexical import Analyzer, LexicalIndex
from assistant.search.query import Query, canonical_query
from assistant.search.ranker import Arm, LinearModel
from assistant.search.scope import Scope
from assistant.search.translation import LazyTranslator, WordEmbedder, WordTranslator
from assistant.text.casing import TrueCaser
from assistant.text.spelling import Speller
from assistant.types import Hit

log = logging.getLogger(__name__)


# With z-score fusion, answers quote from the reciprocal-rank fusion of the z-score order and the
# learned ranker's order: 1 / (k + rank), rank from 1; k chosen on validation among 0, 4 and 59.
QUOTE_ORDER_K = 4


@dataclass(frozen=True)
class Retrieval:
    """`hits` is the order answers quote from and evaluation ranks; `decision_hits`, when set, the
    z-score order the answerability decision was fitted on (its signals read the top chunks)."""

    hits: list[Hit]
    query_vector: list[float]
    query_tokens: list[str]
    query: Query | None = None
    decision_hits: list[Hit] | None = None

    @property
    def for_decision(self) -> list[Hit]:
        return self.hits if self.decision_hits is None else self.decision_hits


@dataclass(frozen=True)
class ArmResults:
    """What each arm found for one question, before ranking."""

    query: Query
    vector: list[float]
    lists: dict[Arm, list[tuple[str, float]]]
    # The dense arm searched with the adapted question vector, when an adapter is fitted.
    adapted: list[tuple[str, float]] | None = None


class Retriever:
    def __init__(
        self,
        reader: IndexReader,
        embedder: Embeddings,
        fusion: str = "learned",
        rrf_k: int = 60,
        ranker_model: LinearModel | None = None,
        adapter: QueryAdapter | None = None,
    ) -> None:
        try:
            self.fusion = FusionMethod(fusion)
        except ValueError:
            choices = " of ".join(m.value for m in FusionMethod)
            raise ConfigurationError(f"Onbekende fusiemethode '{fusion}'. Kies {choices}.") from None
        self.reader = reader
        self.embedder = embedder
        self.rrf_k = rrf_k
        self.lexical = LexicalIndex.cached(reader.chunks, Analyzer.WORDS, reader.derived_dir)
        self._subwords: LexicalIndex | None = None
        self._subwords_lock = threading.Lock()
        self.speller = Speller(self.lexical.document_frequency)
        self.caser = TrueCaser(c.search_text for c in reader.chunks)
        # English words onto corpus words, by the embedder's own word vectors: only e5 offers
        # them, the embedder whose cosines the cut-off was chosen on (translation.py).
        self.translate: LazyTranslator | None = None
        if isinstance(embedder, WordEmbedder):
            word_embedder = embedder
            self.translate = LazyTranslator(
                lambda: WordTranslator.cached(self.lexical, word_embedder, reader.derived_dir)
            )
        self.adapter = adapter or QueryAdapter.load(reader.manifest.embedder_spec)
        # The learned ranker scores every candidate whatever the fusion: with "learned" it orders
        # them, otherwise its probabilities decide which passages beside the first may be cited.
        self.ranker = None
        model = ranker_model or LinearModel.load(ranker.MODEL_FILE)
        fitted = model is not None and list(model.names) == ranker.feature_names()
        if fitted and model is not None and model.embedder == reader.manifest.embedder_spec:
            self.ranker = model
        elif self.fusion is FusionMethod.LEARNED:
            # No weights for this embedder's cosines yet: `assistant calibrate` fits them.
            log.warning("no ranker fitted for embedder %s; using z-score fusion", reader.manifest.embedder_spec)
            self.fusion = FusionMethod.ZSCORE

    @property
    def subwords(self) -> LexicalIndex:
        """The sub-word index, built when first needed: only the learned ranker reads it (and
        `assistant calibrate`), and at scale it is the slowest part of loading an index. Built
        once under a lock, so threads answering at the same time share one."""
        with self._subwords_lock:
            if self._subwords is None:
                self._subwords = LexicalIndex.cached(self.reader.chunks, Analyzer.SUBWORDS, self.reader.derived_dir)
            return self._subwords

    def arms(
        self, question: str, k_dense: int, k_lexical: int, scope: Scope | None = None, every_arm: bool = False
    ) -> ArmResults:
        """What each arm finds. The sentence arm is computed whatever the fusion (the answerability
        decision reads each candidate's best sentence); the sub-word arm when a ranker is fitted,
        or `every_arm` when fitting it."""
        allowed = self.allowed_ids(scope)
        query = canonical_query(question, self.speller, self.caser, self.translate)
        vector = self.embedder.embed_query(query.text)
        lists = {
            Arm.DENSE: self.reader.dense(vector, k_dense, allowed),
            Arm.WORDS: self.lexical.search(query.tokens, k_lexical, allowed),
        }
        if self.ranker is not None or every_arm:
            lists[Arm.SUBWORDS] = self.subwords.search(query.tokens, k_lexical, allowed)
        candidates = list(dict.fromkeys(i for found in lists.values() for i, _ in found))
        lists[Arm.SENTENCE] = self._best_sentences(candidates, vector)
        adapted = None
        # Only the quote order of z-score fusion beside the learned ranker reads the adapted arm.
        if self.adapter is not None and self.ranker is not None and self.fusion is FusionMethod.ZSCORE:
            adapted = self.reader.dense(self.adapter.apply(vector), k_dense, allowed)
        return ArmResults(query, vector, lists, adapted)

    def allowed_ids(self, scope: Scope | None) -> set[str] | None:
        """The ids of the chunks `scope` lets a search find; None for no limit."""
        if scope is None or scope.is_empty:
            return None
        return {c.id for c in self.reader.chunks if scope.allows(c)}

    def _best_sentences(self, chunk_ids: list[str], vector: list[float]) -> list[tuple[str, float]]:
        rows = self.reader.sentence_vectors(chunk_ids)
        if not rows:
            return []
        similarities = np.asarray([v for _, v in rows], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        best: dict[str, float] = {}
        for (row, _), similarity in zip(rows, similarities, strict=True):
            best[row.chunk_id] = max(best.get(row.chunk_id, -1.0), float(similarity))
        return sorted(best.items(), key=lambda pair: -pair[1])

    def search(self, question: str, k_dense: int, k_lexical: int, scope: Scope | None = None) -> Retrieval:
        found = self.arms(question, k_dense, k_lexical, scope)
        dense, words = found.lists[Arm.DENSE], found.lists[Arm.WORDS]
        learned = []
        if self.ranker is not None:
            learned = ranker.rank(self.ranker, found.lists, self.reader.by_id, self.lexical, found.query.tokens)
        if self.fusion is FusionMethod.LEARNED and learned:
            fused = learned
        elif self.fusion is FusionMethod.RRF:
            fused = reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in words]], self.rrf_k)
        else:
            fused = zscore_fusion([dense, words])
        dense_by_id, words_by_id = dict(dense), dict(words)
        sentence_by_id = dict(found.lists.get(Arm.SENTENCE, ()))
        relevance = {i: ranker.probability(logit) for i, logit in learned}
        hits = [
            Hit(
                self.reader.by_id[i],
                score,
                dense_by_id.get(i),
                words_by_id.get(i),
                sentence_by_id.get(i),
                relevance.get(i),
            )
            for i, score in fused
        ]
        if self.fusion is not FusionMethod.ZSCORE or not learned:
            return Retrieval(hits, found.vector, found.query.tokens, found.query)
        # Each order finds answers the other misses: on validation quoting from both raised hit@1
        # 0.516 -> 0.556 and the first cited source 0.594 -> 0.604; the learned order alone reached
        # hit@1 0.621 but lost cited sources where the ranker misjudged the z-score's first chunk.
        hit_of = {h.chunk.id: h for h in hits}
        # The z-score order searched with the adapted vector (adapter.py): validation first cited
        # source 0.634 -> 0.653, cited-source hit 0.597 -> 0.621, with the same answer decisions.
        quoted_zscore = fused if found.adapted is None else zscore_fusion([found.adapted, words])
        # The ranker also scores the sub-word and sentence arms' finds; the fused list is the pool.
        both = reciprocal_rank_fusion(
            [[i for i, _ in quoted_zscore if i in hit_of], [i for i, _ in learned if i in hit_of]], QUOTE_ORDER_K
        )
        quoted = [hit_of[i] for i, _ in both]
        return Retrieval(quoted, found.vector, found.query.tokens, found.query, decision_hits=hits)
