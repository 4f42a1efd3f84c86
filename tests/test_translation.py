"""English question words mapped onto corpus words by e5's own word vectors (search/translation.py):
real e5 from its package, real index on a temp dir."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answers.pipeline import Assistant
from assistant.index.embeddings import E5Embeddings
from assistant.search.lexical import LexicalIndex
from assistant.search.query import canonical_query
from assistant.search.translation import WordTranslator
from assistant.types import Chunk

VOCABULARY = ["evaluatie", "grootste", "kwaliteit", "personeel", "gemeenten", "hltsamen", "begroting", "fase"]


class CountingE5(E5Embeddings):
    """Real e5, counting the words it is asked to embed (to see saved vectors reused)."""

    def __init__(self) -> None:
        self.words: list[str] = []

    def embed_words(self, words: list[str]) -> list[list[float]]:
        self.words += words
        return super().embed_words(words)


@pytest.fixture(scope="module")
def translator() -> WordTranslator:
    e5 = E5Embeddings()
    return WordTranslator(VOCABULARY, np.asarray(e5.embed_words(VOCABULARY), dtype=np.float32), e5.embed_words)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["evaluations"], "evaluatie"),
        (["largest"], "grootste"),
        (["biggest"], "grootste"),
    ],
)
def test_an_english_word_finds_the_corpus_word_it_means(translator: WordTranslator, words, expected) -> None:
    assert expected in translator.translate(words)


@pytest.mark.parametrize(
    ("words", "why"),
    [
        (["football"], "a word far from every corpus word"),
        (["recipe", "weather"], "words far from every corpus word"),
        (["merger", "quality"], "glossary words: their hand-checked terms are searched instead"),
        (["hltsamen"], "a word the corpus has"),
        (["which", "the"], "stop words"),
        (["2015"], "a number"),
    ],
)
def test_words_that_must_stay_untranslated(translator: WordTranslator, words, why) -> None:
    assert translator.translate(words) == [], why


def test_only_english_questions_are_translated(translator: WordTranslator) -> None:
    english = canonical_query("Which of these organisations is the largest?", None, translate=translator.translate)
    dutch = canonical_query("Hoe werd de kwaliteit gemeten?", None, translate=translator.translate)
    assert "grootste" in english.tokens
    assert dutch.tokens == canonical_query("Hoe werd de kwaliteit gemeten?", None).tokens


def test_the_corpus_words_vectors_are_saved_and_reused(tmp_path: Path) -> None:
    chunks = [
        Chunk(id=f"c{i}", doc_id="d", title="D", section=("S",), text=text, start=0, end=len(text))
        for i, text in enumerate(["De evaluatie van de kwaliteit.", "Het personeel van de gemeenten."])
    ]
    lexical = LexicalIndex(chunks)
    first, second = CountingE5(), CountingE5()
    made = WordTranslator.cached(lexical, first, tmp_path)
    loaded = WordTranslator.cached(lexical, second, tmp_path)
    assert set(first.words) >= {"evaluatie", "kwaliteit", "personeel", "gemeenten"}
    assert second.words == []  # loaded from the folder, nothing embedded
    assert "evaluatie" in made.translate(["evaluations"])
    assert made.translate(["evaluations"]) == loaded.translate(["evaluations"])


def test_an_english_question_in_words_the_glossary_lacks_is_answered_from_its_passage(
    corpus_assistant: Assistant,
) -> None:
    # Before the translation, this (bank train) question was refused: its English words gave BM25
    # nothing to match, so the answerability decision saw no lexical support.
    question = "Can the merged organisation sign contracts with private companies as well as with public bodies?"
    answer = corpus_assistant.ask(question)
    assert answer.answered
    assert any("privaatrechtelijke" in source.chunk.text for source in answer.sources)
