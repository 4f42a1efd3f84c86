"""Chroma as a server (ASSISTANT_CHROMA_URL): a real `chroma run` on a free loopback port with a
temporary data folder. Ingest writes through HttpClient, the live version is a row on the server
that every process sees, version names sort in the order they were made, and the sweep works there
as in the embedded index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.errors import IndexUnavailable
from assistant.index import store as store_module
from assistant.index.ingest import build_index
from assistant.index.manifests import ServerManifests
from assistant.index.store import IndexStore
from assistant.index.versions import newest_first, next_version
from scripts.cluster import answers, chroma_argv
from scripts.ui_app import free_port
from tests.conftest import HashEmbeddings

pytestmark = pytest.mark.slow

DOC = "# Alpha\n\n## Start\n\nAlpha begon in 2013 met twee gemeenten. Het bestuur bestaat uit colleges.\n"


class ChromaProcess:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            chroma_argv(data, self.port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        while not answers(f"{self.url}/api/v2/heartbeat"):
            assert self.process.poll() is None, "chroma run stopped"
            assert time.monotonic() < deadline, "chroma run did not answer within 60 s"
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_chroma(data: Path) -> ChromaProcess:
    server = ChromaProcess(data)
    server.wait()
    return server


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaProcess]:
    server = start_chroma(tmp_path / "chroma")
    yield server
    server.stop()


def server_settings(root: Path, server: ChromaProcess, **extra: object) -> Settings:
    return Settings(
        corpus_dir=root / "corpus",
        index_dir=root / "index",
        var_dir=root / "var",
        chroma_url=server.url,
        chroma_path=str(server.data),
        **extra,  # type: ignore[arg-type]
    )


def write_doc(settings: Settings, name: str, text: str) -> None:
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    (settings.corpus_dir / name).write_text(text, "utf-8")


def collections(store: IndexStore) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in store.client.list_collections()}


def test_ingest_writes_to_the_server_and_the_index_folder_holds_no_chroma(
    tmp_path: Path, chroma: ChromaProcess
) -> None:
    settings = server_settings(tmp_path, chroma)
    write_doc(settings, "a.md", DOC)
    report = build_index(settings, embedder=HashEmbeddings())
    assert report.manifest is not None and not report.unchanged

    store = IndexStore.for_settings(settings)
    assert store.live_version() == report.manifest.version
    assert store.manifest() == report.manifest
    assert {report.manifest.chunks_collection, report.manifest.sentences_collection} <= collections(store)
    reader = store.open_reader()
    assert [c.text for c in reader.chunks] == [
        "Alpha begon in 2013 met twee gemeenten. Het bestuur bestaat uit colleges."
    ]
    assert reader.dense(HashEmbeddings().embed_query("Alpha 2013"), 1)[0][0] == reader.chunks[0].id
    # No embedded Chroma and no manifest files in the index folder: they live on the server.
    assert not (settings.index_dir / "chroma.sqlite3").exists()
    assert not (settings.index_dir / "current.json").exists()
    assert IndexStore(settings.index_dir).manifest() is None  # the embedded store sees nothing

    again = build_index(settings, embedder=HashEmbeddings())
    assert again.unchanged and again.manifest == report.manifest


def test_versions_made_within_one_second_sort_in_the_order_they_were_made(
    tmp_path: Path, chroma: ChromaProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    names: list[str] = []
    for _ in range(12):
        names.append(next_version(names, now=1_800_000_000.0))
    assert len({n[:15] for n in names}) == 1  # one second
    assert newest_first(names) == names[::-1]
    assert newest_first(["20000101T000000-ffffff", *names])[-1] == "20000101T000000-ffffff"  # a name from before

    # Three real ingests in the same (frozen) second: the last one is live, the one before it is
    # the previous version, and the sweep drops the first, not one of the newer two.
    monkeypatch.setattr(store_module, "next_version", lambda known: next_version(known, now=1_800_000_000.0))
    settings = server_settings(tmp_path, chroma)
    made = []
    for n in range(3):
        write_doc(settings, f"doc{n}.md", DOC.replace("Alpha", f"Alpha{n}"))
        report = build_index(settings, embedder=HashEmbeddings())
        assert report.manifest is not None
        made.append(report.manifest.version)
    store = IndexStore.for_settings(settings)
    live = store.manifest()
    assert live is not None and live.version == made[2] and live.previous_version == made[1]
    assert [m.version for m in store.kept_versions()] == [made[2], made[1]]
    left = collections(store)
    assert f"chunks-{made[0]}" not in left and {f"chunks-{made[1]}", f"chunks-{made[2]}"} <= left


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_sweep_on_the_server_drops_killed_and_old_versions_and_keeps_live_previous_and_writing(
    tmp_path: Path, chroma: ChromaProcess
) -> None:
    settings = server_settings(tmp_path, chroma)
    write_doc(settings, "a.md", DOC)
    build_index(settings, embedder=HashEmbeddings())
    write_doc(settings, "a.md", DOC + "\nAlpha kreeg in 2015 een nieuw bestuur.\n")
    build_index(settings, embedder=HashEmbeddings())
    store = IndexStore.for_settings(settings)
    live = store.manifest()
    assert live is not None and live.previous_version
    rows = ServerManifests(store.client)

    def fake_version(version: str, writer: int | None) -> None:
        for kind in ("chunks", "sentences"):
            collection = store.client.create_collection(f"{kind}-{version}", embedding_function=None)
            collection.add(ids=["x"], documents=["x"], embeddings=[HashEmbeddings().embed_query("x")])
        if writer is not None:
            meta = {"kind": "writing", "version": version, "host": os.uname().nodename, "pid": writer, "since": ""}
            rows.rows.upsert(ids=[f"writing:{version}"], documents=[""], metadatas=[meta], embeddings=[[1.0]])

    fake_version("20000101T000000-dead01", writer=None)  # from before version sequences: older
    fake_version("29991231T235959-999998-dead02", writer=_dead_pid())  # killed ingest
    fake_version("29991231T235959-999999-busy03", writer=os.getpid())  # being written now
    folder = chroma.data / str(uuid.uuid4())  # a dropped collection's segment folder
    folder.mkdir()
    (folder / "data_level0.bin").write_bytes(b"\0" * 1024)
    old_derived = store.derived_dir("20000101T000000-dead01")
    old_derived.mkdir(parents=True)

    report = build_index(settings, embedder=HashEmbeddings())  # nothing changed: only the sweep runs

    assert report.unchanged
    left = collections(store)
    for version in ("20000101T000000-dead01", "29991231T235959-999998-dead02"):
        assert f"chunks-{version}" not in left and f"sentences-{version}" not in left
    assert {"chunks-29991231T235959-999999-busy03", "sentences-29991231T235959-999999-busy03"} <= left
    assert {f"chunks-{live.version}", f"chunks-{live.previous_version}"} <= left
    assert not folder.exists() and not old_derived.exists()
    assert rows.writers() == ["29991231T235959-999999-busy03"]  # the dead writer's row went
    assert [m.version for m in store.kept_versions()] == [live.version, live.previous_version]


def test_bm25_tables_are_saved_with_the_version_and_memory_mapped_by_the_next_process(
    tmp_path: Path, chroma: ChromaProcess
) -> None:
    settings = server_settings(tmp_path, chroma, embedder="e5")
    write_doc(settings, "a.md", DOC)
    (settings.corpus_dir / "b.md").write_text(
        "# Beta\n\n## Bestuur\n\nBeta heeft een algemeen directeur en een bestuurscommissie.\n", "utf-8"
    )
    build_index(settings)
    first = Assistant(settings).loaded()
    version = first.reader.manifest.version
    saved = IndexStore.for_settings(settings).derived_dir(version) / "bm25-words"
    assert (saved / "data.csc.index.npy").exists()
    assert not isinstance(first.retriever.lexical.bm25.scores["data"], np.memmap)  # built here

    second = Assistant(settings).loaded()  # as the next worker process would
    assert isinstance(second.retriever.lexical.bm25.scores["data"], np.memmap)  # loaded, not built
    for query in (["alpha", "bestuur"], ["directeur"], ["2013"], ["onbekend"]):
        assert second.retriever.lexical.search(query, 5) == first.retriever.lexical.search(query, 5)
    assert dict(second.retriever.lexical.document_frequency) == dict(first.retriever.lexical.document_frequency)


def test_a_lost_server_gives_a_dutch_message_not_a_traceback(tmp_path: Path) -> None:
    server = start_chroma(tmp_path / "chroma")
    settings = server_settings(tmp_path, server, embedder="e5")
    write_doc(settings, "a.md", DOC)
    try:
        build_index(settings)
        engine = Assistant(settings)
        assert engine.ask("Wanneer begon Alpha?").sources
    finally:
        server.stop()
    with pytest.raises(IndexUnavailable) as lost:
        engine.ask("Wanneer begon Alpha?")
    assert str(lost.value).startswith(f"De zoekindex op {server.url} is niet bereikbaar")
    with pytest.raises(IndexUnavailable):
        Assistant(replace(settings)).ask("Wanneer begon Alpha?")


def test_a_first_server_ingest_reuses_the_vectors_of_the_embedded_index_beside_it(
    tmp_path: Path, chroma: ChromaProcess
) -> None:
    embedded = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    write_doc(embedded, "a.md", DOC)
    build_index(embedded, embedder=HashEmbeddings())  # `make run` built index/ first

    embedder = HashEmbeddings()
    report = build_index(server_settings(tmp_path, chroma), embedder=embedder)  # then `make cluster`
    assert report.manifest is not None and not report.unchanged
    assert embedder.calls == 0 and report.embedded == 0 and report.reused > 0


def test_the_token_reaches_an_authenticating_proxy_in_front_of_chroma(tmp_path: Path, chroma: ChromaProcess) -> None:
    """nginx in front of Chroma admits only `Authorization: Bearer <token>` (docs/deploy.md)."""
    from tests.test_cluster import ensure_nginx

    nginx = ensure_nginx()
    port = free_port()
    temp = tmp_path / "nginx"
    (temp / "tmp").mkdir(parents=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (temp / "nginx.conf").write_text(
        f"""{user}worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp}/tmp;
    proxy_temp_path {temp}/tmp;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            if ($http_authorization != "Bearer geheim-123") {{ return 401; }}
            proxy_set_header Authorization "";
            proxy_pass {chroma.url};
        }}
    }}
}}
""",
        "utf-8",
    )
    proxy = subprocess.Popen(
        [nginx, "-p", str(temp), "-c", str(temp / "nginx.conf"), "-e", str(temp / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (temp / "nginx.pid").exists() or not _listening(port):
            assert proxy.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        settings = replace(server_settings(tmp_path, chroma), chroma_url=url, chroma_token="geheim-123")
        write_doc(settings, "a.md", DOC)
        assert build_index(settings, embedder=HashEmbeddings()).manifest is not None
        assert IndexStore.for_settings(settings).open_reader().chunks
        for token in ("fout", ""):
            with pytest.raises(IndexUnavailable) as refused:
                IndexStore.for_settings(replace(settings, chroma_token=token)).manifest()
            assert str(refused.value) == f"De zoekindex op {url} weigert de toegang. Controleer ASSISTANT_CHROMA_TOKEN."
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_app_does_not_start_without_its_chroma_server_and_says_why_in_dutch(tmp_path: Path) -> None:
    port = free_port()  # nobody listens here
    settings = Settings(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        var_dir=tmp_path / "var",
        chroma_url=f"http://127.0.0.1:{port}",
    )
    result = subprocess.run(
        [sys.executable, "ui.py", "--port", str(free_port())],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, **settings.paths_env()},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"Fusiewijzer kan niet starten: De zoekindex op http://127.0.0.1:{port} is niet bereikbaar." in result.stderr
