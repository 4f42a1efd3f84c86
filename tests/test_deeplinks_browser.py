"""Deep links and suggested next questions in the browser (the real app over the handbook, the Wgr
document and a document full of HTML; `app_url` in conftest.py): `/?vraag=` asks on load and
"Link naar dit antwoord" gives that URL; a source card's passage link opens the Handboek tab with the
quoted sentence marked and in view, in the page and as a pasted URL; a stale or malformed link gets
a Dutch message; a suggested question is asked as a new turn with a passage the first answer did not
cite; on a phone none of it makes the page scroll sideways; axe-core finds nothing serious."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from tests.test_accessibility import assert_accessible
from tests.test_ui_browser import ANSWER_TIMEOUT, ask, expect
from tests.test_ui_browser import page as chat_page  # noqa: F401 (test_ui_browser's `page` fixture)
from tests.test_ui_devices import DEVICES, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Welke varianten zijn er voor de topstructuur?"
GIDEON_KEY = "handreiking-ambtelijke-fusie-groei.txt::E · Eigenaarschap voelen > Gideonsbende"
GONE = "Deze passage staat niet (meer) in de documenten."


def wait_done(page, answer) -> None:
    """The answer is complete and its event chain (suggestions, then the conversation list) ended."""
    expect(answer.locator(".bezig")).to_have_count(0, timeout=ANSWER_TIMEOUT)
    expect(answer.locator(".antwoordlink")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#gesprekken label")).not_to_have_count(0, timeout=ANSWER_TIMEOUT)


def source_ids(answer) -> list[str]:
    hrefs = [a.get_attribute("href") for a in answer.locator("a.passagelink").all()]
    return [parse_qs(urlparse(h).query)["bron"][0] for h in hrefs]


def test_question_link_asks_on_load_and_link_to_answer_gives_it(chat_page, app_url: str) -> None:  # noqa: F811
    page = chat_page
    page.goto(app_url + "?" + urlencode({"vraag": QUESTION, "stijl": "kort"}), wait_until="load")
    answer = page.locator("#gesprek .antwoord").first
    wait_done(page, answer)
    expect(page.locator("#gesprek .vraag").first).to_have_text(QUESTION)
    expect(answer.locator(".bron").first).to_contain_text("topstructuur")
    expect(page.locator("#stijl input[value='Kort']")).to_be_checked()
    expect(page.locator("#gesprekken label", has_text=QUESTION)).to_have_count(1)  # stored like any question

    asked = source_ids(answer)
    assert asked
    answer.locator("a.antwoordlink").click()
    field = answer.locator("input.link-veld")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    url = field.input_value()
    assert url.startswith(app_url) and parse_qs(urlparse(url).query) == {"vraag": [QUESTION], "stijl": ["kort"]}
    assert_accessible(page, "an answer with its link shown")

    # The link, opened as a new page, asks it again.
    page.goto(url, wait_until="load")
    again = page.locator("#gesprek .antwoord").first
    wait_done(page, again)
    assert source_ids(again) == asked


def test_passage_link_opens_the_handbook_with_the_quote_marked_in_view(chat_page) -> None:  # noqa: F811
    page = chat_page
    answer = ask(page, "Wat is een Gideonsbende?")
    expect(answer.locator(".antwoordlink")).to_be_visible()
    quoted = answer.locator(".bron").first.locator("mark").inner_text()
    link = answer.locator(".bron").first.locator("a.passagelink")
    expect(link).to_have_text("🔗 Link naar deze passage")
    href = link.get_attribute("href")
    link.click()
    expect(page.get_by_role("tab", name="Handboek")).to_have_attribute("aria-selected", "true", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#sectie h2")).to_have_text("Gideonsbende")
    marked = page.locator("#sectie #passage")
    expect(marked).to_be_in_viewport()
    marked_text = " ".join(marked.inner_text().split())
    assert len(marked_text) > 20 and " ".join(quoted.split()).startswith(marked_text)
    expect(page.locator("#vraag-hier")).to_be_enabled()  # the section is the tab's current one
    assert_accessible(page, "the Handboek tab at a linked passage")

    # The same link pasted into a new page: the Handboek tab at that passage, scrolled into view.
    page.goto(page.url.split("?")[0].split("#")[0] + href, wait_until="load")
    expect(page.get_by_role("tab", name="Handboek")).to_have_attribute("aria-selected", "true", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#sectie h2")).to_have_text("Gideonsbende")
    expect(page.locator("#sectie #passage")).to_be_in_viewport()
    expect(page.locator("#sectie .link-melding")).to_have_count(0)


def test_stale_and_malformed_links_say_so_in_dutch(chat_page, app_url: str) -> None:  # noqa: F811
    page = chat_page
    stale = urlencode({"bron": "0123456789abcdef01234567", "zin": "1-2", "sectie": GIDEON_KEY})
    page.goto(f"{app_url}?{stale}", wait_until="load")
    message = page.locator("#sectie .link-melding")
    expect(message).to_contain_text(GONE, timeout=ANSWER_TIMEOUT)
    expect(message).to_contain_text("E · Eigenaarschap voelen > Gideonsbende")
    expect(page.locator("#sectie h2")).to_have_text("Gideonsbende")  # the named section is still there

    page.goto(f"{app_url}?bron=0123456789abcdef01234567", wait_until="load")
    expect(page.locator("#sectie .link-melding")).to_have_text(GONE, timeout=ANSWER_TIMEOUT)

    for query, text in (
        ("bron=..%2F..%2Fetc%2Fpasswd", "het kenmerk na bron= klopt niet"),
        ("bron=0123456789abcdef01234567&zin=9-1", "zin= moet een zin of reeks zijn"),
        ("vraag=%20%20", "Deze link bevat geen vraag."),
        ("vraag=Wat%20is%20BUCH%3F&bron=0123456789abcdef01234567", "óf een vraag (vraag=) óf een passage (bron=)"),
    ):
        page.goto(f"{app_url}?{query}", wait_until="load")
        expect(page.locator("#link-melding .link-melding")).to_contain_text(text, timeout=ANSWER_TIMEOUT)
        expect(page.locator("body")).not_to_contain_text("Traceback")
    expect(page.locator("#gesprek .antwoord")).to_have_count(0)  # nothing was asked


def test_a_suggested_question_is_asked_as_a_new_turn(chat_page) -> None:  # noqa: F811
    page = chat_page
    first = ask(page, QUESTION)
    suggestions = first.locator(".vervolg a.vervolgvraag")
    expect(suggestions.first).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert 1 <= suggestions.count() <= 3
    page.locator("#vraag textarea").fill("half getypt")
    chosen = suggestions.first.inner_text()
    suggestions.first.click()
    second = page.locator("#gesprek .antwoord").nth(1)
    wait_done(page, second)
    expect(page.locator("#gesprek .vraag").nth(1)).to_have_text(chosen)
    expect(second.locator(".bron").first).to_be_visible()
    assert source_ids(second)[0] not in source_ids(first)
    expect(page.locator("#vraag textarea")).to_have_value("half getypt")  # what was being typed stays


def test_links_and_suggestions_fit_a_phone(browser, app_url: str) -> None:
    context = browser.new_context(locale="nl-NL", **DEVICES["telefoon"])
    page = context.new_page()
    try:
        page.goto(app_url + "?" + urlencode({"vraag": QUESTION}), wait_until="load")
        answer = page.locator("#gesprek .antwoord").first
        wait_done(page, answer)
        expect(answer.locator(".vervolg a.vervolgvraag").first).to_be_attached()
        no_sideways_scroll(page)
        answer.locator("a.antwoordlink").tap()
        expect(answer.locator("input.link-veld")).to_be_visible()
        no_sideways_scroll(page)
        box = answer.locator("input.link-veld").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
        for link in (answer.locator("a.antwoordlink"), answer.locator(".vervolg a.vervolgvraag").first):
            assert link.bounding_box()["height"] >= 44  # tall enough to tap
        answer.locator("details.bronnen summary").tap()
        answer.locator("a.passagelink").first.tap()
        expect(page.locator("#sectie #passage")).to_be_in_viewport(timeout=ANSWER_TIMEOUT)
        no_sideways_scroll(page)
    finally:
        context.close()
