"""Ingest is exclusive per index folder across processes; "up to date" checks that the live
collections exist; readers fall back to the newest complete version when the live one is gone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import IngestBusy
from assistant.index.ingest import build_index
from assistant.index.lock import ingest_lock
from assistant.index.store import IndexStore
from tests.conftest import HashEmbeddings, copy_handbook

DOC_A = "# Alpha\n\n## Start\n\nAlpha begon in 2013 met twee gemeenten.\n"
DOC_B = "# Beta\n\n## Bestuur\n\nBeta heeft een algemeen directeur.\n"


def _write(settings: Settings, name: str, text: str) -> None:
    (settings.corpus_dir / name).write_text(text, "utf-8")


def test_up_to_date_rebuilds_when_the_live_collections_are_gone(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    first = build_index(tiny_settings, embedder=HashEmbeddings())
    store = IndexStore(tiny_settings.index_dir)
    store.client.delete_collection(first.manifest.chunks_collection)  # what a lost race left behind

    again = build_index(tiny_settings, embedder=HashEmbeddings())
    assert not again.unchanged and again.manifest.version != first.manifest.version
    reader = IndexStore(tiny_settings.index_dir).open_reader()
    assert [c.text for c in reader.chunks] == ["Alpha begon in 2013 met twee gemeenten."]


def test_reader_falls_back_to_the_newest_complete_version(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    old = build_index(tiny_settings, embedder=HashEmbeddings()).manifest
    _write(tiny_settings, "b.md", DOC_B)
    live = build_index(tiny_settings, embedder=HashEmbeddings()).manifest
    store = IndexStore(tiny_settings.index_dir)
    store.client.delete_collection(live.sentences_collection)

    reader = IndexStore(tiny_settings.index_dir).open_reader()
    assert reader.manifest.version == old.version and reader.live_version == live.version
    assert [c.text for c in reader.chunks] == ["Alpha begon in 2013 met twee gemeenten."]


def test_a_second_ingest_without_waiting_names_the_owner(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    with ingest_lock(tiny_settings.index_dir), pytest.raises(IngestBusy) as busy:
        build_index(tiny_settings, embedder=HashEmbeddings(), wait=False)
    assert busy.value.pid == os.getpid()
    assert str(busy.value).startswith("Er loopt al een indexering")
    assert build_index(tiny_settings, embedder=HashEmbeddings(), wait=False).manifest  # free again


@pytest.mark.slow
def test_two_cli_ingests_at_once_leave_one_complete_live_index(tmp_path: Path) -> None:
    """Two `assistant ingest` processes on one index: the second waits, says so in English,
    then finds the first one's complete version up to date; questions are answered after."""
    copy_handbook(tmp_path / "corpus")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    env = {**os.environ, **settings.paths_env()}
    command = [sys.executable, "-m", "assistant.cli", "ingest"]
    # The first one's progress bar goes to a file: a pipe nobody reads while the second one runs
    # fills up (64 KiB) on a slow machine and blocks the first one while it holds the lock.
    log = tmp_path / "first.log"
    with log.open("w") as first_log:
        first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=first_log, text=True)
        deadline = time.monotonic() + 300
        while "embedding" not in log.read_text() and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)  # the progress bar: the first one holds the lock and embeds
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        first.communicate(timeout=600)
    err = log.read_text()
    assert first.returncode == 0 and "Traceback" not in err, err[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Another ingest is running" in second.stderr and f"process {first.pid}" in second.stderr
    assert "Index up to date" in second.stdout

    store = IndexStore(settings.index_dir)
    manifest = store.manifest()
    assert manifest is not None and store.is_complete(manifest)
    assert [p.stem for p in (settings.index_dir / "versions").glob("*.json")] == [manifest.version]
    asked = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "Wat is een Gideonsbende?"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert asked.returncode == 0 and "Bronnen:" in asked.stdout, asked.stderr[-2000:]
