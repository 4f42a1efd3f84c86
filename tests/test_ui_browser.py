"""The chat in the browser: the real app (ui.py) in a subprocess on a free 127.0.0.1 port, over a
tmp corpus (handbook + Wgr document + a document full of HTML; `app_url` in conftest.py), driven
with Debian's Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from assistant.config import Settings
from assistant.state.db import Database
from assistant.state.feedback import FeedbackStore, Vote

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ANSWER_TIMEOUT = 30_000


@pytest.fixture
def page(browser, app_url: str) -> Iterator:
    """A fresh browser session on the app; afterwards: no request left 127.0.0.1, no dialog."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    hosts: set[str] = set()
    dialogs: list[str] = []
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_url, wait_until="load")
    expect(page.locator("#vraag textarea")).to_be_visible()
    yield page
    assert hosts <= LOCAL_HOSTS, f"requests outside 127.0.0.1: {hosts - LOCAL_HOSTS}"
    assert dialogs == []
    assert page.evaluate("() => window.__pwned") is None
    context.close()


def ask(page, question: str) -> object:
    """Type a question, press Enter, wait for the finished answer; returns its locator."""
    answers = page.locator("#gesprek .antwoord")
    before = answers.count()
    page.locator("#vraag textarea").fill(question)
    page.locator("#vraag textarea").press("Enter")
    answer = answers.nth(before)
    expect(answer.locator(".bezig")).to_have_count(0, timeout=ANSWER_TIMEOUT)
    expect(answer.locator(".bronnen, .geen-antwoord, .fout").first).to_be_visible()
    # The answer's event chain ends by listing the conversation (without the "none yet" text);
    # waiting for it keeps a following click off a chat bubble that is still being re-rendered.
    expect(page.locator("#gesprekken label")).not_to_have_count(0, timeout=ANSWER_TIMEOUT)
    expect(page.locator("#gesprekken")).not_to_contain_text("Nog geen bewaarde gesprekken")
    return answer


def test_answer_is_cited_and_n_leads_to_its_highlighted_source(page) -> None:
    answer = ask(page, "Wat is een Gideonsbende?")
    expect(answer).to_contain_text("Gideonsbende")
    expect(answer.locator("a.bronlink").first).to_have_text("[1]")
    source = answer.locator(".bron").first
    expect(source).to_contain_text("Handreiking ambtelijke fusie: GROEI")
    expect(source.locator(".bron-pad")).to_contain_text("E · Eigenaarschap voelen > Gideonsbende")
    expect(source.locator("mark")).to_contain_text("Gideonsbende")
    page.locator("#vraag textarea").fill("ook tijdens het antwoord kan ik typen")  # input usable
    answer.locator("a.bronlink").first.click()
    expect(page).to_have_url(re.compile(r"#bron-a\d+-1$"))
    expect(source).to_be_in_viewport()


def test_page_declares_dutch(page) -> None:
    assert page.evaluate("() => document.documentElement.lang") == "nl"


def test_starter_question_asks_it(page) -> None:
    page.get_by_role("button", name="Welke fasen kent een ambtelijke fusie?").click()
    expect(page.locator("#gesprek .vraag")).to_have_text("Welke fasen kent een ambtelijke fusie?")
    answer = page.locator("#gesprek .antwoord").first
    expect(answer.locator(".bron").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(answer).to_contain_text("fasen")


def test_section_in_handbook_tab_scopes_the_next_question(page) -> None:
    page.get_by_role("tab", name="Handboek").click()
    page.locator("#inhoud a", has_text="Gideonsbende").click()
    expect(page.locator("#sectie h2")).to_have_text("Gideonsbende")
    expect(page.locator("#sectie .sectie-tekst")).to_contain_text("voortrekkers")
    page.locator("#vraag-hier").click()
    expect(page.locator("#afbakening")).to_contain_text("Gideonsbende")
    expect(page.locator("#vraag textarea")).to_be_visible()
    answer = ask(page, "Wie zijn de voortrekkers?")
    expect(answer.locator(".melding")).to_contain_text("Gezocht binnen: sectie “Gideonsbende”")
    for path in answer.locator(".bron-pad").all():
        expect(path).to_contain_text("E · Eigenaarschap voelen > Gideonsbende")
    page.locator("#wis-afbakening").click()
    expect(page.locator("#afbakening")).not_to_contain_text("Gideonsbende")


def test_not_covered_offers_nearest_sections_in_handbook_tab(page) -> None:
    answer = ask(page, "Wat kost een paspoort?")
    expect(answer.locator(".geen-antwoord")).to_contain_text("geen passage die deze vraag beantwoordt")
    link = answer.locator(".dichtbij a").first
    title = link.inner_text().split(" > ")[-1]
    link.click()
    expect(page.locator("#sectie h2")).to_have_text(title)


def test_like_with_comment_is_logged_and_copy_has_sources(page, app_settings: Settings) -> None:
    answer = ask(page, "Welke varianten zijn er voor de topstructuur?")
    expect(answer.locator(".bron").first).to_be_visible()
    # The comment box appears once a thumb is tapped; the vote is stored then, the comment joins it.
    expect(page.locator("#toelichting")).to_be_hidden()
    page.locator("#gesprek").get_by_role("button", name="Vind ik leuk").last.click()
    expect(page.locator("#toelichting textarea")).to_be_visible(timeout=ANSWER_TIMEOUT)
    store = FeedbackStore(Database(app_settings), 0)
    votes = len(store.records())
    page.locator("#toelichting textarea").fill("Helder, dank!")
    page.locator("#verstuur-toelichting").click()
    expect(page.locator("#toelichting")).to_be_hidden(timeout=10_000)
    records = store.records()
    assert len(records) == votes  # one row per vote
    record = records[-1]
    assert record.vote is Vote.LIKE and record.comment == "Helder, dank!"
    assert record.question == "Welke varianten zijn er voor de topstructuur?"
    assert record.sources[0]["n"] == 1 and record.sources[0]["doc"].endswith(".txt")
    assert record.turn_id is not None and record.owner.startswith("browser:")  # linked to the stored answer

    page.locator("#kopieer").click()
    copied = page.locator("#kopie textarea")
    expect(copied).to_have_value(re.compile(r"Bronnen:\n\[1\] "))
    text = copied.input_value()
    assert "Vraag: Welke varianten zijn er voor de topstructuur?" in text
    assert "I · Inrichting ambtelijke fusieorganisatie" in text and "<" not in text


def test_a_question_sent_as_soon_as_the_previous_answer_shows_is_answered_too(page) -> None:
    # The answer's sources show before its event has finished (suggestions, storing): a second
    # question sent at that moment used to be dropped by the browser, its text gone from the box.
    answers = page.locator("#gesprek .antwoord")
    box = page.locator("#vraag textarea")
    box.fill("Wat is ambtelijke fusie?")
    box.press("Enter")
    expect(answers.nth(0).locator(".bronnen")).to_be_visible(timeout=ANSWER_TIMEOUT)
    box.fill("Welke fasen kent een ambtelijke fusie?")
    box.press("Enter")
    expect(answers.nth(1).locator(".bronnen")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#gesprek .vraag")).to_have_text(
        ["Wat is ambtelijke fusie?", "Welke fasen kent een ambtelijke fusie?"]
    )
    expect(answers.nth(1)).to_contain_text("Fase 1")


@pytest.mark.parametrize("question", ["   ", "?", "👍"])
def test_a_question_that_asks_nothing_is_refused_at_once(page, question: str) -> None:
    # Nothing, or only punctuation or a symbol: a Dutch message at once, and no question shown
    # (a "?" used to be searched and answered with the nearest sections).
    page.locator("#vraag textarea").fill(question)
    page.locator("#vraag textarea").press("Enter")
    expect(page.get_by_text("Stel een vraag: de vraag is leeg.")).to_be_visible(timeout=ANSWER_TIMEOUT)
    toast = page.get_by_test_id("toast-body")
    expect(toast.locator(".toast-title")).to_have_text("Fout")  # Gradio's own title is "Error"
    expect(toast.get_by_role("button", name="Sluiten", exact=True)).to_be_visible()
    expect(page.locator("#gesprek .vraag")).to_have_count(0)
    expect(page.locator("#gesprek .antwoord")).to_have_count(0)


def test_html_in_question_and_document_stays_inert(page) -> None:
    question = (
        '<img src=x onerror="window.__pwned=5"><script>window.__pwned=6</script> Hoe heet de kantoorkat van Kattendorp?'
    )
    answer = ask(page, question)
    expect(page.locator("#gesprek .vraag").first).to_contain_text('<img src=x onerror="window.__pwned=5">')
    expect(answer).to_contain_text("Minoes")
    expect(answer.locator(".bron mark")).to_contain_text("<script>window.__pwned=1</script>")
    assert page.locator("#gesprek img[src=x], #gesprek script").count() == 0
    page.get_by_role("tab", name="Handboek").click()
    page.locator("#inhoud summary", has_text="Kattendorp").click()
    page.locator("#inhoud a", has_text="Kantoorkat").click()
    expect(page.locator("#sectie .sectie-tekst")).to_contain_text('<img src=x onerror="window.__pwned=2">')
    assert page.locator("#sectie img, #sectie script, #inhoud b").count() == 0
    # Every image the page holds has loaded or failed, so any handler injected through one has
    # had its turn before the page fixture checks __pwned (a condition, not a pause).
    page.wait_for_function("() => Array.from(document.images).every((image) => image.complete)")


def test_ask_api_returns_the_cli_json(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    result = client.predict(question="Wat is een Gideonsbende?", api_name="/ask")
    assert {"question", "answer", "answered", "mode", "sources", "timings_ms"} <= set(result)
    assert result["answered"] is True and "[1]" in result["answer"]
    assert {"n", "doc", "title", "section", "text", "quote", "score"} <= set(result["sources"][0])
    assert result["sources"][0]["quote"] in result["sources"][0]["text"]

    follow_up = client.predict(
        question="En in fase 3?",
        history=[[result["question"], result["answer"]]],
        style="kort",
        doc_type="handbook",
        api_name="/ask",
    )
    assert follow_up["query"] != follow_up["question"]  # the history made it a standalone query
    assert all(s["doc"].endswith(".txt") for s in follow_up["sources"])

    with pytest.raises(Exception, match="Stel een vraag: de vraag is leeg."):
        client.predict(question="   ", api_name="/ask")
    # Wrong types get a Dutch message, not an empty error and a server traceback (the app's log
    # is checked for tracebacks when the app stops).
    with pytest.raises(Exception, match=r"history moet een lijst van \[vraag, antwoord\]-paren zijn."):
        client.predict(question="Wat is een Gideonsbende?", history="abc", api_name="/ask")
    with pytest.raises(Exception, match="style moet kort of uitgebreid zijn."):
        client.predict(question="Wat is een Gideonsbende?", style="lang", api_name="/ask")


def test_kort_gives_one_source_and_uitgebreid_more(page) -> None:
    question = "Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?"
    page.locator("#stijl").get_by_text("Kort").click()
    kort = ask(page, question)
    expect(kort.locator(".bron")).to_have_count(1)
    page.locator("#stijl").get_by_text("Uitgebreid").click()
    uitgebreid = ask(page, question)
    expect(uitgebreid.locator(".bron").nth(1)).to_be_visible()  # more than one source
    expect(uitgebreid.locator(".bron", has_text="Wijzigingen in de Wgr").first).to_be_visible()
    expect(uitgebreid).to_contain_text("Let op: bijgewerkt")
