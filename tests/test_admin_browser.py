"""Login, roles and the Beheer tab in the browser: the real app (ui.py, login forced on 127.0.0.1
with ASSISTANT_LOGIN=1) over a tmp copy of the handbook with real Chroma and e5, driven with
Debian's Chromium. A reader gets no Beheer tab and cannot call its handlers; an admin uploads a
document, re-indexes and gets it cited; hostile uploads are refused and nothing leaves corpus/."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from assistant.admin.users import UserStore
from assistant.config import Settings
from assistant.index.ingest import build_index
from scripts.ui_app import running_app
from tests.conftest import copy_handbook
from tests.fixtures.files import EXE_BYTES, MD_DOC, PNG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

READER = ("lezer", "lezer-wachtwoord")
ADMIN = ("beheerder", "beheer-wachtwoord")
MAX_UPLOAD_MB = "0.05"  # 52 KB: small enough to test the limit cheaply
REINDEX_TIMEOUT = 180_000
ANSWER_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("beheer")


@pytest.fixture(scope="module")
def settings(root: Path) -> Settings:
    copy_handbook(root / "corpus")
    settings = Settings(
        corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var", users_file=root / "users.json"
    )
    build_index(settings)
    users = UserStore(settings.users_file)
    users.add(*READER, role="reader")
    users.add(*ADMIN, role="admin")
    return settings


@pytest.fixture(scope="module")
def app_url(settings: Settings) -> Iterator[str]:
    env = {
        **settings.paths_env(),
        "ASSISTANT_LOGIN": "1",
        "ASSISTANT_MAX_UPLOAD_MB": MAX_UPLOAD_MB,
    }
    with running_app(env) as url:
        yield url


@pytest.fixture
def context(browser) -> Iterator:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1400, "height": 1000})
    hosts: set[str] = set()
    context.on("request", lambda request: hosts.add(urlparse(request.url).hostname or request.url))
    yield context
    assert hosts <= {"127.0.0.1"}, f"requests outside 127.0.0.1: {hosts}"
    context.close()


def login(context, url: str, user: tuple[str, str]):
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Gebruikersnaam").fill(user[0])
    page.get_by_label("Wachtwoord").fill(user[1])
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator("#vraag textarea")).to_be_visible(timeout=20_000)
    expect(page.locator("#gebruiker")).to_contain_text(f"Ingelogd als {user[0]}")
    return page


def click_as_script(page, url: str, elem_id: str, session_hash: str) -> dict:
    """Trigger the click handler of the component `elem_id` through Gradio's queue API, as a
    script running in this page's session could, whether or not the page shows the component;
    returns the handler's completion message."""
    config = page.request.get(url + "config").json()
    button = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id)
    fn_index = next(d["id"] for d in config["dependencies"] if [button, "click"] in d["targets"])
    joined = page.request.post(
        url + "gradio_api/queue/join",
        data=json.dumps({"data": [], "fn_index": fn_index, "session_hash": session_hash, "trigger_id": button}),
        headers={"Content-Type": "application/json"},
    )
    assert joined.ok, joined.text()
    stream = page.request.get(url + f"gradio_api/queue/data?session_hash={session_hash}", timeout=30_000).text()
    done = [json.loads(line[6:]) for line in stream.splitlines() if '"process_completed"' in line]
    assert done, stream
    return done[0]


def corpus_tree(settings: Settings) -> list[str]:
    return sorted(p.relative_to(settings.corpus_dir).as_posix() for p in settings.corpus_dir.rglob("*") if p.is_file())


def upload(page, name: str, data: bytes, save_as: str = "") -> object:
    """Choose a file in the Beheer tab, optionally a name, press "Toevoegen of vervangen"; returns the notice."""
    notice = page.locator("#beheer-melding")
    before = notice.inner_text()
    page.locator("#beheer-bestand input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    expect(page.locator("#beheer-bestand td.filename")).to_be_visible(timeout=10_000)
    page.locator("#beheer-naam textarea, #beheer-naam input").first.fill(save_as)
    page.locator("#beheer-opslaan").click()
    expect(notice).not_to_have_text(before, timeout=10_000)
    return notice


def test_login_is_required_and_wrong_passwords_are_refused(context, app_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(app_url + "config", timeout=5)
    assert error.value.code == 401
    page = context.new_page()
    page.goto(app_url)
    expect(page.locator("p.auth")).to_have_text("Log in met je gebruikersnaam en wachtwoord voor de Fusiewijzer.")
    page.get_by_label("Gebruikersnaam").fill(ADMIN[0])
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text("Onjuiste inloggegevens")).to_be_visible()
    assert page.locator("#vraag").count() == 0


def test_reader_sees_no_beheer_tab_and_cannot_call_its_handlers(context, app_url: str, settings: Settings) -> None:
    page = login(context, app_url, READER)
    expect(page.locator("#gebruiker")).to_contain_text("(lezer)")
    expect(page.get_by_role("tab", name="Handboek")).to_be_visible()
    expect(page.get_by_role("tab", name="Beheer")).to_have_count(0)
    assert page.locator("table.documenten").count() == 0  # the document list never reached this page

    # Call the re-index handler directly, as a script in the reader's session could.
    version = json.loads((settings.index_dir / "current.json").read_text("utf-8"))["version"]
    done = click_as_script(page, app_url, "beheer-indexeer", "lezer01")
    assert done["success"] is False
    assert done["output"]["error"] == "Alleen beheerders mogen documenten beheren."
    assert json.loads((settings.index_dir / "current.json").read_text("utf-8"))["version"] == version


def test_admin_uploads_reindexes_and_the_new_document_is_cited(context, app_url: str, settings: Settings) -> None:
    page = login(context, app_url, ADMIN)
    expect(page.locator("#gebruiker")).to_contain_text("(beheerder)")
    page.get_by_role("tab", name="Beheer").click()
    table = page.locator("#beheer-tabel")
    expect(table).to_contain_text("handreiking-ambtelijke-fusie-groei.txt")
    expect(page.locator("#beheer-overzicht")).to_have_text("1 geïndexeerd, 0 overgeslagen; de index is bij.")

    notice = upload(page, "zilvermeeuw.md", MD_DOC.encode())
    expect(notice).to_have_text(
        "✓ uploads/zilvermeeuw.md is toegevoegd. Klik op “Opnieuw indexeren” om het doorzoekbaar te maken."
    )
    expect(table.locator("tr", has_text="uploads/zilvermeeuw.md")).to_contain_text("nieuw: nog niet geïndexeerd")
    assert (settings.corpus_dir / "uploads" / "zilvermeeuw.md").read_text("utf-8") == MD_DOC

    page.locator("#beheer-indexeer").click()
    expect(notice).to_contain_text("Index bijgewerkt in", timeout=REINDEX_TIMEOUT)
    expect(notice).to_contain_text("2 documenten")
    row = table.locator("tr", has_text="uploads/zilvermeeuw.md")
    expect(row).to_contain_text("De Zilvermeeuwregeling van Walvisdorp")
    expect(row).to_contain_text("geïndexeerd")
    expect(row).to_contain_text("praktijkvoorbeeld")

    page.get_by_role("tab", name="Vraag en antwoord").click()
    answers = page.locator("#gesprek .antwoord")
    page.locator("#vraag textarea").fill("Wat houdt de Zilvermeeuwregeling in Walvisdorp in?")
    page.locator("#vraag textarea").press("Enter")
    answer = answers.first
    expect(answer.locator(".bron").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(answer).to_contain_text("Zilvermeeuwregeling")
    expect(answer.locator("a.bronlink").first).to_have_text("[1]")
    expect(answer.locator(".bron").first).to_contain_text("De Zilvermeeuwregeling van Walvisdorp")

    page.get_by_role("tab", name="Handboek").click()  # the tree was refreshed by the re-index
    expect(page.locator("#inhoud")).to_contain_text("De Zilvermeeuwregeling van Walvisdorp")


def test_hostile_uploads_are_refused_and_nothing_lands_outside_the_corpus(
    context, app_url: str, settings: Settings, root: Path
) -> None:
    page = login(context, app_url, ADMIN)
    page.get_by_role("tab", name="Beheer").click()
    before = corpus_tree(settings)
    outside_before = sorted(p.as_posix() for p in root.rglob("*") if not p.is_relative_to(settings.corpus_dir))

    cases = [
        ("setup.pdf", EXE_BYTES, "", "“setup.pdf” is geweigerd: de inhoud is geen PDF"),
        ("plaatje.md", PNG_BYTES, "", "“plaatje.md” is geweigerd: de inhoud is geen UTF-8-tekst"),
        (
            "groot.md",
            ("# Groot\n\n" + "Een zin over samenwerking. " * 2500).encode(),
            "",
            "“groot.md” is geweigerd: het bestand is te groot (0,06 MB); de grens is 0,05 MB.",
        ),
        (
            "notitie.md",
            MD_DOC.encode(),
            "../../etc/passwd.md",
            "“../../etc/passwd.md” is geweigerd: de bestandsnaam mag geen map, '..' of pad bevatten",
        ),
        ("programma.exe", EXE_BYTES, "", "“programma.exe” is geweigerd: bestandstype '.exe' wordt niet ondersteund"),
    ]
    for name, data, save_as, message in cases:
        notice = upload(page, name, data, save_as)
        expect(notice).to_contain_text(message)
        expect(notice.locator(".beheer-geweigerd")).to_be_visible()

    # A path in the file's own name: Gradio keeps only the base name, so it lands inside the corpus.
    notice = upload(page, "../../etc/passwd.md", MD_DOC.encode())
    expect(notice).to_contain_text("uploads/passwd.md is toegevoegd.")
    assert sorted(set(corpus_tree(settings)) - set(before)) == ["uploads/passwd.md"]
    assert not Path("/etc/passwd.md").exists()
    outside_after = sorted(p.as_posix() for p in root.rglob("*") if not p.is_relative_to(settings.corpus_dir))
    assert [p for p in outside_after if p not in outside_before and "/index/" not in p and "/var/" not in p] == []

    # ... and the admin removes it again.
    page.locator("#beheer-kies input").fill("uploads/passwd.md")
    page.get_by_role("option", name="uploads/passwd.md").click()
    page.locator("#beheer-verwijder").click()
    expect(notice).to_contain_text("uploads/passwd.md is verwijderd.")
    expect(page.locator("#beheer-tabel")).not_to_contain_text("uploads/passwd.md")
    assert corpus_tree(settings) == before
