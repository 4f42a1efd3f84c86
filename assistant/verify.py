"""Check a language model's answer against the sources it cites, sentence by sentence.

A sentence is shown only when
- it carries at least one valid `[n]` (1..number of sources given to the model), and
- at least one cited source supports it: its numbers all occur in the source ("zes" = "six" = "6"),
  and for a Dutch question the idf-weighted share of its content words found in the source (five-
  letter prefixes match, so "verdeelsleutels" finds "verdeelsleutel") reaches LEXICAL_MIN while
  the e5 cosine with the source's best sentence reaches SEMANTIC_FLOOR_DUTCH, or that cosine alone
  reaches SEMANTIC_MIN_DUTCH; for an English question (Dutch sources: word overlap means little)
  the cosine must reach SEMANTIC_MIN_ENGLISH. Without an embedder only the Dutch word check runs.
Sentences of a source that address a language model ("negeer alle eerdere instructies ...") are
never evidence and never quoted. Citations to sources that do not support a sentence are dropped;
the remaining ones are renumbered in order of first use, and each cited source gets as quote the
sentence(s) of its chunk that best match the sentences citing it (an exact substring).

The thresholds are fitted by `calibrate()` on the labelled pairs in tests/test_llm.py; docs/llm.md
reports the figures. `StreamVerifier` does the same incrementally, so streamed text is verified text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.answer import CITATION_RE, is_english
from assistant.llm import INSTRUCTION_RE
from assistant.sentences import sentence_spans
from assistant.tokens import tokenize
from assistant.types import Chunk, Source

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
BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
TRAILING_CITATIONS_RE = re.compile(r"([.!?:;])((?:\s*\[\d+\])+)")

Embed = Callable[[str], Sequence[float]]
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


def strip_citations(sentence: str) -> str:
    return re.sub(r"\s+", " ", CITATION_RE.sub(" ", BULLET_RE.sub("", sentence))).strip()


@dataclass
class VerifiedAnswer:
    text: str
    sources: list[Source]
    kept: int
    removed: int


@dataclass
class StreamVerifier:
    """Feed the model's text as it arrives; get back verified, renumbered pieces to show."""

    evidence: Sequence[Evidence]
    embed: Embed | None = None
    idf: Idf | None = None
    english: bool | None = None  # the question's language; None = decided per sentence
    buffer: str = ""
    shown: str = ""
    kept: int = 0
    removed: int = 0
    numbering: dict[int, int] = field(default_factory=dict)  # model's [n] -> shown [n]
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # model's n -> quoted sentences
    _newlines: int = 0
    _bullet: str = ""
    _line_has_output: bool = False

    def feed(self, text: str) -> str:
        """Add model text; return the verified text that can be shown now (possibly empty)."""
        self.buffer += text
        return self._drain(final=False)

    def flush(self) -> str:
        """At the end of the model's reply: verify the last sentence; return what can be shown."""
        return self._drain(final=True)

    def finish(self) -> VerifiedAnswer:
        """The whole verified answer (flushes what remains)."""
        self.flush()
        order = sorted(self.numbering, key=self.numbering.get)
        sources = []
        for model_n in order:
            ev = self.evidence[model_n - 1]
            spans = self.spans[model_n]
            quote = ev.chunk.text[min(s for s, _ in spans) : max(e for _, e in spans)]
            sources.append(Source(self.numbering[model_n], ev.chunk, quote, ev.score))
        return VerifiedAnswer(self.shown.strip(), sources, self.kept, self.removed)

    def _drain(self, final: bool) -> str:
        out = []
        self.buffer = TRAILING_CITATIONS_RE.sub(r"\2\1", self.buffer)
        while True:
            newline = self.buffer.find("\n")
            line = self.buffer if newline < 0 else self.buffer[:newline]
            complete_line = newline >= 0 or final
            spans = sentence_spans(line)
            ready = spans if complete_line else spans[:-1]
            for index, (start, end) in enumerate(ready):
                sentence = line[start:end]
                if index == 0 and not self._line_has_output:
                    bullet = BULLET_RE.match(sentence)
                    self._bullet = bullet.group(0).strip() + " " if bullet else self._bullet
                out.append(self._sentence(sentence))
            if not complete_line:
                cut = ready[-1][1] if ready else 0
                self.buffer = line[cut:]
                break
            self.buffer = self.buffer[newline + 1 :] if newline >= 0 else ""
            # A blank line is a paragraph break; a line whose sentences were all removed is not.
            self._newlines = max(self._newlines, 1) if spans else self._newlines + 1
            self._line_has_output = False
            self._bullet = ""
            if newline < 0:
                break
        piece = "".join(out)
        self.shown += piece
        return piece

    def _sentence(self, sentence: str) -> str:
        claim = strip_citations(sentence)
        cited = [int(n) for n in CITATION_RE.findall(sentence)]
        valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(self.evidence)]
        if not valid or not claim:
            self.removed += bool(claim)
            return ""
        vector = np.asarray(self.embed(claim), dtype=np.float32) if self.embed else None
        supports = {n: check(claim, self.evidence[n - 1], vector, self.idf, self.english) for n in valid}
        good = [n for n in valid if supports[n].ok]
        if not good:
            self.removed += 1
            return ""
        for n in good:
            self.numbering.setdefault(n, len(self.numbering) + 1)
            span = supports[n].span
            if span is not None:
                self.spans.setdefault(n, []).append(span)
            else:
                self.spans.setdefault(n, []).append((0, len(self.evidence[n - 1].chunk.text)))
        text = self._render(sentence, good)
        if self.kept == 0:
            prefix = self._bullet
        elif self._line_has_output:
            prefix = " "
        else:
            prefix = ("\n\n" if self._newlines > 1 else "\n") + self._bullet
        self.kept += 1
        self._line_has_output = True
        self._newlines = 0
        return prefix + text

    def _render(self, sentence: str, good: list[int]) -> str:
        body = BULLET_RE.sub("", sentence).strip()

        def renumber(match: re.Match[str]) -> str:
            n = int(match.group(1))
            return f"[{self.numbering[n]}]" if n in good else ""

        body = CITATION_RE.sub(renumber, body)
        body = re.sub(r"\s+([.!?,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", body)).strip()
        return body


def verify(
    text: str, evidence: Sequence[Evidence], embed: Embed | None = None, idf: Idf | None = None
) -> VerifiedAnswer:
    """Verify a complete model answer (see module doc)."""
    verifier = StreamVerifier(evidence, embed, idf)
    verifier.feed(text)
    return verifier.finish()


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
