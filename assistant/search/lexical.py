"""The lexical arms: BM25 over the chunks' heading path and text, on words or on sub-words.

Sub-words (character 4-grams of each word, with word-boundary marks) match the parts of Dutch
compounds ("kostenverdeelsleutel" shares "kost", "verd", "leut" with "kosten verdelen") and survive
a typo in one part of a word; the learned ranker weighs them beside whole words (README).
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from assistant.corpus.chunking import chunks_digest
from assistant.text.tokens import tokenize
from assistant.types import Chunk

log = logging.getLogger(__name__)
SUBWORD_N = 4
OKAPI_K1 = 1.5
OKAPI_EPSILON = 0.25  # rank_bm25's floor for the idf of terms in more than half the chunks


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
    """BM25 (Okapi: k1 1.5, b 0.75, a negative idf floored at a quarter of the mean idf) over the
    chunks' heading path + text, on bm25s: it scores a question from a precomputed sparse matrix
    (only the chunks that hold a query term are touched), where rank_bm25 scored every chunk in
    Python; same scores, same rankings (README: Corpus scale). Its scores, not only its documents,
    feed the fusion and the answerability decision.

    Read-only once built, so one index serves many threads; tokens of a chunk are worked out when
    asked (a few per question), not kept for every chunk: at 100k chunks that list was the biggest
    object in memory."""

    def __init__(self, chunks: list[Chunk], analyzer: Analyzer = Analyzer.WORDS) -> None:
        self.chunks = chunks
        self.analyze = ANALYZERS[analyzer]
        self._position = {c.id: i for i, c in enumerate(chunks)}
        self.vocabulary: dict[str, int] = {}
        ids = [self._ids(self.analyze(tokenize(c.search_text))) for c in chunks]
        frequency = np.zeros(len(self.vocabulary), dtype=np.int64)
        for row in ids:
            frequency[np.unique(row)] += 1
        self._frequency = frequency
        self.document_frequency = FrequencyView(self.vocabulary, frequency)
        self.bm25 = _okapi(ids, self.vocabulary, frequency) if chunks else None

    @classmethod
    def cached(cls, chunks: list[Chunk], analyzer: Analyzer, folder: Path | None) -> LexicalIndex:
        """The index of `chunks`, loaded (memory-mapped) from the tables saved for this index
        version in `folder`, or built and saved there for the next process that opens the
        version: app workers sharing the index folder build them once per version, not at every
        start. Without a folder (or if it cannot be written) it is built in memory."""
        if folder is None or not chunks:
            return cls(chunks, analyzer)
        place = folder / f"bm25-{analyzer.value}"
        try:
            return cls._load(chunks, analyzer, place)
        except (OSError, ValueError, KeyError):
            pass  # not saved yet, or from other chunks: build it
        index = cls(chunks, analyzer)
        try:
            index._save(place)
        except OSError as error:
            log.warning("could not save the BM25 tables in %s: %s", place, error)
        return index

    @classmethod
    def _load(cls, chunks: list[Chunk], analyzer: Analyzer, place: Path) -> LexicalIndex:
        meta = json.loads((place / TABLES_META).read_text("utf-8"))
        if meta["chunks"] != chunks_digest(chunks):
            raise ValueError("saved for other chunks")
        index = cls.__new__(cls)
        index.chunks = chunks
        index.analyze = ANALYZERS[analyzer]
        index._position = {c.id: i for i, c in enumerate(chunks)}
        index.bm25 = bm25s.BM25.load(str(place), mmap=True, show_progress=False)
        index.vocabulary = index.bm25.vocab_dict
        index._frequency = np.load(place / "frequency.npy", mmap_mode="r")
        index.document_frequency = FrequencyView(index.vocabulary, index._frequency)
        return index

    def _save(self, place: Path) -> None:
        """Write the tables beside `place` and move them there in one rename, so a process that
        loads them never reads half-written ones; a process that saved them first wins."""
        assert self.bm25 is not None
        place.parent.mkdir(parents=True, exist_ok=True)
        tmp = place.with_name(f".{place.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self.bm25.save(str(tmp), show_progress=False)
        np.save(tmp / "frequency.npy", self._frequency)
        (tmp / TABLES_META).write_text(json.dumps({"chunks": chunks_digest(self.chunks)}), "utf-8")
        try:
            os.replace(tmp, place)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process saved them meanwhile
            if not place.is_dir():
                raise

    def _ids(self, tokens: list[str]) -> np.ndarray:
        vocabulary = self.vocabulary
        return np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in tokens), dtype=np.int32)

    def tokens_of(self, chunk_id: str) -> frozenset[str]:
        """The chunk's analysed tokens, as a set. The ranker and the answerability decision ask for
        the candidates' tokens at every question: tokenising them again was a tenth of a question's
        time at 100k chunks (cProfile), so the sets of recent chunks are kept."""
        return _token_set(self.analyze, self.chunks[self._position[chunk_id]].search_text)

    def idf(self, token: str) -> float:
        n = len(self.chunks)
        df = self.document_frequency.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query_tokens: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The top-k chunks for the question's word tokens (analysed as this index is), ties in
        corpus order."""
        terms = [self.vocabulary[t] for t in self.analyze(query_tokens) if t in self.vocabulary]
        if self.bm25 is None or not terms:
            return []
        scores = self.bm25.get_scores_from_ids(terms)
        found = np.flatnonzero(scores > 0)
        if allowed is not None:
            found = found[[self.chunks[i].id in allowed for i in found]]
        if len(found) > k:
            # Keep everything scoring at least the k-th best, so ties at the cut sort as before.
            kth = np.partition(scores[found], len(found) - k)[len(found) - k]
            found = found[scores[found] >= kth]
        order = np.lexsort((found, -scores[found]))[:k]
        return [(self.chunks[i].id, float(scores[i])) for i in found[order]]


TABLES_META = "chunks.json"


@lru_cache(maxsize=20_000)  # ~300 candidates a question; the whole base corpus many times over
def _token_set(analyze: Callable[[list[str]], list[str]], text: str) -> frozenset[str]:
    return frozenset(analyze(tokenize(text)))


class FrequencyView(Mapping[str, int]):
    """In how many chunks each token occurs, read from the index's arrays (no second dict)."""

    def __init__(self, vocabulary: dict[str, int], frequency: np.ndarray) -> None:
        self._vocabulary = vocabulary
        self._frequency = frequency

    def __getitem__(self, token: str) -> int:
        return int(self._frequency[self._vocabulary[token]])

    def __contains__(self, token: object) -> bool:
        return token in self._vocabulary

    def get(self, token: str, default: int = 0) -> int:  # type: ignore[override]
        i = self._vocabulary.get(token)
        return default if i is None else int(self._frequency[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocabulary)

    def __len__(self) -> int:
        return len(self._vocabulary)


class _ListsOnDemand(list):
    """Each chunk's token ids, handed to bm25s as the list of int lists it asks for, one list at a
    time: bm25s only takes len() and iterates (three passes). All of them as Python lists at
    once held 40 million ints for the sub-word tables of 100k chunks (about 1.2 GB)."""

    def __iter__(self) -> Iterator[list[int]]:  # type: ignore[override]
        for row in super().__iter__():
            yield row.tolist()


def _okapi(ids: list[np.ndarray], vocabulary: dict[str, int], frequency: np.ndarray) -> bm25s.BM25:
    """A bm25s index scoring as rank_bm25's BM25Okapi did. bm25s has no Okapi idf (its
    "robertson" one clips common terms to 0 instead of a small positive weight), so it is built with
    the Lucene idf, which is never 0, and each term's column is rescaled to the Okapi idf; its
    term-frequency part also lacks Okapi's (k1 + 1) factor, which the scores get back here, so
    they equal rank_bm25's (the answerability decision was fitted on them)."""
    retriever = bm25s.BM25(k1=OKAPI_K1, b=0.75, method="robertson", idf_method="lucene", dtype="float64")
    retriever.index((_ListsOnDemand(ids), vocabulary), create_empty_token=False, show_progress=False)
    n = len(ids)
    df = frequency.astype(np.float64)
    lucene = np.log1p((n - df + 0.5) / (df + 0.5))
    okapi = np.log(n - df + 0.5) - np.log(df + 0.5)
    okapi = np.where(okapi < 0, OKAPI_EPSILON * okapi.mean(), okapi)
    data, indptr = retriever.scores["data"], retriever.scores["indptr"]
    data *= np.repeat((OKAPI_K1 + 1) * okapi / lucene, np.diff(indptr))
    return retriever
