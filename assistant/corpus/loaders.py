"""Corpus files -> raw documents (text + metadata), one small function per format.

Each loader returns text in one of two shapes, named by `layout`:
- "laid-out": text extracted from a printed page (txt, pdf), cleaned by `cleaning.py`;
- "markdown": text with `#` headings (md, and html/docx converted to it).
A file that cannot be read raises `UnreadableDocument` naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import UnreadableDocument

SIDECAR_SUFFIX = ".meta.yaml"
# A .docx is a zip: bound what it unpacks to before any XML is parsed (a 0.5 MB upload that
# unpacked to 150 MB of XML took 335 s and 1.4 GB to check). The whole handbook is 0.4 MB of text,
# some 4 MB as Word XML; 40 MB leaves room for long documents with images. Word's XML deflates
# 5-20x and images barely at all; a member packed more than 100x is repetition made to swell.
MAX_DOCX_UNPACKED = 40 * 1024 * 1024
MAX_DOCX_RATIO = 100


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    path: Path
    text: str
    layout: str  # laid-out | markdown
    metadata: dict[str, Any] = field(default_factory=dict)
    page_texts: tuple[str, ...] = ()  # per page, for formats that have pages
    sha256: str = ""


def _read_utf8(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(path.name, f"kan niet gelezen worden ({error.strerror}).") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(path.name, "is geen UTF-8-tekst.") from error


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter between leading '---' lines -> (metadata, body)."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end == -1:
        return {}, text
    try:
        metadata = yaml.safe_load(text[3:end]) or {}
    except yaml.YAMLError:
        return {}, text
    body = text[end + 4 :].lstrip("\n")
    return (metadata if isinstance(metadata, dict) else {}), body


def load_txt(path: Path) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    return _read_utf8(path), "laid-out", {}, ()


def load_md(path: Path) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    metadata, body = split_front_matter(_read_utf8(path))
    return body, "markdown", metadata, ()


def load_pdf(path: Path) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    from pypdf import PdfReader

    # pypdf logs its repairs ("EOF marker not found"); a damaged file is reported once, below.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise UnreadableDocument(path.name, "is versleuteld.")
        pages = tuple(page.extract_text() or "" for page in reader.pages)
    except UnreadableDocument:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf, like python-docx, fails in many ways on damaged files
        raise UnreadableDocument(path.name, "is beschadigd of geen geldige PDF.") from error
    info = reader.metadata or {}
    metadata = {"title": str(info.title)} if getattr(info, "title", None) else {}
    # Blank lines between the extracted lines give the laid-out cleaner its paragraph cues;
    # a leading space marks a page start, as in the handbook's extraction.
    text = "\n\n".join(" " + "\n\n".join(page.splitlines()) for page in pages)
    return text, "laid-out", metadata, pages


def check_docx_unpacked(path: Path) -> None:
    """UnreadableDocument if the zip unpacks to too much or a member is compressed too strongly
    (a zip bomb); reads only the zip's directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        raise UnreadableDocument(path.name, "is beschadigd of geen geldig Word-document.") from error
    total = sum(e.file_size for e in entries)
    if total > MAX_DOCX_UNPACKED:
        raise UnreadableDocument(
            path.name,
            f"pakt uit tot {total // (1024 * 1024)} MB; de grens is {MAX_DOCX_UNPACKED // (1024 * 1024)} MB.",
        )
    if any(e.file_size > MAX_DOCX_RATIO * max(e.compress_size, 1) and e.file_size > 1024 * 1024 for e in entries):
        raise UnreadableDocument(
            path.name, f"is verdacht sterk gecomprimeerd (meer dan {MAX_DOCX_RATIO} keer); het wordt niet gelezen."
        )


def load_docx(path: Path) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    from docx import Document as DocxDocument

    check_docx_unpacked(path)
    try:
        doc = DocxDocument(str(path))
    # python-docx raises many kinds of error on a damaged file (not a zip, broken XML parts);
    # whatever it raises, this one file is unreadable and the rest of the corpus goes on.
    except Exception as error:  # noqa: BLE001
        raise UnreadableDocument(path.name, "is beschadigd of geen geldig Word-document.") from error
    lines: list[str] = []
    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name or "").lower() if para.style is not None else ""
        if style == "title":
            lines.append(f"# {text}")
        elif style.startswith("heading"):
            level = int(style.split()[-1]) if style.split()[-1].isdigit() else 1
            lines.append(f"{'#' * min(level + 1, 4)} {text}")
        else:
            lines.append(text)
    title = doc.core_properties.title
    return "\n\n".join(lines), "markdown", ({"title": title} if title else {}), ()


def load_html(path: Path) -> tuple[str, str, dict[str, Any], tuple[str, ...]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_utf8(path), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript", "template"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    lines: list[str] = []
    for element in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "td"]):
        text = element.get_text(" ", strip=True)
        if not text:
            continue
        if element.name in ("h1", "h2", "h3", "h4"):
            lines.append(f"{'#' * int(element.name[1])} {text}")
        elif element.name == "li":
            lines.append(f"• {text}")
        else:
            lines.append(text)
    return "\n\n".join(lines), "markdown", ({"title": title} if title else {}), ()


LOADERS: dict[str, Callable[[Path], tuple[str, str, dict[str, Any], tuple[str, ...]]]] = {
    ".txt": load_txt,
    ".md": load_md,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_path(path)
    if sidecar.exists():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def load_document(path: Path, root: Path) -> RawDocument:
    """Read one corpus file. Raises UnreadableDocument with a message naming the file."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableDocument(path.name, f"bestandstype '{path.suffix}' wordt niet ondersteund.")
    try:
        sha = file_sha256(path)
    except OSError as error:
        raise UnreadableDocument(path.name, f"kan niet gelezen worden ({error.strerror}).") from error
    text, layout, metadata, pages = loader(path)
    if not text.strip():
        raise UnreadableDocument(path.name, "is leeg of bevat geen tekst.")
    sidecar = sidecar_path(path)
    if sidecar.exists():
        metadata = {**metadata, **_sidecar_metadata(path, sidecar)}
    doc_id = path.relative_to(root).as_posix()
    return RawDocument(doc_id, path, text, layout, metadata, pages, sha)


def _sidecar_metadata(path: Path, sidecar: Path) -> dict[str, Any]:
    """The metadata in `<name>.meta.yaml` beside a document. A sidecar that is no YAML mapping
    makes the document unreadable (named with the reason), never an ingest that stops."""
    try:
        loaded = yaml.safe_load(_read_utf8(sidecar)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark is not None else ""
        raise UnreadableDocument(path.name, f"de metadata in {sidecar.name} is geen geldige YAML{where}.") from None
    if not isinstance(loaded, dict):
        raise UnreadableDocument(path.name, f"de metadata in {sidecar.name} is geen lijst van velden.")
    return loaded


def corpus_files(root: Path) -> list[Path]:
    """Every candidate document under `root`, in a stable order; sidecars and hidden files out."""
    files = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not p.name.endswith(SIDECAR_SUFFIX)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and p.name.lower() != "readme.md"
    ]
    return files
