"""Write docs/screenshots/: chat.png and handboek.png (desktop), telefoon.png and telefoon-bron.png
(a phone, 390x844: the answer, then its source [1] tapped open), tablet.png (820x1180),
gesprekken.png ("Mijn gesprekken" with a conversation reopened) and memo.png (the Raadsmemo of that
conversation: the downloaded .docx laid out as a page by memo_preview.py, as LibreOffice is not
installed to print it).

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:7860/]

Without --url it starts ui.py on a free port (against the index of ASSISTANT_INDEX / index/).
"""

from __future__ import annotations

import argparse
import subprocess
import time
from pathlib import Path

from memo_preview import docx_html
from playwright.sync_api import expect, sync_playwright
from ui_app import ROOT, launch_chromium, start_app, wait_for

OUT = ROOT / "docs" / "screenshots"
QUESTION = "Wat gebeurt er in fase 1?"
SECTION = "Fase 2: Besluiten en inrichten"
LONG_QUESTION = "Welke varianten zijn er voor de topstructuur?"  # taller than a phone's window
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True}
# Three conversations for the list; the first (an answer with an update note) is reopened and its
# memo made.
CONVERSATIONS = (
    ("Welke rechtsvorm hebben vrijwel alle ambtelijke fusieorganisaties?",),
    ("Wat is een Gideonsbende?", "Wie horen daarbij?"),
    ("Huisvesting: centraal of decentraal?",),
)


def start_app_and_wait() -> tuple[subprocess.Popen, str]:
    process, url = start_app()
    try:
        wait_for(url, process, timeout=300, poll=0.5)
    except (RuntimeError, TimeoutError) as error:
        process.terminate()
        raise SystemExit(str(error)) from None
    return process, url


def shoot(url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(locale="nl-NL", viewport={"width": 1360, "height": 1050})
        page.goto(url, wait_until="load")
        page.locator("#vraag textarea").fill(QUESTION)
        page.locator("#vraag textarea").press("Enter")
        answer = page.locator("#gesprek .antwoord").first
        expect(answer.locator(".bron").first).to_be_visible(timeout=60_000)
        time.sleep(0.8)
        page.locator("#gesprek .vraag").first.scroll_into_view_if_needed()
        page.mouse.move(0, 0)
        page.screenshot(path=OUT / "chat.png")
        page.get_by_role("tab", name="Handboek").click()
        page.locator("#inhoud a", has_text=SECTION).click()
        expect(page.locator("#sectie h2")).to_have_text(SECTION)
        time.sleep(0.5)
        page.screenshot(path=OUT / "handboek.png")
        shoot_device(browser, url, PHONE, "telefoon")
        shoot_device(browser, url, TABLET, "tablet")
        shoot_history_and_memo(browser, url)
        browser.close()
    print(f"geschreven: {', '.join(sorted(p.name for p in OUT.glob('*.png')))} in {OUT}")


def shoot_device(browser, url: str, device: dict, name: str) -> None:
    """Ask the long question on a touch screen: what shows once the answer is complete (the page
    script has put the question at the top), and on the phone also source [1] after a tap."""
    context = browser.new_context(locale="nl-NL", **device)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator("#vraag textarea").fill(LONG_QUESTION)
    page.locator("#verstuur").tap()
    answer = page.locator("#gesprek .antwoord").first
    expect(answer.locator("details.bronnen")).to_be_attached(timeout=60_000)
    page.wait_for_function("() => !document.activeElement || !document.activeElement.closest('#vraag')")
    page.screenshot(path=OUT / f"{name}.png")
    if name == "telefoon":
        answer.locator("a.bronlink", has_text="[1]").first.tap()
        expect(answer.locator(".bron").first).to_be_in_viewport()
        page.wait_for_function("() => document.querySelector('.bron.uitgelicht') === null")  # highlight gone
        page.screenshot(path=OUT / f"{name}-bron.png")
    context.close()


def ask(page, question: str) -> None:
    answers = page.locator("#gesprek .antwoord")
    before = answers.count()
    page.locator("#vraag textarea").fill(question)
    page.locator("#vraag textarea").press("Enter")
    expect(answers.nth(before).locator(".bronnen, .geen-antwoord").first).to_be_visible(timeout=60_000)
    expect(page.locator("#gesprekken")).not_to_contain_text("Nog geen bewaarde gesprekken", timeout=60_000)


def shoot_history_and_memo(browser, url: str) -> None:
    """Three conversations in "Mijn gesprekken", the first reopened; then its Raadsmemo."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1360, "height": 1050}, accept_downloads=True)
    page = context.new_page()
    page.goto(url, wait_until="load")
    for turns in CONVERSATIONS:
        page.locator("#nieuw").click()
        expect(page.locator("#gesprek .vraag")).to_have_count(0)
        for question in turns:
            ask(page, question)
    listed = page.locator("#gesprekken label")
    expect(listed).to_have_count(len(CONVERSATIONS), timeout=60_000)
    listed.filter(has_text=CONVERSATIONS[0][0]).click()
    expect(page.locator("#gesprek .vraag")).to_have_count(len(CONVERSATIONS[0]), timeout=60_000)
    expect(page.locator("#gesprek .vraag").first).to_have_text(CONVERSATIONS[0][0])
    page.evaluate("() => { document.querySelector('#gesprek .bubble-wrap').scrollTop = 0; window.scrollTo(0, 0); }")
    page.mouse.move(0, 0)
    page.screenshot(path=OUT / "gesprekken.png")
    page.locator("#memo-omvang").get_by_text("Heel gesprek").click()
    page.locator("#maak-memo").click()
    link = page.locator("#memo tr", has_text=".docx").locator("a").first
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        link.click()
    memo = Path(download_info.value.path())
    preview = context.new_page()
    preview.set_viewport_size({"width": 1000, "height": 800})
    preview.set_content(docx_html(memo))
    preview.screenshot(path=OUT / "memo.png", full_page=True)
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running Fusiewijzer; default: start one")
    args = parser.parse_args()
    if args.url:
        shoot(args.url)
        return
    process, url = start_app_and_wait()
    try:
        shoot(url)
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    main()
