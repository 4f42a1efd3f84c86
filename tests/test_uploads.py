"""Uploads before they reach corpus/: size, type by content, safe names, atomic save/replace, and
removal only inside the corpus. Also the Beheer tab's document status list."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.admin import catalog as admin
from assistant.admin.uploads import UploadRefused, check_upload, remove_document, safe_name, save_upload
from assistant.config import Settings
from assistant.index.ingest import build_index
from assistant.index.records import SkippedFile
from tests.conftest import HashEmbeddings
from tests.fixtures.files import (
    EXE_BYTES,
    HTML_DOC,
    MD_DOC,
    PDF_PAGES,
    PNG_BYTES,
    make_broken_docx,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_swollen_docx,
    make_zip,
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    (tmp_path / "corpus").mkdir()
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", var_dir=tmp_path / "var")


def _file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notitie.md", MD_DOC),
        ("notitie.txt", "Een gewone notitie over samenwerking."),
        ("pagina.html", HTML_DOC),
        ("verslag.pdf", make_pdf(PDF_PAGES)),
        ("afspraken.docx", make_docx("Afspraken", [(1, "Kader", ["Tekst van het kader."])])),
    ],
)
def test_each_supported_format_is_accepted(settings: Settings, tmp_path: Path, name: str, data) -> None:
    assert check_upload(settings, _file(tmp_path, name, data)) == name


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("setup.pdf", EXE_BYTES, "de inhoud is geen PDF (de extensie .pdf klopt niet met de inhoud)."),
        ("foto.md", PNG_BYTES, "de inhoud is geen UTF-8-tekst (de extensie .md klopt niet)."),
        ("setup.txt", EXE_BYTES, "de inhoud is geen UTF-8-tekst (de extensie .txt klopt niet)."),
        ("nul.txt", b"tekst\x00\x00\x01 meer", "de inhoud bevat binaire gegevens; een .txt-bestand moet tekst zijn."),
        ("brief.docx", MD_DOC, "de inhoud is geen Word-document (de extensie .docx klopt niet met de inhoud)."),
        (
            "archief.docx",
            make_zip({"a.txt": b"x"}),
            "dit zip-bestand is geen Word-document (word/document.xml ontbreekt).",
        ),
        ("kapot.docx", make_broken_docx(), "het bestand is beschadigd of geen geldig Word-document."),
        (
            "tekst.html",
            "Gewoon tekst, geen opmaak.",
            "de inhoud is geen HTML (de extensie .html klopt niet met de inhoud).",
        ),
        ("geheim.pdf", make_encrypted_pdf(PDF_PAGES), "het bestand is versleuteld."),
        ("kapot.pdf", make_pdf(PDF_PAGES)[:150], "het bestand is beschadigd of geen geldige PDF."),
        ("leeg.pdf", make_pdf([[]]), "er staat geen leesbare tekst in (bijvoorbeeld een gescande PDF)."),
        ("leeg.md", "", "het bestand is leeg."),
        (
            "programma.exe",
            EXE_BYTES,
            "bestandstype '.exe' wordt niet ondersteund; toegestaan: .docx, .htm, .html, .md, .pdf, .txt.",
        ),
        ("data.xlsx", make_zip({"xl/workbook.xml": b"<x/>"}), "bestandstype '.xlsx' wordt niet ondersteund;"),
    ],
)
def test_content_must_match_the_extension(settings: Settings, tmp_path: Path, name: str, data, reason: str) -> None:
    with pytest.raises(UploadRefused) as error:
        check_upload(settings, _file(tmp_path, name, data))
    assert str(error.value).startswith(f"“{name}” is geweigerd: {reason}")
    assert error.value.name == name


def test_too_large_is_refused_with_both_sizes(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", max_upload_mb=0.01)
    big = _file(tmp_path, "groot.md", "# Groot\n\n" + "Een zin over samenwerking. " * 600)
    with pytest.raises(UploadRefused) as error:
        save_upload(settings, big)
    assert str(error.value) == "“groot.md” is geweigerd: het bestand is te groot (0,02 MB); de grens is 0,01 MB."
    assert not (tmp_path / "corpus").exists() or _tree(tmp_path / "corpus") == []


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("notitie.md", "notitie.md"),
        ("Verslag fusie 2024 (def).PDF", "Verslag-fusie-2024-def.pdf"),
        ("Ëvaluatie café.docx", "Evaluatie-cafe.docx"),
        ("a;rm -rf $HOME.txt", "a-rm-rf-HOME.txt"),
        ("<script>.html", "script.html"),
        ("$$$.md", "document.md"),
    ],
)
def test_names_are_made_safe(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("../../etc/passwd.md", "de bestandsnaam mag geen map, '..' of pad bevatten; geef alleen een bestandsnaam."),
        ("/etc/passwd.md", "de bestandsnaam mag geen map, '..' of pad bevatten"),
        ("..\\..\\boot.ini.txt", "de bestandsnaam mag geen map, '..' of pad bevatten"),
        ("map/notitie.md", "de bestandsnaam mag geen map, '..' of pad bevatten"),
        ("....etcpasswd.md", "de bestandsnaam mag geen map, '..' of pad bevatten"),
        (".verborgen.md", "verborgen bestanden (naam begint met een punt) worden niet opgenomen."),
        ("geen-extensie", "de bestandsnaam heeft geen extensie; toegestaan:"),
        ("README.md", "deze naam is gereserveerd"),
        ("x.meta.yaml", "deze naam is gereserveerd"),
        ("   ", "de bestandsnaam is leeg."),
    ],
)
def test_names_with_paths_or_hidden_names_are_refused(raw: str, reason: str) -> None:
    with pytest.raises(UploadRefused) as error:
        safe_name(raw)
    assert str(error.value).startswith(f"“{raw}” is geweigerd: {reason}")


def test_save_replace_and_remove_stay_inside_the_corpus(settings: Settings, tmp_path: Path) -> None:
    first = save_upload(settings, _file(tmp_path, "upload.tmp", MD_DOC), name="Zilvermeeuw regeling.md")
    assert (first.doc_id, first.replaced) == ("uploads/Zilvermeeuw-regeling.md", False)
    assert first.message == (
        "uploads/Zilvermeeuw-regeling.md is toegevoegd. Klik op “Opnieuw indexeren” om het doorzoekbaar te maken."
    )
    second = save_upload(settings, _file(tmp_path, "Zilvermeeuw regeling.md", MD_DOC.replace("2031", "2032")))
    assert (second.doc_id, second.replaced) == ("uploads/Zilvermeeuw-regeling.md", True)
    assert "2032" in second.path.read_text("utf-8")
    assert _tree(settings.corpus_dir) == ["uploads/Zilvermeeuw-regeling.md"]  # no temporary files left

    case = save_upload(settings, _file(tmp_path, "casus.md", MD_DOC), folder="cases/2024")
    assert case.doc_id == "cases/2024/casus.md"
    for folder in ("../buiten", "/tmp", ".verborgen", "cases/../../x", "a b"):
        with pytest.raises(UploadRefused, match="deze map ligt niet binnen het corpus of heeft een ongeldige naam."):
            save_upload(settings, _file(tmp_path, "casus.md", MD_DOC), folder=folder)

    outside = tmp_path / "buiten.md"
    outside.write_text("blijf af", "utf-8")
    for doc_id in ("../buiten.md", str(outside), "uploads/../../buiten.md", "", "uploads"):
        with pytest.raises(UploadRefused):
            remove_document(settings, doc_id)
    assert outside.read_text("utf-8") == "blijf af"
    with pytest.raises(UploadRefused, match="dit document bestaat niet"):
        remove_document(settings, "uploads/bestaat-niet.md")

    (settings.corpus_dir / "cases" / "2024" / "casus.meta.yaml").write_text("type: case\n", "utf-8")
    remove_document(settings, "cases/2024/casus.md")
    assert _tree(settings.corpus_dir) == ["uploads/Zilvermeeuw-regeling.md"]  # sidecar removed too


def test_a_failed_copy_leaves_no_partial_file(settings: Settings, tmp_path: Path, monkeypatch) -> None:
    def broken_replace(src, dst):
        raise OSError("schijf vol")

    monkeypatch.setattr("assistant.admin.uploads.os.replace", broken_replace)
    with pytest.raises(OSError, match="schijf vol"):
        save_upload(settings, _file(tmp_path, "notitie.md", MD_DOC))
    assert _tree(settings.corpus_dir) == []


def test_symlink_out_of_the_corpus_is_not_followed(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "elders").mkdir()
    (settings.corpus_dir / "uploads").symlink_to(tmp_path / "elders")
    with pytest.raises(UploadRefused, match="dit pad ligt buiten de documentenmap."):
        save_upload(settings, _file(tmp_path, "notitie.md", MD_DOC))
    assert list((tmp_path / "elders").iterdir()) == []


def test_document_status_follows_corpus_and_index(settings: Settings, tmp_path: Path) -> None:
    save_upload(settings, _file(tmp_path, "a.md", MD_DOC))
    save_upload(settings, _file(tmp_path, "b.md", "# Beta\n\n## Bestuur\n\nBeta heeft een directeur.\n"))
    assert {s.doc: s.status for s in admin.document_statuses(settings)} == {
        "uploads/a.md": admin.NEW,
        "uploads/b.md": admin.NEW,
    }
    build_index(settings, embedder=HashEmbeddings())
    (settings.corpus_dir / "uploads" / "kapot.pdf").write_bytes(b"%PDF-1.4 kapot")
    (settings.corpus_dir / "uploads" / "b.md").write_text("# Beta\n\n## Bestuur\n\nBeta heeft een raad.\n", "utf-8")
    save_upload(settings, _file(tmp_path, "c.md", MD_DOC))
    build_index(settings, embedder=HashEmbeddings())
    (settings.corpus_dir / "uploads" / "b.md").write_text("# Beta\n\nGewijzigd.\n", "utf-8")
    remove_document(settings, "uploads/c.md")
    save_upload(settings, _file(tmp_path, "d.md", MD_DOC))

    statuses = {s.doc: s for s in admin.document_statuses(settings)}
    assert {doc: s.status for doc, s in statuses.items()} == {
        "uploads/a.md": admin.INDEXED,
        "uploads/b.md": admin.CHANGED,
        "uploads/c.md": admin.REMOVED,
        "uploads/d.md": admin.NEW,
        "uploads/kapot.pdf": admin.SKIPPED,
    }
    a = statuses["uploads/a.md"]
    assert (a.title, a.type, a.chunks, len(a.sha256)) == ("De Zilvermeeuwregeling van Walvisdorp", "case", 2, 64)
    assert statuses["uploads/kapot.pdf"].reason == "kapot.pdf overgeslagen: is beschadigd of geen geldige PDF."
    assert admin.summary(list(statuses.values())) == "1 geïndexeerd, 1 overgeslagen, 3 wacht op “Opnieuw indexeren”."
    row = a.row()
    assert row[:5] == ["uploads/a.md", "De Zilvermeeuwregeling van Walvisdorp", "praktijkvoorbeeld", admin.INDEXED, 2]
    assert admin.folder_choices(settings) == ["uploads"]

    result = admin.reindex(settings, embedder=HashEmbeddings())
    assert result.message.startswith("Index bijgewerkt in ") and "3 documenten" in result.message
    assert "Overgeslagen: kapot.pdf overgeslagen: is beschadigd of geen geldige PDF." in result.message
    after = admin.document_statuses(settings)
    assert admin.summary(after) == "3 geïndexeerd, 1 overgeslagen; de index is bij."
    assert admin.reindex(settings, embedder=HashEmbeddings()).message.startswith("De index was al bij: 3 documenten")


@pytest.mark.parametrize(
    ("padding_mb", "reason"),
    [
        (48, "pakt uit tot 48 MB; de grens is 40 MB."),
        (5, "is verdacht sterk gecomprimeerd (meer dan 100 keer); het wordt niet gelezen."),
    ],
)
def test_a_docx_that_unpacks_large_is_refused_before_parsing(
    settings: Settings, tmp_path: Path, padding_mb: int, reason: str
) -> None:
    data = make_swollen_docx(padding_mb)
    assert len(data) < 300 * 1024  # small on the wire
    with pytest.raises(UploadRefused) as refused:
        check_upload(settings, _file(tmp_path, "bom.docx", data))
    assert str(refused.value) == f"“bom.docx” is geweigerd: het bestand {reason}"
    # Placed in the corpus directly, ingest skips it by name and indexes the rest.
    (settings.corpus_dir / "bom.docx").write_bytes(data)
    (settings.corpus_dir / "a.md").write_text("# A\n\nTekst over de fusie.\n", "utf-8")
    report = build_index(settings, embedder=HashEmbeddings())
    assert report.skipped == [SkippedFile("bom.docx", f"bom.docx overgeslagen: {reason}")]
