"""Printing an answer (the browser's print or print-to-PDF) gives what the Raadsmemo has: the
question, the answer with [n] and every source card in full (document, section path, phase, the
quote), and none of the controls. Checked with print media emulated, and once in a real PDF that
Chromium prints and pypdf reads back."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.test_ui_browser import ask, expect
from tests.test_ui_browser import page as chat_page  # noqa: F401 (test_ui_browser's `page` fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?"
HIDDEN_IN_PRINT = (
    "#vraagbalk",  # the question field and its button
    "[role=tablist]",
    "#mijn-gesprekken",  # the side column
    "#instellingen",
    "#kopieer",
    "#maak-memo",
    "#memo-omvang",
)


def words(text: str) -> str:
    """Text compared across line breaks and the PDF's ligatures (ﬃ -> ffi)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def test_printed_answer_shows_question_answer_and_full_sources_only(chat_page, tmp_path: Path) -> None:  # noqa: F811
    page = chat_page
    answer = ask(page, QUESTION)
    cards = answer.locator(".bron")
    expect(cards.nth(1)).to_be_visible()
    quotes = [words(q) for q in answer.locator(".bron mark").all_inner_texts()]
    paths = [words(p) for p in answer.locator(".bron-pad").all_inner_texts()]
    # Folded sources (a phone folds them) are printed too.
    page.evaluate("() => document.querySelectorAll('#gesprek details.bronnen').forEach((d) => { d.open = false; })")
    heading = page.locator("#printkop")
    expect(heading).to_be_hidden()  # on screen the page has no memo heading
    page.emulate_media(media="print")
    # Like the Raadsmemo: the day of printing and the corpus version the answers came from.
    expect(heading).to_be_visible()
    expect(heading).to_contain_text(re.compile(r"Afgedrukt op \d{1,2} \w+ 20\d\d · Corpusversie: \S+"))

    for selector in HIDDEN_IN_PRINT:
        expect(page.locator(selector).first).to_be_hidden()
    for button in page.locator("#gesprek button").all():  # copy, thumbs, clear
        expect(button).to_be_hidden()
    question = page.locator("#gesprek .vraag")
    expect(question).to_have_text(QUESTION)
    assert question.evaluate("(e) => getComputedStyle(e, '::before').content") == '"Vraag: "'
    expect(answer.locator("a.bronlink").first).to_have_text("[1]")
    for i in range(cards.count()):
        card = cards.nth(i)
        expect(card.locator(".bron-tekst")).to_be_visible()  # the quote in its passage, in full
        expect(card.locator(".bron-pad")).to_be_visible()  # section path
        expect(card.locator(".bron-kop strong")).to_be_visible()  # document title
        expect(card.locator(".bron-meta")).to_be_visible()  # type, phase, page
    expect(cards.first.locator(".bron-meta")).to_contain_text("fase 2")
    expect(answer.locator(".bron-noot").first).to_contain_text("Let op: bijgewerkt")

    pdf = tmp_path / "antwoord.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = PdfReader(pdf).pages
    text = words(" ".join(p.extract_text() for p in pages))
    # This answer does not fit one A4 page: the sources go on on the next (they were cut off).
    assert len(pages) >= 2
    assert f"Vraag: {QUESTION}" in text
    assert "Afgedrukt op" in text and "Corpusversie:" in text and "onbekend" not in text
    for quote in quotes:
        assert quote in text
    for path in paths:
        assert path in text
    for control in ("Stel je vraag", "Maak raadsmemo", "Mijn gesprekken", "Kopieer met bronnen"):
        assert control not in text
