"""How relevant each sentence of the retrieved passages is to the question: the sentence's e5
similarity to the question plus the idf-weighted share of the question's words it covers, minus a
small penalty for the fused rank of its chunk. The composer and the practice step both use it."""

from __future__ import annotations

import numpy as np

from assistant.answers.passages import ScoredSentence, list_continuation
from assistant.index.records import SentenceRow
from assistant.index.store import IndexReader
from assistant.search.lexical import LexicalIndex, weighted_coverage
from assistant.search.retriever import Retrieval
from assistant.text.tokens import tokenize
from assistant.types import Chunk, Hit

CANDIDATE_CHUNKS = 4
LEXICAL_WEIGHT = 0.12
RANK_PENALTY = 0.025
OTHER_KIND_WINDOW = 10  # look this deep in the fused ranking for the other kind of document
OTHER_KIND_CHUNKS = 2
MAX_LIST_CHUNKS = 12  # candidate chunks, list continuations included


def lexical_coverage(sentence: str, query_tokens: list[str], lexical: LexicalIndex) -> float:
    """The idf-weighted share of the question's words that occur in `sentence` (inflections too)."""
    tokens = list(dict.fromkeys(query_tokens))
    return weighted_coverage(tokens, set(tokenize(sentence)), {t: lexical.idf(t) for t in tokens})


def score_sentences(
    retrieval: Retrieval, reader: IndexReader, lexical: LexicalIndex, candidates: int = CANDIDATE_CHUNKS
) -> list[ScoredSentence]:
    # Footnotes are candidates like any passage: some questions are answered only by one (which
    # publication a section builds on; 9 of the bank's 620). Quotable footnotes: first cited source
    # validation 0.515 -> 0.526, cited-source hit 0.524 -> 0.532, train 0.610 -> 0.613.
    hits = retrieval.hits[:candidates]
    # Keep the other kind of document in view: a question about experiences needs both the
    # handbook's advice and what happened in practice, and they rarely tie for the top ranks.
    kinds = {h.chunk.doc_type for h in hits}
    nearby = retrieval.hits[candidates:OTHER_KIND_WINDOW]
    hits += [h for h in nearby if h.chunk.doc_type not in kinds][:OTHER_KIND_CHUNKS]
    # Rank within the document's kind, so the other kind's best passage is not penalised for
    # standing behind the first kind's.
    rank_of: dict[str, int] = {}
    for hit in hits:
        rank_of[hit.chunk.id] = sum(1 for h in hits[: hits.index(hit)] if h.chunk.doc_type == hit.chunk.doc_type)
    continued_by: dict[str, tuple[str, ...]] = {}
    pending = list(hits)  # continuation chunks are followed too: a list can span several chunks
    while pending:
        hit = pending.pop(0)
        continuation = list_continuation(hit.chunk, reader)
        if continuation:
            continued_by[hit.chunk.id] = tuple(c.id for c in continuation)
            known = {h.chunk.id for h in hits}
            room = max(0, MAX_LIST_CHUNKS - len(hits))
            added = [Hit(c, hit.score) for c in continuation if c.id not in known][:room]
            hits += added
            pending += added
            for c in continuation:
                rank_of.setdefault(c.id, rank_of[hit.chunk.id])
    hit_of = {h.chunk.id: h for h in hits}
    scored = []
    for row, relevance, coverage in rate_sentences({i: h.chunk for i, h in hit_of.items()}, retrieval, reader, lexical):
        rank = rank_of[row.chunk_id]
        # The chunk's fused rank favours sentences from the passages retrieval trusts most.
        score = relevance - RANK_PENALTY * rank
        follows = continued_by.get(row.chunk_id, ())
        scored.append(ScoredSentence(row, hit_of[row.chunk_id], rank, score, follows, coverage))
    scored.sort(key=lambda s: -s.score)
    return scored


def rate_sentences(
    chunks: dict[str, Chunk], retrieval: Retrieval, reader: IndexReader, lexical: LexicalIndex
) -> list[tuple[SentenceRow, float, float]]:
    """Each sentence of `chunks` (by id) with its relevance to the question, the cosine similarity
    plus the weighted share of the question's words it covers, and that share."""
    rows = reader.sentence_vectors(list(chunks))
    if not rows:
        return []
    query = np.asarray(retrieval.query_vector, dtype=np.float32)
    similarities = np.asarray([v for _, v in rows], dtype=np.float32) @ query
    rated = []
    for (row, _), similarity in zip(rows, similarities, strict=True):
        # The heading counts as context: a bullet in the box "Dilemma's bij ambtelijke fusie"
        # answers a question about dilemmas without repeating the word.
        heading = chunks[row.chunk_id].section[-1]
        coverage = lexical_coverage(f"{heading} {row.text}", retrieval.query_tokens, lexical)
        rated.append((row, float(similarity) + LEXICAL_WEIGHT * coverage, coverage))
    return rated
