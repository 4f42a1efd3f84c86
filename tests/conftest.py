"""Shared fixtures: real Chroma on temp dirs, the real e5 model from its package.

Building the handbook index costs ~20 s on 2 cores, so it is built once per test session.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.answers.pipeline import Assistant
from assistant.config import PROJECT_ROOT, Settings
from assistant.index.ingest import build_index

HANDBOOK = PROJECT_ROOT / "corpus" / "handreiking-ambtelijke-fusie-groei.txt"
HANDBOOK_META = PROJECT_ROOT / "corpus" / "handreiking-ambtelijke-fusie-groei.meta.yaml"
LAW_DOC = PROJECT_ROOT / "corpus" / "law" / "wgr-wijzigingen.md"


class HashEmbeddings(Embeddings):
    """A deterministic stand-in embedder for tests about indexing mechanics, not about
    retrieval quality (like llm's EmbedDemo): bag of hashed words, normalised."""

    name = "test:hash"

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = np.zeros(64, dtype=np.float32)
        for word in text.lower().split():
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1
        norm = np.linalg.norm(vector)
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def copy_handbook(corpus: Path, with_law: bool = False) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(HANDBOOK, corpus / HANDBOOK.name)
    shutil.copy(HANDBOOK_META, corpus / HANDBOOK_META.name)
    if with_law:
        (corpus / "law").mkdir(exist_ok=True)
        shutil.copy(LAW_DOC, corpus / "law" / LAW_DOC.name)


@pytest.fixture(scope="session")
def handbook_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The handbook plus the law document, indexed with the default (e5) embedder."""
    root = tmp_path_factory.mktemp("handbook")
    copy_handbook(root / "corpus", with_law=True)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var")
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def handbook_assistant(handbook_settings: Settings) -> Assistant:
    return Assistant(handbook_settings)


def with_fallback_decision(assistant: Assistant) -> Assistant:
    """`assistant` with the hand-set answerability rule instead of the learned decision: for tests
    about what happens once a question is answered (English composition, follow-ups, practice), on
    questions the learned decision happens to refuse (README: its weak sides)."""
    assistant._loaded = replace(assistant.loaded(), answerability=None)
    return assistant


@pytest.fixture(scope="session")
def fallback_assistant(handbook_settings: Settings) -> Assistant:
    return with_fallback_decision(Assistant(handbook_settings))


@pytest.fixture(scope="session")
def corpus_settings(handbook_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The whole shipped corpus (handbook, law, cases); the handbook's vectors are reused."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(handbook_settings.corpus_dir, root / "corpus")
    shutil.copytree(handbook_settings.index_dir, root / "index")
    shutil.copytree(PROJECT_ROOT / "corpus" / "cases", root / "corpus" / "cases")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var")
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings: Settings) -> Assistant:
    return Assistant(corpus_settings)


@pytest.fixture
def tiny_settings(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index", var_dir=tmp_path / "var")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium through Playwright, shared by the browser tests (never `playwright install`)."""
    from playwright.sync_api import expect, sync_playwright

    from scripts.ui_app import CHROMIUM, launch_chromium

    # Playwright's 5 s default for an assertion is too short on a loaded machine: under two busy
    # cores the page's first queued events (the "Ingelogd als ..." line) took longer, and a test
    # failed. An assertion still returns as soon as its condition holds.
    expect.set_options(timeout=30_000)

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium fonts-noto-color-emoji")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


# --- the chat app in the browser (test_ui_browser.py, test_ui_devices.py) ---

EVIL_DOC = """---
title: "Testgemeente <b>Kattendorp</b>"
type: case
---

# Testgemeente Kattendorp

## Kantoorkat

De kantoorkat van de testgemeente Kattendorp heet Minoes <script>window.__pwned=1</script>\
<img src=x onerror="window.__pwned=2"> en woont in het gemeentehuis van Kattendorp.
"""


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Handbook, Wgr document and a case document full of HTML that must stay inert."""
    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    for name in (
        "handreiking-ambtelijke-fusie-groei.txt",
        "handreiking-ambtelijke-fusie-groei.meta.yaml",
        "law/wgr-wijzigingen.md",
    ):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / "corpus" / name, corpus / name)
    (root / "corpus" / "kattendorp.md").write_text(EVIL_DOC, "utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", var_dir=root / "var")
    build_index(settings)
    return settings


@pytest.fixture(scope="session")
def app_url(app_settings: Settings) -> Iterator[str]:
    """The chat app (ui.py) on a free 127.0.0.1 port, shared by the chat's browser tests."""
    from scripts.ui_app import running_app

    with running_app(app_settings.paths_env()) as url:
        yield url
