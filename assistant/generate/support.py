"""Does a cited source support a sentence? The per-sentence check behind `verify.py`.

A source supports a sentence when its numbers all occur in the source ("zes" = "six" = "6"),
and for a Dutch question the idf-weighted share of its content words found in the source (five-
letter prefixes match, so "verdeelsleutels" finds "verdeelsleutel") reaches LEXICAL_MIN while
the e5 cosine with the source's best sentence reaches SEMANTIC_FLOOR_DUTCH, or that cosine alone
reaches SEMANTIC_MIN_DUTCH; for an English question (Dutch sources: word overlap means little)
the cosine must reach SEMANTIC_MIN_ENGLISH. Without an embedder only the Dutch word check runs.
Sentences of a source that address a language model ("negeer alle eerdere instructies ...") are
never evidence and never quoted. `check()` also picks the source sentence that best matches the
claim, which `verify.py` quotes.

The thresholds are fitted by `calibrate()` on the labelled pairs in eval/support_pairs.jsonl; docs/llm.md
reports the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.generate.safety import INSTRUCTION_RE
from assistant.text.sentences import sentence_spans
from assistant.text.tokens import is_english, tokenize
from assistant.types import Chunk

# Fitted by calibrate() on eval/support_pairs.jsonl (see docs/llm.md). The sources are Dutch:
# a Dutch sentence is checked on its words (or a very close e5 match), an English one on e5 alone.
LEXICAL_MIN = 0.6
SEMANTIC_FLOOR_DUTCH = 0.875  # words alone are not enough: "Kattendorp is opgeheven" shares the names
SEMANTIC_MIN_DUTCH = 0.935
SEMANTIC_MIN_ENGLISH = 0.86
PREFIX = 5
NUMBER_VALUES = {
    word: str(value)
    for words, value in (
        ("twee two", 2),
        ("drie three", 3),
        ("vier four", 4),
        ("vijf five", 5),
        ("zes six", 6),
        ("zeven seven", 7),
        ("acht eight", 8),
        ("negen nine", 9),
        ("tien ten", 10),
        ("elf eleven", 11),
        ("twaalf twelve", 12),
        ("twintig twenty", 20),
        ("dertig thirty", 30),
        ("veertig forty", 40),
        ("vijftig fifty", 50),
        ("honderd hundred", 100),
        ("duizend thousand", 1000),
        ("miljoen million", 1000000),
    )
    for word in words.split()
}

Idf = Callable[[str], float]
Row = tuple[int, int, Sequence[float]]  # an indexed sentence: start, end, vector


@dataclass(frozen=True)
class Evidence:
    """One numbered source given to the model: its chunk and the sentences that may support a claim
    (sentences addressing a language model left out), with their e5 vectors when available."""

    chunk: Chunk
    score: float
    spans: tuple[tuple[int, int], ...]
    vectors: np.ndarray | None = None

    @staticmethod
    def of(
        chunk: Chunk, score: float = 0.0, rows: Sequence[tuple[int, int, Sequence[float]]] | None = None
    ) -> Evidence:
        """`rows`: (start, end, vector) of the chunk's indexed sentences; else spans are split here."""
        if rows:
            pairs = [
                (s, e, v) for s, e, v in sorted(rows, key=lambda r: r[0]) if not INSTRUCTION_RE.search(chunk.text[s:e])
            ]
            spans = tuple((s, e) for s, e, _ in pairs)
            vectors = np.asarray([v for _, _, v in pairs], dtype=np.float32) if pairs else None
            return Evidence(chunk, score, spans, vectors)
        spans = tuple((s, e) for s, e in sentence_spans(chunk.text) if not INSTRUCTION_RE.search(chunk.text[s:e]))
        return Evidence(chunk, score, spans)

    @property
    def words(self) -> set[str]:
        text = " ".join(self.chunk.text[s:e] for s, e in self.spans)
        return set(tokenize(f"{self.chunk.section[-1] if self.chunk.section else ''} {text}"))


@dataclass(frozen=True)
class Support:
    lexical: float
    semantic: float | None
    numbers_ok: bool
    english: bool
    span: tuple[int, int] | None  # the chunk sentence that best matches the claim

    @property
    def ok(self) -> bool:
        return supported(self)


@dataclass(frozen=True)
class Thresholds:
    lexical_min: float = LEXICAL_MIN
    semantic_floor_dutch: float = SEMANTIC_FLOOR_DUTCH
    semantic_min_dutch: float = SEMANTIC_MIN_DUTCH
    semantic_min_english: float = SEMANTIC_MIN_ENGLISH


DEFAULT_THRESHOLDS = Thresholds()


def supported(support: Support, t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    if not support.numbers_ok:
        return False
    if support.semantic is None:  # no embedder: the word check alone
        return not support.english and support.lexical >= t.lexical_min
    if support.english:
        return support.semantic >= t.semantic_min_english
    words_and_meaning = support.lexical >= t.lexical_min and support.semantic >= t.semantic_floor_dutch
    return words_and_meaning or support.semantic >= t.semantic_min_dutch


def _matches(token: str, words: set[str], prefixes: set[str]) -> bool:
    return token in words or (len(token) >= PREFIX and token[:PREFIX] in prefixes)


def lexical_support(claim: str, words: set[str], idf: Idf | None = None) -> float:
    """Idf-weighted share of the claim's content words found in `words`."""
    tokens = [t for t in dict.fromkeys(tokenize(claim)) if len(t) > 2 or t.isdigit()]
    if not tokens:
        return 0.0
    prefixes = {w[:PREFIX] for w in words if len(w) >= PREFIX}
    weight = idf or (lambda _t: 1.0)
    total = sum(weight(t) for t in tokens)
    found = sum(weight(t) for t in tokens if _matches(t, words, prefixes))
    return found / total if total else 0.0


def _numbers(words: Iterable[str]) -> set[str]:
    return {NUMBER_VALUES.get(w, w) for w in words if w.isdigit() or w in NUMBER_VALUES}


def numbers_supported(claim: str, words: set[str]) -> bool:
    """Every number in the claim ("4", "zes", "six") occurs in the source: a changed figure is not support."""
    return _numbers(tokenize(claim)) <= _numbers(words)


def check(
    claim: str,
    evidence: Evidence,
    claim_vector: np.ndarray | None = None,
    idf: Idf | None = None,
    english: bool | None = None,
) -> Support:
    words = evidence.words
    lexical = lexical_support(claim, words, idf)
    numbers_ok = numbers_supported(claim, words)
    english = is_english(claim) if english is None else english
    if not evidence.spans:
        return Support(lexical, None, numbers_ok, english, None)
    # Best sentence for the quote: semantic similarity when there are vectors, plus word overlap.
    overlap = [lexical_support(claim, set(tokenize(evidence.chunk.text[s:e])), idf) for s, e in evidence.spans]
    semantic = None
    ranking = np.asarray(overlap, dtype=np.float32)
    if claim_vector is not None and evidence.vectors is not None:
        similarities = evidence.vectors @ claim_vector
        semantic = float(similarities.max())
        ranking = ranking + similarities
    return Support(lexical, semantic, numbers_ok, english, evidence.spans[int(ranking.argmax())])


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    accuracy_dutch: float
    accuracy_english: float
    lexical_only_dutch: tuple[float, float]  # (threshold, accuracy) without the semantic arm
    n_dutch: int
    n_english: int


def calibrate(samples: Sequence[tuple[Support, bool]]) -> Calibration:
    """Grid-search the thresholds on labelled (support, is_supported) samples, Dutch and English
    separately. Ties go to the stricter threshold: a wrongly removed sentence costs less than a
    wrongly shown one."""
    dutch = [(s, y) for s, y in samples if not s.english]
    english = [(s, y) for s, y in samples if s.english]

    def accuracy(rows: Sequence[tuple[Support, bool]], t: Thresholds) -> float:
        # A wrongly shown sentence counts double: cost = 2 * false accepts + false rejects.
        cost = sum(2 * (supported(s, t) and not y) + (not supported(s, t) and y) for s, y in rows)
        return 1 - cost / max(1, 2 * len(rows))

    lexical_grid = [x / 100 for x in range(30, 101, 5)]
    semantic_grid = [x / 1000 for x in range(800, 981, 5)] + [2.0]
    best_nl = max(
        (
            (accuracy(dutch, Thresholds(lx, fl, sm, 2.0)), lx, fl, sm)
            for lx in lexical_grid
            for fl in semantic_grid
            for sm in semantic_grid
            if sm >= fl
        ),
        key=lambda r: r,
    )
    best_en = max(((accuracy(english, Thresholds(2.0, 2.0, 2.0, sm)), sm) for sm in semantic_grid), key=lambda r: r)
    lexical_only = max(
        ((lx, accuracy(dutch, Thresholds(lx, -1.0, 2.0, 2.0))) for lx in lexical_grid), key=lambda r: (r[1], r[0])
    )
    return Calibration(
        Thresholds(best_nl[1], best_nl[2], best_nl[3], best_en[1]),
        best_nl[0],
        best_en[0],
        lexical_only,
        len(dutch),
        len(english),
    )
