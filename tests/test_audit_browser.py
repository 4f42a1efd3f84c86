"""The audit log in the browser: a failed and a successful login (with address), an upload, a
replacement, a removal and a re-index appear in Beheer's Logboek and in its CSV export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.fixtures.files import MD_DOC
from tests.test_admin_browser import (  # noqa: F401 (module fixtures: a login app over the handbook)
    ADMIN,
    REINDEX_TIMEOUT,
    app_url,
    context,
    expect,
    login,
    root,
    settings,
    upload,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_admin_actions_and_logins_are_logged_and_exported(context, app_url: str, settings: Settings) -> None:  # noqa: F811
    page = context.new_page()
    page.goto(app_url)
    page.get_by_label("Gebruikersnaam").fill(ADMIN[0])
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Onjuiste inloggegevens")).to_be_visible()
    page = login(context, app_url, ADMIN)
    page.get_by_role("tab", name="Beheer").click()
    notice = upload(page, "logboek.md", MD_DOC.encode())
    expect(notice).to_contain_text("uploads/logboek.md is toegevoegd.")
    notice = upload(page, "logboek.md", MD_DOC.encode())
    expect(notice).to_contain_text("uploads/logboek.md is vervangen.")
    page.locator("#beheer-kies input").fill("uploads/logboek.md")
    page.get_by_role("option", name="uploads/logboek.md").click()
    page.locator("#beheer-verwijder").click()
    expect(notice).to_contain_text("uploads/logboek.md is verwijderd.")
    page.locator("#beheer-indexeer").click()
    expect(notice).to_contain_text("index", timeout=REINDEX_TIMEOUT)

    page.locator("#beheer-logboek").get_by_text("Logboek").first.click()
    table = page.locator("#beheer-audit")
    expect(table.locator("tr", has_text="Inloggen mislukt")).to_contain_text("127.0.0.1")
    expect(table.locator("tr", has_text="Ingelogd").first).to_contain_text(ADMIN[0])
    expect(table.locator("tr", has_text="Document vervangen")).to_contain_text("uploads/logboek.md")
    with page.expect_download() as download_info:
        page.locator("#beheer-audit-export").click()
        page.locator("#beheer-audit-bestand a").first.click()
    path = Path(download_info.value.path())
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0] == ["tijd (UTC)", "gebeurtenis", "wie", "details", "adres"]
    events = [(row[1], row[2], row[3]) for row in rows[1:]]
    for expected in [
        ("Inloggen mislukt", ADMIN[0], ""),
        ("Ingelogd", ADMIN[0], ""),
        ("Document toegevoegd", ADMIN[0], "uploads/logboek.md"),
        ("Document vervangen", ADMIN[0], "uploads/logboek.md"),
        ("Document verwijderd", ADMIN[0], "uploads/logboek.md"),
    ]:
        assert expected in events
    assert any(row[1] == "Opnieuw geïndexeerd" and row[4] == "127.0.0.1" for row in rows[1:])
    failed = next(row for row in rows[1:] if row[1] == "Inloggen mislukt")
    assert failed[4] == "127.0.0.1"
