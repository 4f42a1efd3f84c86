"""A question that asks for a quantity is answered only when the quoted passages give one
(answers/quantities.py): "how many staff" about an organisation whose passages name no number is
refused instead of answered with its founding date."""

from __future__ import annotations

import pytest

from assistant.answers.pipeline import Assistant
from assistant.answers.quantities import Quantity, asked_quantity, gives_quantity, quantity_unanswered


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel medewerkers heeft de BUCH?", Quantity.COUNT),
        ("hoeveel fte telt de werkorganisatie", Quantity.COUNT),
        ("How many municipalities take part?", Quantity.COUNT),
        ("Welk percentage van de kosten betaalt Heiloo?", Quantity.PERCENTAGE),
        ("Hoeveel procent bespaart een fusie?", Quantity.PERCENTAGE),
        ("What percentage did they save?", Quantity.PERCENTAGE),
        ("Wat kost een ambtelijke fusie?", Quantity.MONEY),
        ("Hoeveel betaalt Drechterland per jaar?", Quantity.MONEY),
        ("How much did Wassenaar contribute in 2020?", Quantity.MONEY),
        ("What does the evaluation cost?", Quantity.MONEY),
        ("Wat is een Gideonsbende?", None),
        ("Wanneer begon de BEL Combinatie?", None),
        ("Hoe verdeel je de kosten?", None),
    ],
)
def test_the_kind_of_quantity_a_question_asks_for(question: str, kind: Quantity | None) -> None:
    assert asked_quantity(question) == kind


@pytest.mark.parametrize(
    ("kind", "text", "gives"),
    [
        (Quantity.COUNT, "De organisatie telde ongeveer 600 medewerkers.", True),
        (Quantity.COUNT, "Er worden drie verschillende fasen doorlopen.", True),
        (Quantity.COUNT, "Er werken 1.250 mensen.", True),
        (Quantity.COUNT, "De samenwerking begon in 2016 met een gemeenschappelijke regeling.", False),
        (Quantity.COUNT, "Het is een organisatie van de gemeenten Blaricum, Eemnes en Laren.", False),
        (Quantity.COUNT, "Sinds A2-samenwerking en BUCH-gemeenten", False),
        (Quantity.PERCENTAGE, "De besparing was 5 procent.", True),
        (Quantity.PERCENTAGE, "Laren draagt 40% van de kosten.", True),
        (Quantity.PERCENTAGE, "De kosten worden naar rato van inwoners verdeeld: 3 gemeenten.", False),
        (Quantity.MONEY, "Ongeveer 1,8 miljoen euro per jaar.", True),
        (Quantity.MONEY, "Een bijdrage van € 400.000.", True),
        (Quantity.MONEY, "De kosten worden gezamenlijk gedeeld door 3 gemeenten.", False),
    ],
)
def test_whether_a_passage_gives_the_quantity_asked_for(kind: Quantity, text: str, gives: bool) -> None:
    assert gives_quantity(kind, text) is gives


def test_only_a_question_asking_a_quantity_needs_one() -> None:
    assert quantity_unanswered("Hoeveel medewerkers heeft de BUCH?", ["De BUCH begon in 2014."])
    assert not quantity_unanswered("Hoeveel medewerkers heeft de BUCH?", ["In 2014 met 695 fte.", "Elders."])
    assert not quantity_unanswered("Wanneer begon de BUCH?", ["De BUCH begon in 2014."])


def test_a_quantity_the_corpus_does_not_give_is_refused_one_it_gives_is_answered(corpus_assistant: Assistant) -> None:
    # The BEL Combinatie's passages say its costs are partly shared, not what share Laren pays:
    # before, this was answered with those passages.
    refused = corpus_assistant.ask("Welk percentage van de kosten draagt Laren in de BEL Combinatie?")
    assert not refused.answered and not refused.sources
    answered = corpus_assistant.ask("Hoeveel medewerkers telde de gezamenlijke organisatie van Ommen en Hardenberg?")
    assert answered.answered and "600 medewerkers" in answered.sources[0].quote
    kort = corpus_assistant.ask("Welk percentage van de kosten draagt Laren in de BEL Combinatie?", style="kort")
    assert not kort.answered
