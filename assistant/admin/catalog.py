"""The Beheer (admin) tab without Gradio: document list with status, and re-indexing.

Status of each document comes from comparing corpus/ with the live index manifest:
indexed (hash equal), changed or new (re-index needed), skipped (with the reason ingest gave),
or removed from corpus/ but still in the live index. `reindex` wraps `build_index`; the previous
index version keeps answering until the new one is complete (store.py switches atomically).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.embeddings import Embeddings

from assistant.admin.uploads import DEFAULT_FOLDER
from assistant.config import Settings
from assistant.corpus.loaders import corpus_files, file_sha256
from assistant.corpus.toc import label_keys, load_documents, section_entries
from assistant.errors import AssistantError
from assistant.index.embeddings import get_embedder
from assistant.index.ingest import IngestReport, build_index
from assistant.index.store import IndexStore
from assistant.search.tables import prepare_search_tables

INDEXED = "geïndexeerd"
CHANGED = "gewijzigd: opnieuw indexeren"
NEW = "nieuw: nog niet geïndexeerd"
SKIPPED = "overgeslagen"
REMOVED = "verwijderd: nog in de index"
WAITING = (CHANGED, NEW, REMOVED)  # the live index does not show these yet
HEADERS = ["Document", "Titel", "Soort", "Status", "Fragmenten", "Datum", "Hash", "Reden"]
TYPE_LABEL = {"handbook": "handreiking", "case": "praktijkvoorbeeld", "law": "wetgeving", "document": "document"}

_reindex_lock = threading.Lock()


class ReindexBusy(AssistantError):
    def __init__(self) -> None:
        super().__init__("Er loopt al een herindexering. Wacht tot die klaar is en probeer het dan opnieuw.")


@dataclass(frozen=True)
class DocumentStatus:
    doc: str
    status: str
    title: str = ""
    type: str = ""
    chunks: int | None = None
    modified: str = ""
    sha256: str = ""
    reason: str = ""

    def row(self) -> list:
        return [
            self.doc,
            self.title,
            TYPE_LABEL.get(self.type, self.type),
            self.status,
            "" if self.chunks is None else self.chunks,
            self.modified.replace("T", " ").rstrip("Z"),
            self.sha256[:12],
            self.reason,
        ]


def document_statuses(settings: Settings) -> list[DocumentStatus]:
    """Every document in corpus/ or in the live index, with its status, sorted by path."""
    manifest = IndexStore.for_settings(settings).manifest()
    indexed = {d.doc: d for d in manifest.documents} if manifest else {}
    skipped = {s.file: s.reason for s in manifest.skipped} if manifest else {}
    statuses: dict[str, DocumentStatus] = {}
    root = settings.corpus_dir
    for path in corpus_files(root) if root.is_dir() else []:
        doc = path.relative_to(root).as_posix()
        record = indexed.get(doc)
        if record is not None:
            same = file_sha256(path) == record.sha256
            status = INDEXED if same else CHANGED
            statuses[doc] = DocumentStatus(
                doc, status, record.title, record.type, record.chunks, record.modified, record.sha256
            )
        elif doc in skipped:
            statuses[doc] = DocumentStatus(doc, SKIPPED, reason=skipped[doc])
        else:
            statuses[doc] = DocumentStatus(doc, NEW)
    for doc, record in indexed.items():
        if doc not in statuses:
            statuses[doc] = DocumentStatus(
                doc, REMOVED, record.title, record.type, record.chunks, record.modified, record.sha256
            )
    return [statuses[doc] for doc in sorted(statuses)]


def status_rows(statuses: list[DocumentStatus]) -> list[list]:
    return [s.row() for s in statuses]


def summary(statuses: list[DocumentStatus]) -> str:
    indexed = sum(s.status == INDEXED for s in statuses)
    waiting = sum(s.status in WAITING for s in statuses)
    skipped = sum(s.status == SKIPPED for s in statuses)
    text = f"{indexed} geïndexeerd, {skipped} overgeslagen"
    return text + (f", {waiting} wacht op “Opnieuw indexeren”." if waiting else "; de index is bij.")


def document_choices(settings: Settings) -> list[str]:
    """Corpus files an admin may remove, by their path relative to the corpus."""
    root = settings.corpus_dir
    return [p.relative_to(root).as_posix() for p in corpus_files(root)] if root.is_dir() else []


def folder_choices(settings: Settings) -> list[str]:
    """Folders of the corpus an upload may go to: uploads/ first, then the existing ones."""
    root = settings.corpus_dir
    existing = (
        sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []
    )
    return [DEFAULT_FOLDER, *(name for name in existing if name != DEFAULT_FOLDER)]


@dataclass(frozen=True)
class AdminView:
    """What the Beheer tab shows: a one-line summary, the table, what can be removed, where to upload."""

    summary: str
    rows: list[list]
    documents: list[str]
    folders: list[str]

    @staticmethod
    def of(settings: Settings) -> AdminView:
        statuses = document_statuses(settings)
        rows = status_rows(statuses)
        return AdminView(summary(statuses), rows, document_choices(settings), folder_choices(settings))


class Catalog:
    """The corpus section tree (Handboek tab, source links), reloaded when a new index version
    goes live, e.g. after "Opnieuw indexeren"."""

    def __init__(self, settings: Settings) -> None:
        self.settings, self.store, self.version = settings, IndexStore.for_settings(settings), None
        self.first_version = self.current().version

    def current(self) -> Catalog:
        version = self.store.live_version() or ""
        if version != self.version:
            entries = section_entries(load_documents(self.settings))
            self.entries, self.by_key, self.keys = entries, {e.key: e for e in entries}, label_keys(entries)
            self.version = version
        return self

    def picker_choices(self) -> list[tuple[str, str]]:
        return [(f"{e.doc_title} › {e.section.label}", e.key) for e in self.entries]


@dataclass(frozen=True)
class ReindexResult:
    report: IngestReport
    message: str


def reindex(
    settings: Settings,
    progress: Callable[[int, int, str], None] | None = None,
    embedder: Embeddings | None = None,
) -> ReindexResult:
    """Build a new index version from corpus/ (unchanged text is not re-embedded). One at a time:
    a second call while one runs raises ReindexBusy."""
    if not _reindex_lock.acquire(blocking=False):
        raise ReindexBusy()
    try:
        # wait=False: a re-index from the CLI holds the index; say so instead of blocking the tab.
        report = build_index(settings, progress=progress, embedder=embedder, wait=False)
        if not report.unchanged:
            reader = IndexStore.for_settings(settings).open_reader()
            prepare_search_tables(reader, embedder or get_embedder(reader.manifest.embedder_spec))
    finally:
        _reindex_lock.release()
    documents = len(report.manifest.documents) if report.manifest else 0
    seconds = f"{report.seconds:.1f}".replace(".", ",")
    if report.unchanged:
        message = f"De index was al bij: {documents} documenten, {report.chunks} fragmenten."
    else:
        message = (
            f"Index bijgewerkt in {seconds} s: {documents} documenten, {report.chunks} fragmenten "
            f"({report.embedded} teksten nieuw berekend, {report.reused} hergebruikt)."
        )
    if report.skipped:
        message += " Overgeslagen: " + " ".join(item.reason for item in report.skipped)
    return ReindexResult(report, message)
