"""The hardening of the running app, over HTTP against ui.py in a subprocess (real Chroma, e5):
a forged Host header without login, hostile document HTML in /ask's Markdown, a login flood,
a removed user's session, and Gradio's upload route for a reader."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from assistant.admin.users import UserStore
from assistant.config import Settings
from assistant.index.ingest import build_index
from scripts.ui_app import running_app

pytestmark = pytest.mark.slow

HOSTILE_DOC = """---
title: "Testgemeente <b>Muizenburg</b>"
type: case
---
# Testgemeente Muizenburg

## Archiefkat

De archiefkat van de testgemeente Muizenburg heet Snuf <script>alert(1)</script>\
<img src=x onerror="alert(2)"> en woont in het archief van Muizenburg. \
Lees [het dossier](javascript:alert(3)) over de archiefkat van Muizenburg.
"""
READER = ("lezer", "lezer-wachtwoord")
ADMIN = ("beheerder", "beheer-wachtwoord")
FLOOD = ("doelwit", "het-juiste-wachtwoord")
LEAVER = ("vertrekker", "tijdelijk-wachtwoord")


@pytest.fixture(scope="module")
def settings(handbook_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("security")
    shutil.copytree(handbook_settings.corpus_dir, root / "corpus")
    shutil.copytree(handbook_settings.index_dir, root / "index")
    (root / "corpus" / "muizenburg.md").write_text(HOSTILE_DOC, "utf-8")
    settings = Settings(
        corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var", users_file=root / "users.json"
    )
    build_index(settings)  # the handbook's vectors are reused; only the new document is embedded
    users = UserStore(settings.users_file)
    for user, role in ((READER, "reader"), (ADMIN, "admin"), (FLOOD, "reader"), (LEAVER, "reader")):
        users.add(*user, role=role)
    return settings


@pytest.fixture(scope="module")
def open_url(settings: Settings) -> Iterator[str]:
    with running_app(settings.paths_env()) as url:
        yield url


@pytest.fixture(scope="module")
def login_url(settings: Settings) -> Iterator[str]:
    with running_app({**settings.paths_env(), "ASSISTANT_LOGIN": "1"}) as url:
        yield url


def test_without_login_only_loopback_host_names_are_served(open_url: str) -> None:
    port = urlparse(open_url).port
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", "192.168.1.5"):
        for path in ("/", "/gradio_api/info", "/config"):
            response = httpx.get(open_url.rstrip("/") + path, headers={"Host": host})
            assert response.status_code == 403, (host, path, response.status_code)
            assert response.text == "Deze app is alleen bereikbaar via 127.0.0.1 of localhost."
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost"):
        assert httpx.get(open_url, headers={"Host": host}).status_code == 200, host


def test_ask_api_markdown_carries_no_document_html_or_script_links(open_url: str) -> None:
    from gradio_client import Client

    result = Client(open_url, verbose=False).predict(
        question="Hoe heet de archiefkat van Muizenburg?", style="uitgebreid", api_name="/ask"
    )
    assert result["answered"] and any(s["doc"] == "muizenburg.md" for s in result["sources"]), result
    markdown = result["answer"]
    assert "Snuf" in markdown and "&lt;script&gt;" in markdown
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert "\\[het dossier\\](javascript:" in markdown  # escaped: shown as text, no link forms
    assert not re.search(r"(?<!\\)\]\(", markdown)
    source = next(s for s in result["sources"] if s["doc"] == "muizenburg.md")
    assert source["quote"] in source["text"] and "Snuf" in source["text"]  # the document's plain text


def _login(client: httpx.Client, user: tuple[str, str]) -> httpx.Response:
    return client.post("/login", data={"username": user[0], "password": user[1]})


def test_after_a_login_flood_the_right_password_is_refused(login_url: str) -> None:
    with httpx.Client(base_url=login_url) as client:
        for _ in range(5):
            assert _login(client, (FLOOD[0], "fout")).status_code == 400
        assert _login(client, FLOOD).status_code == 400  # blocked: the right password waits too
        assert _login(client, READER).status_code == 200  # others from the same address log in


def test_a_removed_users_session_stops_answering(login_url: str, settings: Settings) -> None:
    from gradio_client import Client

    client = Client(login_url, auth=LEAVER, verbose=False)
    assert client.predict(question="Wat is een Gideonsbende?", api_name="/ask")["answered"]
    UserStore(settings.users_file).remove(LEAVER[0])
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises several types for a 401
        client.predict(question="Wat is een Gideonsbende?", api_name="/ask")


def test_gradio_upload_route_is_for_admins_only(login_url: str, settings: Settings) -> None:
    files = {"files": ("notitie.md", b"# Notitie\n\nTekst.\n", "text/markdown")}
    with httpx.Client(base_url=login_url) as reader:
        assert _login(reader, READER).status_code == 200
        refused = reader.post("/gradio_api/upload", files=files)
        assert refused.status_code == 403 and refused.text == "Alleen beheerders mogen bestanden uploaden."
    with httpx.Client(base_url=login_url) as anonymous:
        assert anonymous.post("/gradio_api/upload", files=files).status_code == 403
    with httpx.Client(base_url=login_url) as admin:
        assert _login(admin, ADMIN).status_code == 200
        accepted = admin.post("/gradio_api/upload", files=files)
        assert accepted.status_code == 200 and Path(accepted.json()[0]).name == "notitie.md"
