"""The question as it is searched: one canonical form, so that the same question asked lower-case,
without its question mark or with a typo is searched the same way.

The question is lower-cased, loses its end punctuation, has its typos mapped onto the corpus words
they are typos of (text/spelling.py), and is then written with each word cased as the corpus
writes it (text/casing.py): every variant gives the same text, and names keep their capitals,
which e5 reads (plain lower-casing cost the shared set 6 points of hit@1). An English question's
words are not bent into Dutch ones (the corpus is Dutch, so an English word is "unknown" by
nature): only a word no language or the corpus knows is corrected, to a corpus word or a common
English word (text/spelling.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.text.casing import TrueCaser
from assistant.text.spelling import Speller
from assistant.text.tokens import fold, is_english, lexical_query, words

_WORD = re.compile(r"[^\W\d_]+")
_END_PUNCTUATION = re.compile(r"[\s?!.…]+$")


@dataclass(frozen=True)
class Query:
    text: str  # what the dense arm embeds
    tokens: list[str]  # what the lexical arms match (with Dutch glossary terms for English)
    english: bool
    corrections: dict[str, str] = field(default_factory=dict)
    # Folded Dutch words the corpus lacks, left as typed, each with the corpus word within a typo's
    # distance of it ("horen": "voren"). The answerability decision reads the question with those
    # words in their place: it was fitted when the speller still replaced them.
    near_corpus: dict[str, str] = field(default_factory=dict)

    def tokens_as_fitted(self) -> list[str]:
        """The lexical tokens as the answerability decision was fitted on them (see near_corpus)."""
        return [self.near_corpus.get(token, token) for token in self.tokens]


def canonical_query(
    question: str,
    speller: Speller | None,
    caser: TrueCaser | None = None,
    translate: Callable[[list[str]], list[str]] | None = None,
) -> Query:
    """The question as it is searched; `translate` gives corpus words for an English question's
    words (search/translation.py), searched beside the glossary's."""
    text = _END_PUNCTUATION.sub("", question.strip().lower()) or question.strip().lower()
    english = is_english(text)
    corrections: dict[str, str] = {}
    near_corpus: dict[str, str] = {}
    if speller is not None:
        correct = speller.correct_english if english else speller.correct

        def fix(match: re.Match[str]) -> str:
            word = match.group()
            folded = fold(word)
            corrected = correct(folded)
            if corrected != folded:
                corrections[word] = corrected
                return corrected
            # A Dutch word the corpus lacks is searched as typed; remember the word it was near.
            nearest = speller.nearest(folded) if not english and speller.is_a_word(folded) else None
            if nearest is not None:
                near_corpus[folded] = nearest
            return word

        text = _WORD.sub(fix, text)
    if caser is not None:
        text = caser.case(text)
    tokens = lexical_query(text)
    if english and translate is not None:
        tokens += translate(words(fold(text)))
    return Query(text, tokens, english, corrections, near_corpus)
