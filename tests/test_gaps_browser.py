"""Kennishiaten in the browser: a refused question and a 👎 with a comment, both given through the
chat, appear in Beheer's lists with the answer as given behind their row, and in the CSV export; a
reader's session cannot call the panel's handlers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.test_admin_browser import (  # noqa: F401 (module fixtures: a login app over the handbook)
    ADMIN,
    ANSWER_TIMEOUT,
    READER,
    app_url,
    click_as_script,
    context,
    expect,
    login,
    root,
    settings,
)
from tests.test_ui_browser import ask

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFUSED = "Wat kost een paspoort?"
DISLIKED = "Wat is een Gideonsbende?"
COMMENT = "Mist wie de bende kiest"


def test_refused_and_thumbs_down_from_the_chat_show_in_kennishiaten_and_the_csv(context, app_url: str) -> None:  # noqa: F811
    page = login(context, app_url, ADMIN)
    answer = ask(page, DISLIKED)
    expect(answer.locator(".bron").first).to_be_visible()
    page.locator("#gesprek").get_by_role("button", name="Vind ik niet leuk").last.click()
    expect(page.locator("#toelichting textarea")).to_be_visible(timeout=ANSWER_TIMEOUT)
    page.locator("#toelichting textarea").fill(COMMENT)
    page.locator("#verstuur-toelichting").click()
    expect(page.locator("#toelichting")).to_be_hidden(timeout=ANSWER_TIMEOUT)
    page.locator("#nieuw").click()  # a fresh conversation: no follow-up context for the next question
    expect(page.locator("#gesprek .vraag")).to_have_count(0)
    refused = ask(page, REFUSED)
    expect(refused.locator(".geen-antwoord")).to_be_visible()
    refused = ask(page, "wat kost een  paspoort")  # the same question: counted twice in one row
    expect(refused.locator(".geen-antwoord")).to_be_visible()

    page.get_by_role("tab", name="Beheer").click()
    page.locator("#beheer-kennishiaten").get_by_text("Kennishiaten").first.click()
    expect(page.locator("#kh-uitleg")).to_contain_text("bewaartermijn van 90 dagen")
    expect(page.locator("#kh-uitleg")).to_contain_text("verandert nooit de volgorde of inhoud van de antwoorden")
    refused_row = page.locator("#kh-geweigerd [role=row]", has_text="paspoort")
    expect(refused_row).to_have_count(1, timeout=ANSWER_TIMEOUT)
    expect(refused_row.get_by_role("gridcell").nth(1)).to_have_text("2")  # the column "Aantal"
    disliked_row = page.locator("#kh-duim-omlaag [role=row]", has_text=COMMENT)
    expect(disliked_row).to_contain_text(DISLIKED)
    expect(page.locator("#kh-meest-gesteld [role=row]", has_text=DISLIKED)).to_have_count(1)

    # Each row shows the answer as it was given.
    shown = page.locator("#kh-antwoord")
    disliked_row.get_by_role("gridcell", name=DISLIKED).click()
    expect(shown.locator(".vraag")).to_have_text(DISLIKED, timeout=ANSWER_TIMEOUT)
    expect(shown.locator(".antwoord .bron").first).to_contain_text("Gideonsbende")
    refused_row.get_by_role("gridcell").nth(2).click()
    expect(shown.locator(".antwoord .geen-antwoord")).to_contain_text(
        "geen passage die deze vraag beantwoordt", timeout=ANSWER_TIMEOUT
    )

    page.locator("#kh-export").click()
    link = page.locator("#kh-bestand a").first
    expect(link).to_be_visible(timeout=ANSWER_TIMEOUT)
    with page.expect_download() as download_info:
        link.click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text("utf-8-sig"))))
    assert rows[0][:5] == ["lijst", "week", "aantal", "vraag", "toelichtingen"]
    assert any(row[0] == "Geweigerde vraag" and row[2] == "2" and "paspoort" in row[3] for row in rows)
    assert any(row[0] == "Duim omlaag" and row[3] == DISLIKED and row[4] == COMMENT for row in rows)
    assert any(row[0] == "Meest gesteld" and row[3] == DISLIKED for row in rows)


def test_a_reader_cannot_call_the_kennishiaten_export(context, app_url: str, settings: Settings) -> None:  # noqa: F811
    page = login(context, app_url, READER)
    done = click_as_script(page, app_url, "kh-export", "lezer02")
    assert done["success"] is False
    assert done["output"]["error"] == "Alleen beheerders kunnen de kennishiaten zien."
