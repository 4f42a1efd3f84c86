"""Suggested next questions on the real index (handbook + Wgr document, e5): every suggestion is
answered, from a first passage the answer does not cite, also when asked as the next turn of the
conversation (as a click asks it); at most three; none under a refused answer. The phrasing of
headings as questions is checked on its own."""

from __future__ import annotations

import pytest

from assistant.answers.chat import ChatSession
from assistant.answers.pipeline import Assistant
from assistant.answers.suggestions import MAX_SUGGESTIONS, phrase, suggest, word_forms

QUESTIONS = (
    "Welke varianten zijn er voor de topstructuur?",
    "Wat gebeurt er in fase 1?",
    "Welke risico's zijn er bij een ambtelijke fusie?",
    "Wat zijn de motieven voor een ambtelijke fusie?",
    "Wat is een bedrijfsvoeringsorganisatie?",
)


@pytest.mark.slow
def test_each_suggestion_is_answered_from_a_passage_the_answer_does_not_cite(handbook_assistant: Assistant) -> None:
    counts = []
    for question in QUESTIONS:
        session = ChatSession(handbook_assistant)
        answer = session.ask(question)
        assert answer.answered, question
        cited = {source.chunk.id for source in answer.sources}
        suggestions = suggest(handbook_assistant, answer)
        counts.append(len(suggestions))
        assert len(suggestions) <= MAX_SUGGESTIONS
        firsts = [s.chunk_id for s in suggestions]
        assert len(set(firsts)) == len(firsts), f"two suggestions lead to one passage: {suggestions}"
        for suggestion in suggestions:
            assert suggestion.question != question
            # Asked as the click asks it: the next turn of this conversation.
            follow = ChatSession.from_history(handbook_assistant, session.history).ask(suggestion.question)
            assert follow.answered, (question, suggestion.question)
            assert follow.sources[0].chunk.id == suggestion.chunk_id
            assert follow.sources[0].chunk.id not in cited, (question, suggestion.question)
        assert suggest(handbook_assistant, answer) == suggestions  # deterministic
    assert sum(counts) >= 2 * len(QUESTIONS), f"suggestions per question: {counts}"


@pytest.mark.slow
def test_no_suggestions_under_a_refused_answer(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Wat kost een paspoort?")
    assert not answer.answered
    assert suggest(handbook_assistant, answer) == []


FORMS = word_forms(["Dat is de Gideonsbende van BUCH, met de motivatie en de Wgr en de dilemma’s."])


@pytest.mark.parametrize(
    ("section", "doc_type", "question"),
    [
        (("O · Organiseren in stappen", "Fase 2: Besluiten en inrichten"), "handbook", "Wat gebeurt er in fase 2?"),
        (("G · Gemeenschappelijke ambitie", "Tenslotte"), "handbook", None),
        (("G · Gemeenschappelijke ambitie", "Tip"), "handbook", None),
        (
            ("G · Gemeenschappelijke ambitie", "Motivatie ambtelijk fuseren"),
            "handbook",
            "Wat zegt de handreiking over motivatie ambtelijk fuseren?",
        ),
        (("E · Eigenaarschap voelen", "Gideonsbende"), "handbook", "Wat zegt de handreiking over Gideonsbende?"),
        (
            ("G · Gemeenschappelijke ambitie", "Dilemma’s bij ambtelijke fusie"),
            "handbook",
            "Wat zegt de handreiking over dilemma’s bij ambtelijke fusie?",
        ),
        (("E · Eigenaarschap voelen",), "handbook", "Wat zegt de handreiking over eigenaarschap voelen?"),
        (
            ("I · Inrichting", "De ambtelijke aansturing: keuzes rondom de topstructuur"),
            "handbook",
            "Wat zegt de handreiking over de ambtelijke aansturing?",
        ),
        (
            ("I · Inrichting", "Huisvesting; centraal of decentraal?"),
            "handbook",
            "Huisvesting: centraal of decentraal?",
        ),
        (("BUCH", "Personeel en financiën"), "case", "Hoe zijn personeel en financiën bij BUCH geregeld?"),
        (("BUCH", "Geschil over de kosten"), "case", "Wat weten we over geschil over de kosten bij BUCH?"),
        (("BUCH",), "case", None),
        (("BUCH", "Bronnen"), "case", None),
        (("Wgr", "Wgr-wijziging 2015"), "law", "Wat zeggen de documenten over Wgr-wijziging 2015?"),
    ],
)
def test_headings_become_dutch_questions(section: tuple[str, ...], doc_type: str, question: str | None) -> None:
    assert phrase(section, doc_type, FORMS) == question
