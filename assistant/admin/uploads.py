"""Checks on a file before it enters corpus/, and saving, replacing and removing corpus files.

An upload is refused (UploadRefused, a Dutch message naming the file) when it is too large, when
its name is not a plain file name, when its type is not supported, or when its content does not
match its extension: the type is decided by the bytes (%PDF, a zip with word/document.xml, UTF-8
text), never by the name alone. Accepted files are written atomically into a folder of the corpus
(default `uploads/`); a file with the same name is replaced. Nothing is ever written or deleted
outside `settings.corpus_dir`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.corpus.loaders import LOADERS, SIDECAR_SUFFIX
from assistant.errors import AssistantError, UnreadableDocument
from assistant.text.markup import CONTROL_RE

DEFAULT_FOLDER = "uploads"
TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
MAX_NAME_CHARS = 120
ZIP_EXPANSION = 20  # a .docx may unpack to at most this many times the upload limit
UNSAFE_CHARS_RE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(AssistantError):
    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(f"“{name}” is geweigerd: {reason}")


@dataclass(frozen=True)
class SavedUpload:
    doc_id: str  # path relative to the corpus, as in the index manifest
    path: Path
    replaced: bool

    @property
    def message(self) -> str:
        verb = "vervangen" if self.replaced else "toegevoegd"
        return f"{self.doc_id} is {verb}. Klik op “Opnieuw indexeren” om het doorzoekbaar te maken."


def _mb(n_bytes: float) -> str:
    return f"{n_bytes / 1024 / 1024:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def safe_name(name: str) -> str:
    """A plain, safe file name, or UploadRefused. Names with folders, '..', or a leading dot are
    refused (not silently repaired); spaces, accents and other characters become '-'."""
    raw = name or ""
    if not raw.strip():
        raise UploadRefused(raw, "de bestandsnaam is leeg.")
    if "/" in raw or "\\" in raw or ".." in raw or "\x00" in raw:
        raise UploadRefused(raw, "de bestandsnaam mag geen map, '..' of pad bevatten; geef alleen een bestandsnaam.")
    if raw.strip().startswith("."):
        raise UploadRefused(raw, "verborgen bestanden (naam begint met een punt) worden niet opgenomen.")
    stem, dot, suffix = raw.strip().rpartition(".")
    if not dot or not stem:
        raise UploadRefused(raw, f"de bestandsnaam heeft geen extensie; toegestaan: {_allowed()}.")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    clean = re.sub(r"-{2,}", "-", UNSAFE_CHARS_RE.sub("-", ascii_stem)).strip("-._")[:MAX_NAME_CHARS] or "document"
    result = f"{clean}.{suffix.lower()}"
    if result.lower() == "readme.md" or result.endswith(SIDECAR_SUFFIX):
        raise UploadRefused(raw, "deze naam is gereserveerd (README.md en .meta.yaml worden niet geïndexeerd).")
    return result


def _allowed() -> str:
    return ", ".join(sorted(LOADERS))


def _check_content(path: Path, name: str, suffix: str, max_bytes: int) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    if suffix == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadRefused(name, "de inhoud is geen PDF (de extensie .pdf klopt niet met de inhoud).")
    elif suffix == ".docx":
        if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
            raise UploadRefused(name, "de inhoud is geen Word-document (de extensie .docx klopt niet met de inhoud).")
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if "word/document.xml" not in {e.filename for e in entries}:
                raise UploadRefused(name, "dit zip-bestand is geen Word-document (word/document.xml ontbreekt).")
            if sum(e.file_size for e in entries) > ZIP_EXPANSION * max_bytes:
                raise UploadRefused(name, "het Word-document pakt uit tot een onredelijk grote omvang.")
    elif suffix in TEXT_SUFFIXES:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadRefused(name, f"de inhoud is geen UTF-8-tekst (de extensie {suffix} klopt niet).") from None
        if CONTROL_RE.search(text):
            raise UploadRefused(name, f"de inhoud bevat binaire gegevens; een {suffix}-bestand moet tekst zijn.")
        if suffix in (".html", ".htm") and not re.search(r"<\s*(html|body|p|h[1-6]|div)\b", text, re.IGNORECASE):
            raise UploadRefused(name, f"de inhoud is geen HTML (de extensie {suffix} klopt niet met de inhoud).")
    try:  # the loader that ingest will use must be able to read it (e.g. not an encrypted PDF)
        text = LOADERS[suffix](path)[0]
    except UnreadableDocument as error:
        raise UploadRefused(name, "het bestand " + str(error).split(": ", 1)[-1]) from None
    except Exception:  # noqa: BLE001 - parsers raise many types for damaged files; ingest must never see one
        raise UploadRefused(name, "het bestand is beschadigd en kan niet gelezen worden.") from None
    if not text.strip():
        raise UploadRefused(name, "er staat geen leesbare tekst in (bijvoorbeeld een gescande PDF).")


def check_upload(settings: Settings, source: Path, name: str | None = None) -> str:
    """Check a file about to enter the corpus; returns its safe name or raises UploadRefused."""
    shown = name if name is not None else source.name
    target = safe_name(shown)
    suffix = Path(target).suffix
    if suffix not in LOADERS:
        raise UploadRefused(shown, f"bestandstype '{suffix}' wordt niet ondersteund; toegestaan: {_allowed()}.")
    max_bytes = int(settings.max_upload_mb * 1024 * 1024)
    size = source.stat().st_size
    if size > max_bytes:
        raise UploadRefused(shown, f"het bestand is te groot ({_mb(size)}); de grens is {_mb(max_bytes)}.")
    if size == 0:
        raise UploadRefused(shown, "het bestand is leeg.")
    _check_content(source, shown, suffix, max_bytes)
    return target


def corpus_folder(settings: Settings, folder: str = DEFAULT_FOLDER) -> Path:
    """A folder inside the corpus: plain names separated by '/', nothing hidden, no '..'."""
    folder = folder or DEFAULT_FOLDER
    parts = [p for p in folder.replace("\\", "/").split("/") if p]
    if (
        not parts
        or folder.startswith(("/", "\\"))
        or any(p in (".", "..") or p.startswith(".") or UNSAFE_CHARS_RE.search(p) for p in parts)
    ):
        raise UploadRefused(folder, "deze map ligt niet binnen het corpus of heeft een ongeldige naam.")
    return inside_corpus(settings, settings.corpus_dir.joinpath(*parts), folder)


def inside_corpus(settings: Settings, path: Path, shown: str) -> Path:
    root = settings.corpus_dir.resolve()
    resolved = path.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise UploadRefused(shown, "dit pad ligt buiten de documentenmap.")
    return resolved


def save_upload(settings: Settings, source: Path, name: str | None = None, folder: str = DEFAULT_FOLDER) -> SavedUpload:
    """Check `source` and copy it atomically into corpus/<folder>/<safe name>."""
    target_name = check_upload(settings, source, name)
    directory = corpus_folder(settings, folder)
    target = inside_corpus(settings, directory / target_name, target_name)
    directory.mkdir(parents=True, exist_ok=True)
    replaced = target.exists()
    # A hidden temporary name: ingest ignores dot files, so a half-written file is never indexed.
    fd, tmp = tempfile.mkstemp(prefix=f".{target_name}.", suffix=".upload", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as data:
            while block := data.read(1 << 20):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return SavedUpload(target.relative_to(settings.corpus_dir.resolve()).as_posix(), target, replaced)


def remove_document(settings: Settings, doc_id: str) -> Path:
    """Delete a corpus file (and its .meta.yaml sidecar) named by its path relative to the corpus."""
    if not doc_id or "\x00" in doc_id or Path(doc_id).is_absolute():
        raise UploadRefused(doc_id or "", "geef het pad van een document binnen de documentenmap.")
    path = inside_corpus(settings, settings.corpus_dir / doc_id, doc_id)
    if not path.is_file():
        raise UploadRefused(doc_id, "dit document bestaat niet (meer) in de documentenmap.")
    path.unlink()
    path.with_name(path.stem + SIDECAR_SUFFIX).unlink(missing_ok=True)
    return path
