"""Spelling tolerance against the corpus's own vocabulary (rapidfuzz).

A question word that the corpus does not know is replaced by the corpus word it most nearly is,
when one lies within a small edit distance: one edit for words of 5-8 letters, two for longer
ones (the commonest typing errors: a swapped, missing, doubled or wrong letter). Shorter words and
numbers are left alone, and so is any word the corpus knows, so a correct question is never
changed. Ties go to the word more passages use.

Neither are words of the language typos: stop words (the corpus's vocabulary leaves them out,
BM25 does not index them; "waren" became "laren", "worden" "wolden", both municipalities the
cases name) and any word simplemma's Dutch dictionary knows ("betaalt" became "bepaalt",
"uittreding" "uitbreiding", "losse" "lisse"). On the bank's train and validation questions the
speller changed 160 words, most of them real Dutch words; the dictionary knows 113 of 119 such
words and 1 of 36 real typos. Measured with it (and the answerability decision reading such
words as the corpus words it was fitted with, search/query.py): validation hit@1 0.492 -> 0.524,
first cited source 0.583 -> 0.611, quote precision 0.475 -> 0.504, answered 0.774 -> 0.766,
refused 0.717 -> 0.700; train refused 0.670 -> 0.687, first cited source 0.666 -> 0.656.
An inflection the corpus lacks ("fusies") is now left as typed: the sub-word arm and e5 match it.
simplemma's dictionary lacks many words that are their own lemma or an inflection it does not
list ("vooraf" became "vooral", "waarvoor" "daarvoor", "ingeschreven" "geschreven"), so a word
wordfreq counts as common Dutch (Zipf frequency >= 3, once per million words) is a word too; the
misspellings wordfreq has seen ("gezamelijke", "verschill") lie below that.
A Dutch word no corpus word lies near becomes the nearest of wordfreq's 100,000 commonest Dutch
words, the commoner first on a tie: typos of stop words and everyday words ("knunen",
"wanener", "geokmen") were searched as typed, since the corpus's vocabulary holds neither. Same
first passage with one typo: train 0.942 -> 0.971, validation 0.930 -> 0.965; nothing else moved.

English questions are corrected too, since their words are translated onto corpus words
(search/translation.py): "proecss" got no translation where "process" got "proces", so one typo
changed the answer. A word that neither English (wordfreq's 100,000 commonest English words, so
British forms such as "harmonise" count, or the glossary), Dutch nor the corpus knows becomes the
nearest corpus word ("Helioo" -> "heiloo") or else the nearest common English word, the commoner
first on a tie ("praties" -> "parties", not "prates").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cache, lru_cache

import simplemma
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from wordfreq import zipf_frequency

from assistant.text.tokens import STOPWORDS, glossary

MIN_LETTERS = 5
# wordfreq's Zipf scale: 3 is once per million words, the usual line for a common word.
COMMON_DUTCH_ZIPF = 3.0
LANGUAGE = "nl"  # the corpus's language: only Dutch questions are corrected (search/query.py)
LONG_WORD = 9
COMMON_WORDS = 100_000  # per language, Dutch and English


def _by_length(words: Iterable[str]) -> dict[int, list[str]]:
    """The alphabetic words by length: a word within k edits differs in length by at most k."""
    by_length: dict[int, list[str]] = {}
    for word in words:
        if word.isalpha():
            by_length.setdefault(len(word), []).append(word)
    return by_length


def _closest(word: str, by_length: Mapping[int, list[str]], preference: Callable[[str], float]) -> str | None:
    """The word of `by_length` within a typo's distance of `word`, the fewest edits first, then
    the lowest `preference`; None for short words, numbers and words nothing is near."""
    if len(word) < MIN_LETTERS or not word.isalpha():
        return None
    limit = max_edits(word)
    candidates = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in by_length.get(n, ())]
    matches = process.extract(word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=limit, limit=None)
    if not matches:
        return None
    return min(matches, key=lambda m: (m[1], preference(m[0]), m[0]))[0]


@cache
def _common_words(language: str) -> tuple[dict[str, int], dict[int, list[str]]]:
    """wordfreq's commonest words of `language` with their rank, and the alphabetic ones by
    length: the words a typo of a word outside the corpus is corrected to."""
    from wordfreq import top_n_list

    rank = {word: i for i, word in enumerate(top_n_list(language, COMMON_WORDS))}
    return rank, _by_length(rank)


@lru_cache(maxsize=4096)
def _nearest_common(word: str, language: str) -> str | None:
    """The common word of `language` within a typo's distance of `word`, the commoner first.
    Remembered: comparing a word with the 100,000 words of its language costs a few ms, and
    users type the same words again."""
    rank, by_length = _common_words(language)
    return _closest(word, by_length, rank.__getitem__)


def max_edits(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


class Speller:
    def __init__(self, frequency: Mapping[str, int]) -> None:
        self.frequency = frequency
        self._by_length = _by_length(frequency)
        # Load the dictionaries now (Dutch 0.25 s, 56 MB, its common words 0.2 s, 8 MB; English
        # 0.15 s, 35 MB), while the index loads, not at a user's question.
        simplemma.is_known("fusie", lang=LANGUAGE)
        zipf_frequency("fusie", LANGUAGE)
        _common_words(LANGUAGE)
        _common_words("en")

    @staticmethod
    def is_a_word(word: str) -> bool:
        """A stop word, a word simplemma's Dutch dictionary knows or a common Dutch word by
        wordfreq: never a typo."""
        return (
            word in STOPWORDS
            or simplemma.is_known(word, lang=LANGUAGE)
            or zipf_frequency(word, LANGUAGE) >= COMMON_DUTCH_ZIPF
        )

    def correct_english(self, word: str) -> str:
        """`word` (folded, of an English question) or the word it is a typo of: a corpus word
        first (names, Dutch terms), else a common English word."""
        if word in _common_words("en")[0] or word in glossary() or word in self.frequency or self.is_a_word(word):
            return word
        return self.nearest(word) or _nearest_common(word, "en") or word

    def correct(self, word: str) -> str:
        """`word` (folded) or the word it is a typo of: a corpus word first, else a common Dutch
        word (stop words and everyday words are not in the corpus's vocabulary: "knunen" ->
        "kunnen", "wanener" -> "wanneer")."""
        if word in self.frequency or self.is_a_word(word):
            return word
        return self.nearest(word) or _nearest_common(word, LANGUAGE) or word

    def nearest(self, word: str) -> str | None:
        """The corpus word within a typo's distance of `word` (folded), if any: also for a word of
        the language, which `correct` leaves alone. Ties go to the word more passages use."""
        if word in self.frequency:
            return None
        return _closest(word, self._by_length, lambda w: -self.frequency[w])
