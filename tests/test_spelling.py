"""Spelling tolerance and the canonical query: the same question lower-cased, without its question
mark or with a typo is searched the same way (table-driven, real rapidfuzz)."""

from __future__ import annotations

import pytest

from assistant.search.query import canonical_query
from assistant.text.spelling import Speller

VOCABULARY = {
    "ondernemingsraad": 4,
    "kostenverdeelsleutel": 3,
    "gemeenten": 50,
    "gemeente": 40,
    "directeur": 6,
    "raad": 9,
    "fusie": 80,
    "ambtelijke": 70,
}


@pytest.mark.parametrize(
    ("word", "near"),
    [("waren", "laren"), ("worden", "wolden"), ("waarom", "daarom"), ("heeft", "geeft"), ("zouden", "houden")],
)
def test_a_stop_word_is_never_bent_into_a_corpus_word(word: str, near: str) -> None:
    # The corpus's vocabulary has no stop words (BM25 does not index them), but they are no typos:
    # "Wat waren de motieven?" must not become a question about Laren.
    assert Speller({**VOCABULARY, near: 5}).correct(word) == word


@pytest.mark.parametrize(
    ("word", "near", "expected"),
    [
        ("betaalt", "bepaalt", "betaalt"),  # Dutch words the corpus does not use stay as typed
        ("uittreding", "uitbreiding", "uittreding"),
        ("losse", "lisse", "losse"),
        ("stoppen", "stappen", "stoppen"),
        # Common Dutch words simplemma's dictionary lacks; wordfreq counts them.
        ("vooraf", "vooral", "vooraf"),
        ("waarvoor", "daarvoor", "waarvoor"),
        ("ingeschreven", "geschreven", "ingeschreven"),
        ("kenmerkende", "kenmerken", "kenmerkende"),
        ("samenwerkng", "samenwerking", "samenwerking"),  # typos are still corrected
        ("gezamelijke", "gezamenlijke", "gezamenlijke"),
        ("begrooting", "begroting", "begroting"),
        ("verschill", "verschil", "verschil"),  # misspellings wordfreq has seen, but rarely
        ("profesionele", "professionele", "professionele"),
    ],
)
def test_a_dutch_word_the_corpus_lacks_is_no_typo(word: str, near: str, expected: str) -> None:
    assert Speller({**VOCABULARY, near: 5}).correct(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("ondernemingsrad", "ondernemingsraad"),  # a letter missing
        ("kostenverdeelsluetel", "kostenverdeelsleutel"),  # two letters swapped
        ("directuer", "directeur"),
        ("gemeentn", "gemeenten"),  # tie: the word more passages use
        ("raad", "raad"),  # known words are never changed
        ("raat", "raat"),  # too short to correct safely
        ("paspoort", "paspoort"),  # nothing near it: left alone (the corpus does not know it)
        ("fusies", "fusies"),  # a Dutch word, if not the corpus's form: the sub-word arm matches it
        # No corpus word near: the nearest common Dutch word (stop words and everyday words are
        # not in the corpus's vocabulary).
        ("knunen", "kunnen"),
        ("wanener", "wanneer"),
        ("geokmen", "gekomen"),
    ],
)
def test_speller_corrects_only_unknown_words_within_a_small_distance(word: str, expected: str) -> None:
    assert Speller(VOCABULARY).correct(word) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "Wat doet de ondernemingsraad bij een ambtelijke fusie?",
        "wat doet de ondernemingsraad bij een ambtelijke fusie?",
        "Wat doet de ondernemingsraad bij een ambtelijke fusie",
        "Wat doet de ondernemingsrad bij een ambtelijke fusie?",
        "WAT DOET DE ONDERNEMINGSRAAD BIJ EEN AMBTELIJKE FUSIE ?",
    ],
)
def test_variants_of_a_question_are_searched_alike(variant: str) -> None:
    speller = Speller(VOCABULARY)
    canonical = canonical_query("Wat doet de ondernemingsraad bij een ambtelijke fusie?", speller)
    assert canonical_query(variant, speller).text == canonical.text
    assert canonical_query(variant, speller).tokens == canonical.tokens


def test_english_words_are_not_bent_into_dutch_ones() -> None:
    query = canonical_query("What does the directer do?", Speller(VOCABULARY))
    assert query.english and query.corrections == {} and "directer" in query.text


def test_a_dutch_word_is_searched_as_typed_but_judged_as_the_decision_was_fitted() -> None:
    # The answerability decision was fitted when "horen" was still searched as "voren": it reads
    # the question with the corpus word in its place, the search reads it as typed.
    query = canonical_query("Wie horen bij een Gideonsbende?", Speller({**VOCABULARY, "voren": 3, "gideonsbende": 2}))
    assert "horen" in query.text and query.corrections == {}
    assert query.near_corpus == {"horen": "voren"}
    assert query.tokens == ["horen", "gideonsbende"]
    assert query.tokens_as_fitted() == ["voren", "gideonsbende"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("praties", "parties"),  # a common English word; the commoner on a tie ("prates")
        ("proecss", "process"),
        ("sceretaries", "secretaries"),
        ("helioo", "heiloo"),  # a corpus word first: names and Dutch terms in English questions
        ("councillors", "councillors"),  # English words stay as typed
        ("harmonise", "harmonise"),  # British forms too
        ("aldermen", "aldermen"),  # and glossary words
        ("openbaar", "openbaar"),  # so do Dutch words
        ("hltsamen", "hltsamen"),  # and corpus words
        ("wanener", "wanener"),  # a word no list is near stays as typed
    ],
)
def test_an_english_questions_typo_becomes_the_word_it_is_a_typo_of(word: str, expected: str) -> None:
    assert Speller({**VOCABULARY, "heiloo": 2, "hltsamen": 3}).correct_english(word) == expected


def test_an_english_question_with_a_typo_is_searched_as_without() -> None:
    speller = Speller(VOCABULARY)
    plain = canonical_query("What does a communication plan help the parties to do?", speller)
    typo = canonical_query("What does a communication plan help the praties to do?", speller)
    assert typo.text == plain.text
    assert typo.tokens == plain.tokens
