"""WCAG 2.1 AA in the browser: axe-core (the npm package in node_modules/, pinned in
package-lock.json, loaded into the page from disk; nothing is fetched) finds no serious or critical
violation on the chat with an answer, the Handboek tab with a section open, the login page and
Beheer as an admin; the keyboard alone asks a question, reaches [1] and its source card and
downloads a Raadsmemo, with a visible focus ring at every step; the chat log is a polite live
region, so the streaming answer is read out without interrupting."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from assistant.admin.users import UserStore
from assistant.config import PROJECT_ROOT, Settings
from scripts.ui_app import running_app
from tests.test_ui_browser import ANSWER_TIMEOUT, ask, expect
from tests.test_ui_browser import page as chat_page  # noqa: F401 (test_ui_browser's `page` fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
ADMIN = ("beheerder", "beheer-wachtwoord")
# Tab presses allowed to reach a control: the page has ~40 stops before the answer's first link.
MAX_PRESSES = 150


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (or `make test`, which does) in the repository root")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })",
        WCAG_21_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def assert_accessible(page, where: str) -> None:
    # Transitions off, so that colours are measured as they end up, not halfway a fade.
    page.emulate_media(reduced_motion="reduce")
    problems = axe_problems(page)
    assert problems == [], f"axe-core on {where}:\n" + "\n".join(problems)


def test_chat_with_an_answer_has_no_serious_violations(chat_page) -> None:  # noqa: F811
    answer = ask(chat_page, "Wat is een Gideonsbende?")
    expect(answer.locator(".bron").first).to_be_visible()
    assert_accessible(chat_page, "the chat with an answer and its sources")


def test_handbook_with_a_section_open_has_no_serious_violations(chat_page) -> None:  # noqa: F811
    page = chat_page
    page.get_by_role("tab", name="Handboek").click()
    page.locator("#inhoud a", has_text="Gideonsbende").click()
    expect(page.locator("#sectie h2")).to_have_text("Gideonsbende", timeout=ANSWER_TIMEOUT)
    expect(page.locator("#vraag-hier")).to_be_enabled()
    assert_accessible(page, "the Handboek tab with a section open")


def test_the_streaming_answer_is_announced_politely(chat_page) -> None:  # noqa: F811
    page = chat_page
    log = page.locator("#gesprek [role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_attribute("aria-label", "Gesprek")  # Gradio's English name replaced
    answer = ask(page, "Wat is een Gideonsbende?")
    # The answer (its "bezig…" line, then each sentence as it streams) grows inside the live region.
    expect(log.locator(".antwoord")).to_have_count(1)
    expect(answer.locator("a.bronlink").first).to_be_visible()
    # Gradio names each bubble with its raw HTML ("bot's message: <div class=…"); that is removed.
    named_bubbles = "#gesprek [data-testid=bot][aria-label], #gesprek [data-testid=user][aria-label]"
    expect(page.locator(named_bubbles)).to_have_count(0)
    expect(page.locator("#vraag textarea")).to_have_accessible_name("Je vraag")


SMALL_SCREENS = {
    "telefoon": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True},
}


@pytest.mark.parametrize("device", list(SMALL_SCREENS))
def test_chat_on_phone_and_tablet_has_no_serious_violations_and_visible_focus(
    browser, app_url: str, device: str
) -> None:
    context = browser.new_context(locale="nl-NL", **SMALL_SCREENS[device])
    try:
        page = context.new_page()
        page.goto(app_url, wait_until="load")
        expect(page.locator("#vraag textarea")).to_be_visible(timeout=ANSWER_TIMEOUT)
        answer = ask(page, "Wat is een Gideonsbende?")
        assert_accessible(page, f"the chat on a {device}")
        page.locator("#vraag textarea").focus()
        press_until(page, "Shift+Tab", "#gesprek .antwoord a.bronlink[href$='-1']")
        page.keyboard.press("Enter")
        expect(answer.locator(".bron").first).to_be_focused()
        expect(answer.locator(".bron").first).to_be_in_viewport()
        focus_ring(page)
    finally:
        context.close()


# --- the keyboard alone ---------------------------------------------------------------------

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { ring: false, what: 'niets (body)' };
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
    && !/rgba\\(0, 0, 0, 0\\)|transparent/.test(style.outlineColor);
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 50);
  return { ring, what: `${el.tagName.toLowerCase()}#${el.id}.${String(el.className).split(' ')[0]} “${name}”` };
}"""


def focus_ring(page) -> str:
    """The focused element's description; fails when it shows no visible focus ring."""
    focused = page.evaluate(FOCUS_JS)
    assert focused["ring"], f"no visible focus ring on {focused['what']}"
    return focused["what"]


def press_until(page, key: str, selector: str) -> None:
    """Press `key` until the focused element matches `selector`, checking the ring at every stop."""
    seen = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        seen.append(focus_ring(page))
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached with {key}; focus went: {seen[-15:]}")


def test_keyboard_only_question_source_and_memo(chat_page) -> None:  # noqa: F811
    page = chat_page
    expect(page.locator("#vraag textarea")).to_be_focused()  # the page opens with the focus in the field
    focus_ring(page)
    page.keyboard.type("Wat is een Gideonsbende?")
    page.keyboard.press("Enter")
    answer = page.locator("#gesprek .antwoord").first
    expect(answer.locator(".bronnen")).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(page.locator("#gesprekken label")).not_to_have_count(0, timeout=ANSWER_TIMEOUT)  # event chain done
    # The answer lies above the question field: back to its [1].
    press_until(page, "Shift+Tab", "#gesprek .antwoord a.bronlink[href$='-1']")
    page.keyboard.press("Enter")
    card = answer.locator(".bron").first
    expect(card).to_be_focused()
    expect(card).to_be_in_viewport()
    assert focus_ring(page).startswith("div#bron-")
    press_until(page, "Tab", "#maak-memo")
    page.keyboard.press("Enter")
    docx_link = page.locator("#memo tr", has_text=".docx").locator("a").first
    expect(docx_link).to_be_visible(timeout=ANSWER_TIMEOUT)
    with page.expect_download() as download_info:
        press_until(page, "Tab", "#memo a[download][href*='.docx'], #memo a[href*='.docx']")
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(download.path()).paragraphs)
    assert "Wat is een Gideonsbende?" in text


# --- the login page and Beheer, with login ---------------------------------------------------


@pytest.fixture(scope="module")
def login_url(app_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The chat app with login forced on 127.0.0.1, over a copy of the chat tests' corpus and index."""
    root: Path = tmp_path_factory.mktemp("a11y-login")
    shutil.copytree(app_settings.corpus_dir, root / "corpus")
    shutil.copytree(app_settings.index_dir, root / "index")
    settings = Settings(
        corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var", users_file=root / "users.json"
    )
    UserStore(settings.users_file).add(*ADMIN, role="admin")
    with running_app({**settings.paths_env(), "ASSISTANT_LOGIN": "1"}) as url:
        yield url


def test_login_page_and_beheer_have_no_serious_violations(browser, login_url: str) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(login_url, wait_until="load")
        expect(page.get_by_label("Gebruikersnaam")).to_be_visible(timeout=ANSWER_TIMEOUT)
        assert page.title() == "Fusiewijzer"  # Gradio's login page has no title of its own
        assert_accessible(page, "the login page")
        page.get_by_label("Gebruikersnaam").fill(ADMIN[0])
        page.get_by_label("Wachtwoord").fill(ADMIN[1])
        page.get_by_role("button", name="Inloggen").click()
        expect(page.locator("#vraag textarea")).to_be_visible(timeout=ANSWER_TIMEOUT)
        page.get_by_role("tab", name="Beheer").click()
        expect(page.locator("#beheer-tabel table")).to_be_visible(timeout=ANSWER_TIMEOUT)
        page.locator("#beheer-logboek").get_by_text("Logboek").click()
        expect(page.locator("#beheer-audit")).to_contain_text("beheerder", timeout=ANSWER_TIMEOUT)
        assert_accessible(page, "Beheer as an admin, with the Logboek open")
    finally:
        context.close()
