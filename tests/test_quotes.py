"""Which passages an answer cites: beside the first, only passages the learned ranker judges
relevant on their own; footnotes can be cited too (issue: every quote earns its place)."""

from __future__ import annotations

import pytest

from assistant.answers.compose import FIRST_PASSAGE_RELEVANCE, PASSAGE_RELEVANCE, select_quotes
from assistant.answers.passages import ScoredSentence
from assistant.answers.pipeline import Assistant
from assistant.index.records import SentenceRow
from assistant.types import Chunk, DocType, Hit


def _sentence(name: str, score: float, relevance: float | None, doc_type: DocType = "handbook") -> ScoredSentence:
    text = f"Een zin over {name} die de vraag raakt."
    section = ("O · Organiseren", name)
    chunk = Chunk(name, "handreiking", "Handreiking", section, text, 0, len(text), doc_type=doc_type)
    return ScoredSentence(SentenceRow(name, 0, len(text), text), Hit(chunk, score, relevance=relevance), 0, score)


@pytest.mark.parametrize(
    ("second_relevance", "cited"),
    [
        (PASSAGE_RELEVANCE - 0.05, ["eerste"]),  # close in score, but judged off the question
        (PASSAGE_RELEVANCE + 0.05, ["eerste", "tweede"]),
        (None, ["eerste", "tweede"]),  # no ranker fitted for the embedder: the score margin decides
    ],
)
def test_a_passage_beside_the_first_is_cited_only_when_relevant_on_its_own(
    second_relevance: float | None, cited: list[str]
) -> None:
    scored = [_sentence("eerste", 0.90, 0.95), _sentence("tweede", 0.89, second_relevance)]
    quotes = select_quotes(scored, "uitgebreid")
    assert [q.hit.chunk.id for q in quotes] == cited


def test_the_first_passage_is_cited_whatever_its_relevance() -> None:
    # Whether to answer at all is the answerability decision's; the composer never drops the best.
    quotes = select_quotes([_sentence("eerste", 0.9, 0.1)], "uitgebreid")
    assert [q.hit.chunk.id for q in quotes] == ["eerste"]


@pytest.mark.parametrize(
    ("relevances", "first"),
    [
        # The best sentence's chunk is judged off the question, the runner-up's on it: it leads.
        ((FIRST_PASSAGE_RELEVANCE - 0.2, FIRST_PASSAGE_RELEVANCE + 0.05), "tweede"),
        ((FIRST_PASSAGE_RELEVANCE + 0.05, FIRST_PASSAGE_RELEVANCE + 0.1), "eerste"),  # both trusted: score
        ((0.3, 0.4), "eerste"),  # neither trusted: the best sentence
        ((None, None), "eerste"),  # no ranker fitted for the embedder
    ],
)
def test_the_first_quote_comes_from_a_passage_the_ranker_trusts(
    relevances: tuple[float | None, float | None], first: str
) -> None:
    scored = [_sentence("eerste", 0.90, relevances[0]), _sentence("tweede", 0.80, relevances[1])]
    assert select_quotes(scored, "uitgebreid")[0].hit.chunk.id == first
    assert [q.hit.chunk.id for q in select_quotes(scored, "kort")] == [first]


@pytest.mark.parametrize(
    ("case_relevance", "asks_for_practice", "cited"),
    [
        (0.7, False, ["handboek"]),  # relevant on its own, but less so than the handbook's answer
        (0.95, False, ["handboek", "casus"]),  # as relevant as the handbook's
        (0.7, True, ["handboek", "casus"]),  # the question asks about practice
        (0.5, False, ["handboek"]),  # not relevant on its own
    ],
)
def test_a_case_passage_joins_a_handbook_answer_only_when_asked_for_or_as_relevant(
    case_relevance: float, asks_for_practice: bool, cited: list[str]
) -> None:
    scored = [_sentence("handboek", 0.90, 0.9), _sentence("casus", 0.89, case_relevance, doc_type="case")]
    quotes = select_quotes(scored, "uitgebreid", other_kind=asks_for_practice)
    assert [q.hit.chunk.id for q in quotes] == cited


def test_a_neighbour_sharing_the_questions_words_does_not_come_first(corpus_assistant: Assistant) -> None:
    # Before, the first quote was the neighbouring sentence on the secretaries who stay behind (it
    # shares "secretarissen"); the ranker trusts the passage that names who leads.
    answer = corpus_assistant.ask(
        "Wie is de baas van de gezamenlijke ambtenaren als we een losse topman nemen in plaats van de secretarissen?"
    )
    assert answer.answered
    assert "ligt de aansturing van de gezamenlijke ambtelijke organisatie bij een directeur" in answer.sources[0].quote


def test_a_question_only_a_footnote_answers_cites_the_footnote(corpus_assistant: Assistant) -> None:
    answer = corpus_assistant.ask("Waar vind ik een uitgewerkt voorbeeld van risico's en beheersmaatregelen?")
    assert answer.answered
    first = answer.sources[0]
    assert first.chunk.kind == "footnote"
    assert "Programmaplan inrichtingsfase" in first.quote
    assert first.chunk.section[-1].startswith("Noot")


def test_retrieved_chunks_carry_the_rankers_judgement(corpus_assistant: Assistant) -> None:
    hits = corpus_assistant.draft("Wat is een Gideonsbende?", None, "uitgebreid", None).hits
    judged = [h.relevance for h in hits if h.relevance is not None]
    assert len(judged) == len(hits)
    assert hits[0].relevance is not None and hits[0].relevance >= PASSAGE_RELEVANCE
    assert min(judged) < PASSAGE_RELEVANCE  # most candidates are not relevant on their own
