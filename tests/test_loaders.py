"""Every corpus format on small real files: text, headings -> section paths, titles, PDF pages in
chunks, exact messages for unreadable files, and one ingest over all formats on real Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus.chunking import chunk_document
from assistant.corpus.documents import build_document
from assistant.corpus.loaders import load_document
from assistant.errors import UnreadableDocument
from assistant.index.ingest import build_index
from assistant.index.records import SkippedFile
from assistant.index.store import IndexStore
from tests.conftest import HashEmbeddings
from tests.fixtures.files import (
    PDF_PAGES,
    make_broken_docx,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_zip,
    write_all_formats,
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_all_formats(tmp_path / "corpus")
    return tmp_path / "corpus"


def _load(corpus: Path, name: str):
    raw = load_document(corpus / name, corpus)
    document = build_document(raw)
    return raw, document, chunk_document(document, 550)


def _paths(document) -> list[tuple[str, ...]]:
    return [s.path for s in document.sections]


def test_txt_is_laid_out_text_titled_by_its_first_line(corpus: Path) -> None:
    raw, document, chunks = _load(corpus, "zandsuppletie.txt")
    assert raw.layout == "laid-out" and raw.doc_id == "zandsuppletie.txt" and len(raw.sha256) == 64
    assert "De zandsuppletie bij Strandwijk kost jaarlijks veel geld." in document.text
    assert [c.text for c in chunks] == ["De zandsuppletie bij Strandwijk kost jaarlijks veel geld."]


def test_md_front_matter_gives_title_and_type_and_headings_give_paths(corpus: Path) -> None:
    raw, document, chunks = _load(corpus, "zilvermeeuw.md")
    assert raw.metadata == {"title": "De Zilvermeeuwregeling van Walvisdorp", "type": "case"}
    assert "---" not in raw.text and "title:" not in raw.text
    assert document.title == "De Zilvermeeuwregeling van Walvisdorp"
    assert _paths(document) == [
        ("De Zilvermeeuwregeling van Walvisdorp", "Aanleiding"),
        ("De Zilvermeeuwregeling van Walvisdorp", "Uitvoering"),
    ]
    assert {c.doc_type for c in chunks} == {"case"}
    assert chunks[1].section[-1] == "Uitvoering" and "mosselen te rapen" in chunks[1].text


def test_pdf_text_title_and_page_numbers_reach_the_chunks(corpus: Path) -> None:
    raw, document, chunks = _load(corpus, "duinhoven.pdf")
    assert raw.layout == "laid-out" and len(raw.page_texts) == 2
    assert raw.metadata == {"title": "Duinhovenverslag 2030"} and document.title == "Duinhovenverslag 2030"
    assert raw.page_texts[0].splitlines()[:2] == PDF_PAGES[0][:2]  # pypdf reads back what was written
    assert "Zin 8 op bladzijde twee" in document.text
    pages = [c.page for c in chunks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == 2
    for chunk in chunks:
        first_words = chunk.text.split(":")[0]
        assert first_words in raw.page_texts[chunk.page - 1]


def test_docx_heading_styles_become_section_paths(corpus: Path) -> None:
    raw, document, chunks = _load(corpus, "kwelderburg.docx")
    assert raw.layout == "markdown" and raw.metadata == {"title": "Afspraken Kwelderburg"}
    assert raw.text.startswith("# Kwelderburg en Slikhaven\n\n## Kader")
    assert _paths(document) == [("Afspraken Kwelderburg", "Kader"), ("Afspraken Kwelderburg", "Kader", "Financien")]
    assert [c.text for c in chunks] == [
        "Het kader beschrijft de afspraken tussen Kwelderburg en Slikhaven.",
        "De kosten worden verdeeld naar inwonertal van Kwelderburg en Slikhaven.",
    ]


def test_docx_without_core_title_is_titled_by_its_title_paragraph(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_bytes(make_docx("Notulen Slikhaven", [(1, "Besluit", ["Het besluit is genomen."])]))
    raw, document, _ = _load(tmp_path, "a.docx")
    assert document.title == "Notulen Slikhaven" and _paths(document) == [("Notulen Slikhaven", "Besluit")]


def test_html_drops_script_nav_style_and_footer(corpus: Path) -> None:
    raw, document, chunks = _load(corpus, "zeewierdam.html")
    assert raw.metadata == {"title": "Kustgemeente Zeewierdam"}
    for hidden in ("GEHEIM-SCRIPT", "tracker", "MENU-NAVIGATIE", "Home", "color: red", "VOETTEKST-COLOFON"):
        assert hidden not in raw.text and hidden not in document.text
    assert _paths(document) == [
        ("Kustgemeente Zeewierdam", "Samenwerking"),
        ("Kustgemeente Zeewierdam", "Samenwerking", "Loket"),
    ]
    assert "• Een gezamenlijke directie" in chunks[0].text
    assert chunks[1].text == "Het loket van Zeewierdam is open op woensdag."


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("geheim.pdf", make_encrypted_pdf(PDF_PAGES), "geheim.pdf overgeslagen: is versleuteld."),
        ("kapot.pdf", make_pdf(PDF_PAGES)[:200], "kapot.pdf overgeslagen: is beschadigd of geen geldige PDF."),
        (
            "leeg-zip.docx",
            make_zip({"a.txt": b"x"}),
            "leeg-zip.docx overgeslagen: is beschadigd of geen geldig Word-document.",
        ),
        (
            "tabel.xlsx",
            make_zip({"xl/workbook.xml": b"<x/>"}),
            "tabel.xlsx overgeslagen: bestandstype '.xlsx' wordt niet ondersteund.",
        ),
        ("foto.png", b"\x89PNG\r\n\x1a\n", "foto.png overgeslagen: bestandstype '.png' wordt niet ondersteund."),
    ],
)
def test_unreadable_files_raise_a_message_naming_the_file(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(UnreadableDocument) as error:
        load_document(tmp_path / name, tmp_path)
    assert str(error.value) == message and error.value.name == name


@pytest.mark.parametrize("data", [b"dit is geen Word-document", make_broken_docx()], ids=["not-a-zip", "broken-xml"])
def test_corrupt_docx_raises_unreadable_document(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "kapot.docx").write_bytes(data)
    with pytest.raises(UnreadableDocument) as error:
        load_document(tmp_path / "kapot.docx", tmp_path)
    assert str(error.value) == "kapot.docx overgeslagen: is beschadigd of geen geldig Word-document."


def test_ingest_of_every_format_lists_each_document_with_its_chunks(corpus: Path, tmp_path: Path) -> None:
    (corpus / "geheim.pdf").write_bytes(make_encrypted_pdf(PDF_PAGES))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    report = build_index(settings, embedder=HashEmbeddings())
    docs = {d.doc: d for d in report.manifest.documents}
    assert {doc: d.chunks for doc, d in docs.items()} == {
        "duinhoven.pdf": 3,
        "kwelderburg.docx": 2,
        "zandsuppletie.txt": 1,
        "zeewierdam.html": 2,
        "zilvermeeuw.md": 2,
    }
    assert docs["zilvermeeuw.md"].title == "De Zilvermeeuwregeling van Walvisdorp"
    assert docs["zilvermeeuw.md"].type == "case"
    assert all(len(d.sha256) == 64 and d.modified.endswith("Z") for d in docs.values())
    assert report.skipped == [SkippedFile("geheim.pdf", "geheim.pdf overgeslagen: is versleuteld.")]

    reader = IndexStore(settings.index_dir).open_reader()
    assert sorted({c.doc_id for c in reader.chunks}) == sorted(docs)
    assert {c.page for c in reader.chunks if c.doc_id == "duinhoven.pdf"} == {1, 2}
    hits = reader.dense(HashEmbeddings().embed_query("het loket van Zeewierdam is open op woensdag"), 1)
    assert reader.by_id[hits[0][0]].section == ("Kustgemeente Zeewierdam", "Samenwerking", "Loket")
