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
