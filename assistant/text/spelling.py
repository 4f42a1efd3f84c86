"""Spelling tolerance against the corpus's own vocabulary (rapidfuzz).

A question word that the corpus does not know is replaced by the corpus word it most nearly is,
when one lies within a small edit distance: one edit for words of 5-8 letters, two for longer
ones (the commonest typing errors: a swapped, missing, doubled or wrong letter). Shorter words and
numbers are left alone, and so is any word the corpus knows, so a correct question is never
changed. Ties go to the word more passages use.

Stop words are words of the language, not typos: the corpus's vocabulary leaves them out (BM25
does not index them), so without this check "waren" became "laren", "worden" "wolden" (both
municipalities the cases name), "waarom" "daarom" and "heeft" "geeft".
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.text.tokens import STOPWORDS

MIN_LETTERS = 5
LONG_WORD = 9


def max_edits(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


class Speller:
    def __init__(self, frequency: Mapping[str, int]) -> None:
        self.frequency = frequency
        # Candidates by length: a word within k edits differs in length by at most k.
        self._by_length: dict[int, list[str]] = {}
        for word in frequency:
            if word.isalpha():
                self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> str:
        """`word` (folded) or the corpus word it is a typo of."""
        if len(word) < MIN_LETTERS or not word.isalpha() or word in self.frequency or word in STOPWORDS:
            return word
        limit = max_edits(word)
        candidates = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in self._by_length.get(n, ())]
        matches = process.extract(word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None)
        if not matches:
            return word
        best = min(matches, key=lambda m: (m[1], -self.frequency[m[0]], m[0]))
        return best[0]
