"""Index versions on real Chroma: reuse of unchanged vectors, deletions, failures, bad files.
The embedder is a deterministic stand-in: these tests are about indexing, not about retrieval."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from assistant.config import Settings
from assistant.errors import CorpusEmpty
from assistant.index.ingest import build_index
from assistant.index.reader import IndexReader
from assistant.index.store import IndexStore
from tests.conftest import HashEmbeddings

DOC_A = "---\ntitle: Alpha\ntype: case\n---\n# Alpha\n\n## Start\n\nAlpha begon in 2013 met twee gemeenten.\n"
DOC_B = "# Beta\n\n## Bestuur\n\nBeta heeft een algemeen directeur. Het bestuur bestaat uit colleges.\n"


def _write(settings: Settings, name: str, text: str) -> None:
    path = settings.corpus_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def _chunk_texts(settings: Settings) -> list[str]:
    return sorted(c.text for c in IndexStore(settings.index_dir).open_reader().chunks)


def test_reingest_embeds_only_what_changed_and_drops_deleted_documents(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    _write(tiny_settings, "b.md", DOC_B)
    embedder = HashEmbeddings()
    first = build_index(tiny_settings, embedder=embedder)
    assert first.embedded > 0 and first.reused == 0

    unchanged = build_index(tiny_settings, embedder=embedder)
    assert unchanged.unchanged and unchanged.manifest.version == first.manifest.version

    _write(tiny_settings, "b.md", DOC_B.replace("algemeen directeur", "directieraad"))
    changed = build_index(tiny_settings, embedder=embedder)
    assert changed.reused > 0  # a.md's chunk and sentence came from the previous version
    assert changed.embedded == 2  # b.md: one chunk + its first sentence changed
    assert any("directieraad" in t for t in _chunk_texts(tiny_settings))
    assert not any("algemeen directeur" in t for t in _chunk_texts(tiny_settings))

    (tiny_settings.corpus_dir / "b.md").unlink()
    removed = build_index(tiny_settings, embedder=embedder)
    texts = _chunk_texts(tiny_settings)
    assert all("Beta" not in t and "directieraad" not in t for t in texts)
    assert len(texts) == len(set(texts)) == 1
    docs = {d.doc: d for d in removed.manifest.documents}
    assert list(docs) == ["a.md"] and docs["a.md"].chunks == 1 and len(docs["a.md"].sha256) == 64


def test_a_document_cut_differently_is_indexed_again(tiny_settings: Settings) -> None:
    # Same files, another chunker (here: another ASSISTANT_CHUNK_CHARS): the index must follow.
    # It used to say "up to date" and keep the old chunks until the files themselves changed.
    _write(tiny_settings, "a.md", DOC_A)
    _write(tiny_settings, "b.md", DOC_B)
    embedder = HashEmbeddings()
    build_index(tiny_settings, embedder=embedder)
    assert len(_chunk_texts(tiny_settings)) == 2

    narrow = replace(tiny_settings, chunk_chars=40)
    recut = build_index(narrow, embedder=embedder)
    assert not recut.unchanged
    assert recut.reused > 0  # a.md's chunk is cut as before: its vector is taken over
    assert len(_chunk_texts(narrow)) == 3  # b.md's two sentences now stand in two chunks
    assert build_index(narrow, embedder=embedder).unchanged


def test_an_index_written_by_a_newer_version_is_still_read(tiny_settings: Settings) -> None:
    # A newer version may record more per document (as `chunking` was added); rolling back to this
    # code must keep the index answering and up to date, not read it as "no index".
    _write(tiny_settings, "a.md", DOC_A)
    first = build_index(tiny_settings, embedder=HashEmbeddings())
    current = tiny_settings.index_dir / "current.json"
    data = json.loads(current.read_text("utf-8"))
    data["written_by"] = "a later release"
    for document in data["documents"]:
        document["language"] = "nl"
    current.write_text(json.dumps(data), "utf-8")

    store = IndexStore(tiny_settings.index_dir)
    assert store.manifest() == first.manifest
    assert [c.text for c in store.open_reader().chunks] == ["Alpha begon in 2013 met twee gemeenten."]
    assert build_index(tiny_settings, embedder=HashEmbeddings()).unchanged


class FailingEmbeddings(HashEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise RuntimeError("embedding died half-way")


def test_failed_ingest_leaves_the_previous_index_answering(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    build_index(tiny_settings, embedder=HashEmbeddings())
    before = IndexStore(tiny_settings.index_dir).manifest()

    _write(tiny_settings, "b.md", DOC_B)
    with pytest.raises(RuntimeError):
        build_index(tiny_settings, embedder=FailingEmbeddings())

    store = IndexStore(tiny_settings.index_dir)
    assert store.manifest() == before
    reader = store.open_reader()
    assert [c.text for c in reader.chunks] == ["Alpha begon in 2013 met twee gemeenten."]
    assert reader.dense(HashEmbeddings().embed_query("Alpha 2013"), 3)


def test_unreadable_files_are_skipped_by_name_and_the_rest_indexed(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    (tiny_settings.corpus_dir / "latin1.txt").write_bytes("Caf\xe9 in Laren".encode("latin-1"))
    (tiny_settings.corpus_dir / "leeg.md").write_text("   \n", "utf-8")
    (tiny_settings.corpus_dir / "kapot.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tiny_settings.corpus_dir / "data.xlsx").write_bytes(b"PK\x03\x04")
    (tiny_settings.corpus_dir / "notitie.txt").write_text("Notitie\n\nOver de raad.\n", "utf-8")
    (tiny_settings.corpus_dir / "notitie.meta.yaml").write_text("title: [niet afgesloten\ntype: case\n", "utf-8")
    report = build_index(tiny_settings, embedder=HashEmbeddings())
    reasons = {item.file: item.reason for item in report.skipped}
    assert reasons == {
        "data.xlsx": "data.xlsx overgeslagen: bestandstype '.xlsx' wordt niet ondersteund.",
        "kapot.pdf": "kapot.pdf overgeslagen: is beschadigd of geen geldige PDF.",
        "latin1.txt": "latin1.txt overgeslagen: is geen UTF-8-tekst.",
        "leeg.md": "leeg.md overgeslagen: is leeg of bevat geen tekst.",
        "notitie.txt": "notitie.txt overgeslagen: de metadata in notitie.meta.yaml is geen geldige YAML (regel 2).",
    }
    assert [d.doc for d in report.manifest.documents] == ["a.md"]


def test_a_corpus_with_nothing_readable_keeps_the_old_index(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    build_index(tiny_settings, embedder=HashEmbeddings())
    before = IndexStore(tiny_settings.index_dir).manifest()
    (tiny_settings.corpus_dir / "a.md").write_text("", "utf-8")
    with pytest.raises(CorpusEmpty):
        build_index(tiny_settings, embedder=HashEmbeddings())
    assert IndexStore(tiny_settings.index_dir).manifest() == before


@pytest.mark.slow
def test_killed_ingest_leaves_the_previous_index_answering(handbook_settings: Settings, tmp_path) -> None:
    """`assistant ingest` killed mid-way (SIGKILL while embedding) must not touch the live index."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    from assistant.answers.pipeline import Assistant

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(handbook_settings.corpus_dir, corpus)
    shutil.copytree(handbook_settings.index_dir, index)
    settings = Settings(corpus_dir=corpus, index_dir=index, var_dir=tmp_path / "var")
    before = IndexStore(index).manifest()
    handbook = corpus / "handreiking-ambtelijke-fusie-groei.txt"
    (corpus / "kopie.txt").write_text(handbook.read_text("utf-8").replace("GROEI", "GROEI-kopie"), "utf-8")

    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(index)}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest"], env=env, stderr=subprocess.PIPE, text=True
    )
    # Wait until embedding has visibly started (the progress bar), then kill without warning.
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and "embedding" not in process.stderr.read(64):
        pass
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    assert IndexStore(index).manifest() == before
    answer = Assistant(settings).ask("Wat is een Gideonsbende?")
    assert answer.answered and "Gideonsbende" in answer.sources[0].chunk.section_label


def test_a_new_version_is_noticed_by_a_running_reader_at_its_next_question(tiny_settings: Settings) -> None:
    """The live version is checked before every question from the manifest file's identity (parsed
    again only when it changed): a re-ingest must still be seen at once, also in the same second."""
    _write(tiny_settings, "a.md", DOC_A)
    embedder = HashEmbeddings()
    store = IndexStore(tiny_settings.index_dir)
    first = build_index(tiny_settings, embedder=embedder).manifest.version
    assert store.live_version() == first and store.live_version() == first
    for text in (DOC_B, DOC_B.replace("directeur", "bestuurder")):
        _write(tiny_settings, "b.md", text)
        newer = build_index(tiny_settings, embedder=embedder).manifest.version
        assert newer != first and store.live_version() == newer
        first = newer


def test_ingest_saves_the_sentence_table_and_centroids_that_readers_would_work_out(tiny_settings: Settings) -> None:
    _write(tiny_settings, "a.md", DOC_A)
    _write(tiny_settings, "b.md", DOC_B)
    version = build_index(tiny_settings, embedder=HashEmbeddings()).manifest.version
    store = IndexStore(tiny_settings.index_dir)
    folder = store.derived_dir(version)
    assert (folder / "sentences" / "vectors.npy").is_file() and (folder / "centroids.npy").is_file()
    saved = store.open_reader()
    worked_out = IndexReader(saved.manifest, saved._chunks, saved._sentences)  # no folder: from Chroma
    assert np.allclose(saved.centroids(), worked_out.centroids(), atol=1e-6)
    ids = [c.id for c in saved.chunks]
    assert [r for r, _ in saved.sentence_vectors(ids)] == [r for r, _ in worked_out.sentence_vectors(ids)]
