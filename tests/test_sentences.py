"""Where a sentence ends: the quotes, the deep links' marked sentences and the sentence vectors all
rest on it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.text.sentences import sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De raad besluit. Het college voert uit.", ["De raad besluit.", "Het college voert uit."]),
        # Abbreviations and numbered references do not end a sentence.
        (
            "Kosten, bijv. frictiekosten, zijn eenmalig. Zie ook art. 8 van de wet.",
            ["Kosten, bijv. frictiekosten, zijn eenmalig.", "Zie ook art. 8 van de wet."],
        ),
        (
            "De wet verscheen als Stb. 2022, 18 en trad in werking. Daarna volgde meer.",
            ["De wet verscheen als Stb. 2022, 18 en trad in werking.", "Daarna volgde meer."],
        ),
        # A line break always ends one: list items and headings stand on their own lines.
        (
            "De keuze hangt af van de ambitie:\n• Een directie met drie directeuren\n• Een algemeen directeur",
            ["De keuze hangt af van de ambitie:", "• Een directie met drie directeuren", "• Een algemeen directeur"],
        ),
        ("  Ruimte rond een zin telt niet mee.  \n\n", ["Ruimte rond een zin telt niet mee."]),
        ("", []),
    ],
)
def test_sentences_end_where_a_reader_expects(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_threads_splitting_at_once_get_the_same_spans_as_one_alone() -> None:
    # The chat serves several users in threads; a segmenter shared between them mixed up texts.
    texts = [f"Zin {n} van tekst {n}. Nog een zin. Bijv. een derde. " * (1 + n % 3) for n in range(40)]
    alone = [sentence_spans(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(sentence_spans, texts * 5))
    assert together == alone * 5
