"""The orphan sweep: what killed ingests and dropped versions leave in the index folder goes at the
next ingest and at app start, while the live version keeps answering and an ingest still writing
keeps its collections."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.index.ingest import build_index
from assistant.index.store import IndexStore
from assistant.index.sweep import WRITER_SUFFIX
from tests.conftest import HashEmbeddings

DOC = "# Alpha\n\n## Start\n\nAlpha begon in 2013 met twee gemeenten. Het bestuur bestaat uit colleges.\n"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _collections(index: Path) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in IndexStore(index).client.list_collections()}


def _fake_version(index: Path, version: str, writer: int | None) -> None:
    """What an ingest killed after writing some rows leaves: two collections with vectors (so
    Chroma made their segment folders), and the marker naming the process that was writing."""
    client = IndexStore(index).client
    for kind in ("chunks", "sentences"):
        collection = client.create_collection(f"{kind}-{version}", embedding_function=None)
        collection.add(ids=["x"], documents=["x"], embeddings=[HashEmbeddings().embed_query("x")])
    if writer is not None:
        (index / f"{version}{WRITER_SUFFIX}").write_text(str(writer), "utf-8")


def _plant_orphans(index: Path) -> tuple[set[str], set[str], Path]:
    """Orphans (an old killed version, a newer one whose writer died, a dropped version's folder)
    and one ingest still being written by a live process. Returns (orphans, writing, folder)."""
    live = IndexStore(index).manifest()
    assert live is not None
    _fake_version(index, "20000101T000000-dead01", writer=None)
    _fake_version(index, "29991231T235959-999998-dead02", writer=_dead_pid())
    _fake_version(index, "29991231T235959-999999-busy03", writer=os.getpid())
    folder = index / str(uuid.uuid4())
    folder.mkdir()
    (folder / "data_level0.bin").write_bytes(b"\0" * 1024)
    orphans = {
        f"{k}-{v}" for k in ("chunks", "sentences") for v in ("20000101T000000-dead01", "29991231T235959-999998-dead02")
    }
    writing = {"chunks-29991231T235959-999999-busy03", "sentences-29991231T235959-999999-busy03"}
    assert orphans | writing <= _collections(index)
    return orphans, writing, folder


def _segment_folders(index: Path) -> int:
    return sum(1 for p in index.iterdir() if p.is_dir() and len(p.name) == 36)


def test_next_ingest_sweeps_killed_and_dropped_versions_and_keeps_live_previous_and_writing(
    tmp_path: Path,
) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.md").write_text(DOC, "utf-8")
    build_index(settings, embedder=HashEmbeddings())
    (settings.corpus_dir / "a.md").write_text(DOC + "\nAlpha kreeg in 2015 een nieuw bestuur.\n", "utf-8")
    build_index(settings, embedder=HashEmbeddings())  # the first version is now the previous one
    live = IndexStore(settings.index_dir).manifest()
    assert live is not None and live.previous_version
    orphans, writing, folder = _plant_orphans(settings.index_dir)
    folders_before = _segment_folders(settings.index_dir)

    report = build_index(settings, embedder=HashEmbeddings())  # nothing changed: only the sweep runs

    assert report.unchanged
    left = _collections(settings.index_dir)
    assert not orphans & left
    assert writing <= left  # a live writer's version is never touched
    kept = {f"{k}-{v}" for k in ("chunks", "sentences") for v in (live.version, live.previous_version)}
    assert kept <= left
    assert not folder.exists()
    assert _segment_folders(settings.index_dir) == folders_before - 1 - 4  # the planted one + 2 killed versions'
    assert not (settings.index_dir / f"29991231T235959-999998-dead02{WRITER_SUFFIX}").exists()
    reader = IndexStore(settings.index_dir).open_reader()
    assert reader.dense(HashEmbeddings().embed_query("Alpha 2013"), 1)


def test_sources_shows_the_index_size(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.md").write_text(DOC, "utf-8")
    build_index(settings, embedder=HashEmbeddings())
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "sources"],
        env={**os.environ, **settings.paths_env()},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Index size on disk:" in result.stdout and " MB" in result.stdout


@pytest.mark.slow
def test_app_start_sweeps_orphans_and_the_live_index_answers(handbook_settings: Settings, tmp_path: Path) -> None:
    from gradio_client import Client

    from scripts.ui_app import running_app

    index = tmp_path / "index"
    shutil.copytree(handbook_settings.index_dir, index)
    settings = Settings(corpus_dir=handbook_settings.corpus_dir, index_dir=index, var_dir=tmp_path / "var")
    orphans, writing, folder = _plant_orphans(index)

    with running_app(settings.paths_env()) as url:
        left = _collections(index)
        assert not orphans & left and writing <= left and not folder.exists()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        answer = Client(url, verbose=False).predict(
            question="Wat is een Gideonsbende?", history=[], style="kort", api_name="/ask"
        )
    assert answer["answered"] and "Gideonsbende" in answer["sources"][0]["section"]
