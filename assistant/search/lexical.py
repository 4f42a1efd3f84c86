"""The lexical arms: BM25 over the chunks' heading path and text, on words or on sub-words.

Sub-words (character 4-grams of each word, with word-boundary marks) match the parts of Dutch
compounds ("kostenverdeelsleutel" shares "kost", "verd", "leut" with "kosten verdelen") and survive
a typo in one part of a word; the learned ranker weighs them beside whole words (README).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum

from rank_bm25 import BM25Okapi

from assistant.text.tokens import tokenize
from assistant.types import Chunk

SUBWORD_N = 4


class Analyzer(StrEnum):
    WORDS = "words"
    SUBWORDS = "subwords"


def subwords(tokens: list[str], n: int = SUBWORD_N) -> list[str]:
    """Character n-grams of each token, "#" marking its start and end: "raad" -> "#raa", "raad", "aad#"."""
    out = []
    for token in tokens:
        word = f"#{token}#"
        out += [word] if len(word) <= n else [word[i : i + n] for i in range(len(word) - n + 1)]
    return out


ANALYZERS: dict[Analyzer, Callable[[list[str]], list[str]]] = {
    Analyzer.WORDS: lambda tokens: tokens,
    Analyzer.SUBWORDS: subwords,
}


def has_word(words: set[str], token: str) -> bool:
    """A question's token is among a passage's words, also inflected: all but its last three
    letters (at least five) match, which covers Dutch inflection ("kostenverdeelsleutels" finds
    "kostenverdeelsleutel") without letting "bestuurspunt" match "bestuurlijk"."""
    if token in words:
        return True
    stem = token[: max(5, len(token) - 3)]
    return len(token) >= 5 and any(w.startswith(stem) for w in words)


def weighted_coverage(tokens: Sequence[str], words: set[str], idf: Mapping[str, float]) -> float:
    """The idf-weighted share of `tokens` found among `words`."""
    total = sum(idf[t] for t in tokens)
    return sum(idf[t] for t in tokens if has_word(words, t)) / total if total else 0.0


class LexicalIndex:
    """BM25 over the chunks' heading path + text. rank_bm25 directly, because the fusion and the
    abstain rule need its scores (langchain's BM25Retriever returns documents only)."""

    def __init__(self, chunks: list[Chunk], analyzer: Analyzer = Analyzer.WORDS) -> None:
        self.chunks = chunks
        self.analyze = ANALYZERS[analyzer]
        self.tokens = [self.analyze(tokenize(c.search_text)) for c in chunks]
        self._position = {c.id: i for i, c in enumerate(chunks)}
        self.bm25 = BM25Okapi(self.tokens) if chunks else None
        self.document_frequency: dict[str, int] = {}
        for toks in self.tokens:
            for token in set(toks):
                self.document_frequency[token] = self.document_frequency.get(token, 0) + 1

    def tokens_of(self, chunk_id: str) -> list[str]:
        return self.tokens[self._position[chunk_id]]

    def idf(self, token: str) -> float:
        n = len(self.chunks)
        df = self.document_frequency.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query_tokens: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The top-k chunks for the question's word tokens (analysed as this index is)."""
        terms = self.analyze(query_tokens)
        if self.bm25 is None or not terms:
            return []
        scores = self.bm25.get_scores(terms)
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
