""" "Mijn gesprekken" in the browser: answered turns are stored in the database, listed by their
first question, reopened after a reload with their follow-up context, kept per browser, deleted."""

from __future__ import annotations

import pytest
from docx import Document
from sqlalchemy import select

from assistant.config import Settings
from assistant.state.conversations import Conversations
from assistant.state.db import Database
from assistant.state.models import Conversation
from tests.test_ui_browser import ANSWER_TIMEOUT, ask, expect
from tests.test_ui_browser import page as chat_page  # noqa: F401 (test_ui_browser's `page` fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def listed(page, title: str):  # noqa: ANN201 (a Playwright locator)
    return page.locator("#gesprekken label", has_text=title)


def test_conversation_is_listed_reopened_after_reload_and_continued(chat_page, app_settings: Settings) -> None:  # noqa: F811
    page = chat_page
    ask(page, "Wat is een Gideonsbende?")
    ask(page, "Wie horen daarbij?")
    expect(listed(page, "Wat is een Gideonsbende?")).to_have_count(1)
    page.reload(wait_until="load")
    expect(page.locator("#gesprek .vraag")).to_have_count(0)
    expect(listed(page, "Wat is een Gideonsbende?")).to_have_count(1)  # kept for this browser
    listed(page, "Wat is een Gideonsbende?").click()
    expect(page.locator("#gesprek .vraag")).to_have_count(2)
    expect(page.locator("#gesprek .vraag").last).to_have_text("Wie horen daarbij?")
    expect(page.locator("#gesprek .antwoord .bron").first).to_be_visible()
    # Continued with its context: the follow-up joins the same conversation, still listed once.
    answer = ask(page, "En in fase 3?")
    expect(answer.locator(".bron, .geen-antwoord").first).to_be_visible()
    expect(listed(page, "Wat is een Gideonsbende?")).to_have_count(1)
    with Database(app_settings).session() as session:  # what a second worker process would read
        owner, cid = session.execute(
            select(Conversation.owner, Conversation.id).where(Conversation.title == "Wat is een Gideonsbende?")
        ).all()[-1]
    turns = Conversations(Database(app_settings), 90).turns(owner, cid)
    assert [t.question for t in turns] == ["Wat is een Gideonsbende?", "Wie horen daarbij?", "En in fase 3?"]
    assert owner.startswith("browser:") and turns[0].sources[0]["quote"]


def test_another_browser_does_not_see_them_and_delete_removes(chat_page, browser, app_url: str) -> None:  # noqa: F811
    page = chat_page
    ask(page, "Welke fasen kent een ambtelijke fusie?")
    expect(listed(page, "Welke fasen kent een ambtelijke fusie?")).to_have_count(1)
    other = browser.new_context(locale="nl-NL")
    try:
        stranger = other.new_page()
        stranger.goto(app_url, wait_until="load")
        expect(stranger.locator("#gesprekken")).to_contain_text("Nog geen bewaarde gesprekken")
        expect(listed(stranger, "Welke fasen kent een ambtelijke fusie?")).to_have_count(0)
    finally:
        other.close()
    listed(page, "Welke fasen kent een ambtelijke fusie?").click()
    expect(page.locator("#gesprek .vraag")).to_have_count(1)
    page.locator("#verwijder-gesprek").click()
    expect(listed(page, "Welke fasen kent een ambtelijke fusie?")).to_have_count(0)
    expect(page.locator("#gesprek .vraag")).to_have_count(0)  # the open conversation is gone too
    ask(page, "Wat is een Gideonsbende?")
    page.locator("#nieuw").click()
    expect(page.locator("#gesprek .vraag")).to_have_count(0)
    ask(page, "Wat is frictie?")
    expect(page.locator("#gesprekken label")).to_have_count(2, timeout=ANSWER_TIMEOUT)
    page.locator("#verwijder-alles").click()
    expect(page.locator("#gesprekken label")).to_have_count(0)
    expect(page.locator("#gesprekken")).to_contain_text("Nog geen bewaarde gesprekken")


def test_raadsmemo_of_the_conversation_downloads_as_docx_with_every_source(chat_page) -> None:  # noqa: F811
    page = chat_page
    first = ask(page, "Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?")
    second = ask(page, "Wat is een Gideonsbende?")
    cards = first.locator(".bron").count() + second.locator(".bron").count()
    page.locator("#memo-omvang").get_by_text("Heel gesprek").click()
    page.locator("#maak-memo").click()
    link = page.locator("#memo tr", has_text=".docx").locator("a").first
    expect(link).to_be_visible(timeout=ANSWER_TIMEOUT)
    with page.expect_download() as download_info:
        link.click()
    document = Document(download_info.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Vraag 1: Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?" in text
    assert "Vraag 2: Wat is een Gideonsbende?" in text
    assert "Corpusversie: " in text and "Geëxporteerd op: " in text and "Let op: bijgewerkt" in text
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert len(quotes) == cards  # every source card of both answers, quoted in full
    for mark in second.locator(".bron mark").all_inner_texts():
        assert any(mark.strip() in quote for quote in quotes)
    expect(page.locator("#memo tr", has_text=".md").locator("a").first).to_be_visible()


def test_a_question_sent_before_the_page_finished_loading_is_still_kept(browser, app_url: str) -> None:
    """On a busy server a question can reach it before the page's load event, which names whose
    conversations these are: the answer must still be listed, not answered and silently dropped."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    held: list = []
    holding = True

    def hold_load_events(route) -> None:  # noqa: ANN001 (a Playwright route)
        if holding:
            held.append(route)  # answered below, once the question is on its way
        else:
            route.continue_()

    try:
        page = context.new_page()
        page.route("**/gradio_api/queue/join*", hold_load_events)
        with page.expect_request("**/gradio_api/queue/join*", timeout=ANSWER_TIMEOUT):
            page.goto(app_url, wait_until="load")
        expect(page.locator("#vraag textarea")).to_be_visible()
        for _ in range(200):  # each Playwright call lets the route handler above run
            if held:
                break
            page.evaluate("() => document.readyState")
        assert held, "the page sent no load event to hold"
        holding = False
        page.locator("#vraag textarea").fill("Wat is een Gideonsbende?")
        page.locator("#vraag textarea").press("Enter")
        expect(page.locator("#gesprek .antwoord")).to_have_count(1, timeout=ANSWER_TIMEOUT)  # being answered
        for route in held:
            route.continue_()
        expect(page.locator("#gesprek .antwoord .bronnen")).to_be_visible(timeout=ANSWER_TIMEOUT)
        expect(listed(page, "Wat is een Gideonsbende?")).to_have_count(1, timeout=ANSWER_TIMEOUT)
    finally:
        context.close()
