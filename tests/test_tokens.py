"""Language detection and lexical tokens: small pure functions the retrieval relies on."""

from __future__ import annotations

import pytest

from assistant.text.tokens import is_english, tokenize


@pytest.mark.parametrize(
    ("question", "english"),
    [
        ("Huisvesting: centraal of decentraal?", False),  # Dutch "of" means "or"
        ("Was Molenwaard een ambtelijke fusie?", False),
        ("Wat is het verschil tussen variant a en variant b?", False),
        ("Kostenverdeelsleutel?", False),
        ("Was Molenwaard an administrative merger of civil services?", True),
        ("Can that role rotate?", True),
        ("And the R?", True),
    ],
)
def test_language_is_told_by_words_of_one_language_only(question: str, english: bool) -> None:
    assert is_english(question) is english


def test_words_that_name_the_corpus_are_no_search_terms() -> None:
    assert tokenize("Welke varianten onderscheidt het handboek?") == ["varianten", "onderscheidt"]
    assert tokenize("Wat zegt de handreiking?") == ["zegt"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # Folded, the ondernemingsraad's abbreviation is the English "or": a Dutch question keeps it.
        ("Rol van de OR?", ["rol", "or"]),
        ("rol van de or", ["rol", "or"]),
        ("medewerkers, OR-en en colleges", ["medewerkers", "or", "colleges"]),
        # In an English question "or" is a stop word.
        ("Is the council or the board in charge?", ["council", "board", "charge"]),
    ],
)
def test_english_stop_words_are_dropped_from_english_text_only(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
