"""How one answer is scored: a cited passage counts as answering when it holds a phrase of the
passage the question's writer had in mind (`expect`) or of another passage that gives the same
answer on its own (`expect_also`, e.g. a case's opening summary)."""

from __future__ import annotations

import pytest

from assistant.evaluation.metrics import score_answer
from assistant.types import Answer, Chunk, Source

SUMMARY = Chunk.make_id("cases/hltsamen.md", ("HLTsamen",), "summary")
EVALUATION = Chunk.make_id("cases/hltsamen.md", ("HLTsamen", "Evaluaties"), "evaluation")
OTHER = Chunk.make_id("cases/buch.md", ("BUCH",), "other")
TEXTS = {
    SUMMARY: "Volgens een tussentijdse evaluatie bleef de kwaliteit op peil en werd de kostendoelstelling gehaald.",
    EVALUATION: "Uit de evaluatie: de kwaliteit bleef behouden en de kostendoelstelling werd gehaald.",
    OTHER: "De BUCH startte op 1 januari 2017.",
}
ITEM = {
    "id": "x",
    "question": "Heeft HLTsamen het besparingsdoel gehaald?",
    "answerable": True,
    "expect": ["de kostendoelstelling werd gehaald"],
    "expect_also": ["bleef de kwaliteit op peil en werd de kostendoelstelling gehaald"],
    "near_miss": ["De BUCH startte"],
}


def _chunk(chunk_id: str) -> Chunk:
    text = TEXTS[chunk_id]
    return Chunk(chunk_id, "cases/hltsamen.md", "HLTsamen", ("HLTsamen",), text, 0, len(text))


def _answer(cited: list[str]) -> Answer:
    sources = [Source(n, _chunk(c), TEXTS[c], 1.0) for n, c in enumerate(cited, start=1)]
    return Answer.extractive(ITEM["question"], ITEM["question"], "antwoord", sources, [], {})


@pytest.mark.parametrize(
    ("item", "cited", "expected"),
    [
        # (cited hit, first cited holds it, sources holding it, near-miss first, retrieval rank)
        (ITEM, [EVALUATION], (True, True, 1, False, 1)),
        (ITEM, [SUMMARY], (True, True, 1, False, 1)),
        (ITEM, [OTHER, SUMMARY], (True, False, 1, True, 2)),
        (ITEM, [SUMMARY, EVALUATION], (True, True, 2, False, 1)),
        ({**ITEM, "expect_also": []}, [SUMMARY], (False, False, 0, False, None)),
        ({k: v for k, v in ITEM.items() if k != "expect_also"}, [SUMMARY, EVALUATION], (True, False, 1, False, 2)),
    ],
)
def test_a_passage_named_in_expect_or_expect_also_answers(item: dict, cited: list[str], expected: tuple) -> None:
    row = score_answer(item, _answer(cited), [_chunk(c) for c in cited])
    keys = ("cited_hit", "first_hit", "sources_holding", "near_miss_first", "rank")
    assert tuple(row[k] for k in keys) == expected


def test_the_first_quote_counts_only_when_the_quoted_sentences_hold_the_answer() -> None:
    text = "De BUCH startte op 1 januari 2017. De kostendoelstelling werd gehaald."
    chunk = Chunk(EVALUATION, "cases/buch.md", "BUCH", ("BUCH",), text, 0, len(text))
    question = ITEM["question"]
    quotes = [("De BUCH startte op 1 januari 2017.", False), ("De kostendoelstelling werd gehaald.", True)]
    for quote, quote_hit in quotes:
        answer = Answer.extractive(question, question, "antwoord", [Source(1, chunk, quote, 1.0)], [], {})
        row = score_answer(ITEM, answer, [chunk])
        assert (row["first_hit"], row["first_quote_hit"]) == (True, quote_hit)
