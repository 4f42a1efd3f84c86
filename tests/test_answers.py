"""Cited extractive answers and abstention on the real handbook with the real e5 model."""

from __future__ import annotations

import re

import pytest

from assistant.answers.pipeline import Assistant
from assistant.search.scope import Scope
from assistant.text.markup import CITATION_RE

pytestmark = pytest.mark.slow


def _assert_citations_point_at_exact_quotes(answer) -> None:
    numbers = {int(n) for n in CITATION_RE.findall(answer.answer)}
    assert numbers == {s.n for s in answer.sources}
    for source in answer.sources:
        assert source.quote and source.quote in source.chunk.text
        for line in source.quote.split("\n"):
            if line.strip():
                assert line.strip() in answer.answer


def test_answer_quotes_the_section_that_holds_the_answer(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Binnen welke termijn moeten de incidentele lasten zijn terugverdiend?")
    assert answer.answered
    assert "vier tot zes jaar" in answer.sources[0].quote
    assert answer.sources[0].chunk.section[-1].startswith("Financiën")
    assert answer.sources[0].chunk.phase == 2
    _assert_citations_point_at_exact_quotes(answer)


def test_list_question_gets_the_whole_list(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Welke zes thema's horen bij de inrichting van de fusieorganisatie?")
    assert answer.answered
    for theme in ("takenpakket", "huisvesting", "financiële aspecten", "organisatiemodel"):
        assert theme in answer.answer
    _assert_citations_point_at_exact_quotes(answer)


def test_the_groei_letters_are_quoted_to_the_last_one(handbook_assistant: Assistant) -> None:
    # The Voorwoord lists the five letters as short lines without markers; the last one,
    # "Inrichting", used to open the next chunk and was left out of the answer.
    answer = handbook_assistant.ask("Waar staat GROEI voor?", style="kort")
    assert answer.answered
    letters = ("Gemeenschappelijke ambitie", "Relatie", "Organisatie", "Eigenaarschap", "Inrichting")
    assert all(letter in answer.sources[0].quote for letter in letters)
    _assert_citations_point_at_exact_quotes(answer)


def test_english_question_is_answered_with_dutch_quotes(fallback_assistant: Assistant) -> None:
    # The learned decision refuses this short English question (P = 0.12; README), so the test of
    # how an English answer is composed uses the fallback rule.
    answer = fallback_assistant.ask("What does the acronym GROEI stand for?")
    assert answer.answered
    # The users read Dutch: the answer opens with the first Dutch quote, not an English line.
    first_paragraph = answer.answer.split("\n\n")[0]
    assert first_paragraph.endswith("[1]"), first_paragraph
    assert "Gemeenschappelijke ambitie" in answer.answer
    _assert_citations_point_at_exact_quotes(answer)


@pytest.mark.parametrize(
    "question",
    [
        "Hoe hoog is de OZB in Laren?",
        "Wat kost een nieuw paspoort bij de gemeente?",
        "What is the capital of Australia?",
    ],
)
def test_off_corpus_questions_abstain_and_name_nearest_sections(handbook_assistant: Assistant, question: str) -> None:
    answer = handbook_assistant.ask(question)
    assert not answer.answered
    assert answer.sources == ()
    assert "geen passage die deze vraag beantwoordt" in answer.answer  # Dutch, whatever the question's language
    assert answer.nearest and all(label in answer.answer for label in answer.nearest)


def test_scope_limits_retrieval_to_a_chapter(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Wat is belangrijk in deze fase?", scope=Scope(phase=3))
    assert all(s.chunk.phase == 3 for s in answer.sources)
    assert "Gezocht binnen: fase 3." in answer.notices


def test_dated_passage_carries_the_update_note_and_others_do_not(handbook_assistant: Assistant) -> None:
    dated = handbook_assistant.ask("Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?")
    assert dated.answered
    noted = [s for s in dated.sources if s.note]
    assert noted and "bedrijfsvoeringsorganisatie" in noted[0].note
    assert "Let op: bijgewerkt" in dated.answer
    plain = handbook_assistant.ask("Wat is een Gideonsbende?")
    assert plain.answered and not any(s.note for s in plain.sources)
    assert "bijgewerkt" not in plain.answer


def test_kort_style_gives_one_source(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Wat is een bestuurspunt?", style="kort")
    assert answer.answered and len(answer.sources) == 1
    assert re.search(r"\[1\]", answer.answer)


def test_uitgebreid_answer_puts_a_later_document_beside_the_handbook(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?")
    kinds = [s.chunk.doc_type for s in answer.sources]
    assert kinds[0] == "handbook" and "law" in kinds
    law = next(s for s in answer.sources if s.chunk.doc_type == "law")
    assert f"*{law.chunk.title}:* " in answer.answer
    kort = handbook_assistant.ask("Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?", style="kort")
    assert [s.chunk.doc_type for s in kort.sources] == ["handbook"]


def test_a_list_announced_at_a_chunk_end_is_quoted_from_the_sections_below(handbook_assistant: Assistant) -> None:
    answer = handbook_assistant.ask("Welke varianten zijn er voor de topstructuur?")
    assert answer.answered
    assert answer.sources[0].quote.endswith("zien we twee varianten:")
    items = [s.chunk.section[-1] for s in answer.sources[1:3]]
    assert items == [
        "Directieraad bestaande uit gemeentesecretarissen",
        "Aparte directeur, los van de gemeentesecretarissen",
    ]
    assert "**Directieraad bestaande uit gemeentesecretarissen:**" in answer.answer
    _assert_citations_point_at_exact_quotes(answer)


def test_uitgebreid_names_related_sections_and_kort_does_not(handbook_assistant: Assistant) -> None:
    long = handbook_assistant.ask("Wat is een bestuurspunt?")
    assert "‘bestuurspunt’ per gemeente" in long.sources[0].quote  # the defining sentence comes along
    related = long.answer.split("*Zie ook:* ", 1)[1].split("\n", 1)[0].split(" · ")
    assert related and not {s.chunk.section_label for s in long.sources} & set(related)
    short = handbook_assistant.ask("Wat is een bestuurspunt?", style="kort")
    assert "Zie ook" not in short.answer


def test_a_question_naming_the_handbook_is_answered_from_it_with_its_whole_list(
    handbook_assistant: Assistant,
) -> None:
    # The list's introduction ends in a full stop (the colon is lost in the PDF text) and the
    # list goes on in the next chunk; the law document that mentions the handbook is no answer.
    answer = handbook_assistant.ask("Welke varianten van het takenpakket onderscheidt het handboek?")
    assert answer.answered
    assert "Gezocht binnen: alleen de handreiking." in answer.notices
    assert {s.chunk.doc_type for s in answer.sources} == {"handbook"}
    quotes = "\n".join(s.quote for s in answer.sources)
    assert "a) Het volledig onderbrengen" in quotes and "b) Behalve gemeentesecretaris" in quotes
    introduction = next(s for s in answer.sources if "a) Het volledig" in s.quote)
    assert introduction.quote.startswith("Hoewel bij een ambtelijke fusie")
    _assert_citations_point_at_exact_quotes(answer)
    # Without naming the handbook the whole corpus is searched.
    assert not handbook_assistant.ask("Welke varianten van het takenpakket zijn er?").notices


def test_a_counted_list_later_in_the_chunk_comes_with_the_sentence_that_counts(handbook_assistant: Assistant) -> None:
    # "... worden drie verschillende fasen doorlopen." announces what "De drie fasen zijn:" lists
    # two sentences further on; the answer must name the phases, not just their number.
    answer = handbook_assistant.ask("Welke fasen kent een ambtelijke fusie?", style="kort")
    assert answer.answered
    phases = ("Fase 1: Initiëren en verkennen", "Fase 2: Besluiten en inrichten", "Fase 3: Starten en doorontwikkelen")
    for phase in phases:
        assert phase in answer.sources[0].quote
    _assert_citations_point_at_exact_quotes(answer)


def test_a_list_over_several_chunks_is_quoted_to_its_last_item(handbook_assistant: Assistant) -> None:
    # Fase 2's steps a) to e) fill three chunks after the one that announces them.
    answer = handbook_assistant.ask("Wat wordt er besloten in fase 2?")
    quotes = "\n".join(s.quote for s in answer.sources)
    for item in ("a) Uitwerken voorkeursvariant", "b) Oog houden", "c) Na de onomkeerbare", "d) Inrichtingsplan",
                 "e) Uitwerking van een directiestatuut"):  # fmt: skip
        assert item in quotes
    _assert_citations_point_at_exact_quotes(answer)


def test_a_short_sentence_does_not_end_a_detailed_quote(handbook_assistant: Assistant) -> None:
    # "Het rijtje is inmiddels genoegzaam bekend." says nothing; the sentence after it names them.
    answer = handbook_assistant.ask("Wat zijn de motieven voor een ambtelijke fusie?")
    assert "kostenreductie" in answer.sources[0].quote
    short = handbook_assistant.ask("Wat zijn de motieven voor een ambtelijke fusie?", style="kort")
    assert "kostenreductie" not in short.sources[0].quote  # kort keeps to the one best sentence


@pytest.mark.parametrize(
    "wrapped",
    [
        "<script>alert('x')</script> Wat is een Gideonsbende?",
        "<b>Wat is een Gideonsbende?</b>",
        "Wat is een <i>Gideonsbende</i>?<img src=x onerror=alert(1)>",
    ],
)
def test_markup_around_a_question_does_not_change_its_answer(handbook_assistant: Assistant, wrapped: str) -> None:
    plain = handbook_assistant.ask("Wat is een Gideonsbende?")
    answer = handbook_assistant.ask(wrapped)
    assert answer.answered
    assert [s.chunk.id for s in answer.sources][:1] == [s.chunk.id for s in plain.sources][:1]
    assert "<" not in answer.question and "alert" not in answer.question
