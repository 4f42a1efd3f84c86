"""The section tree of the corpus, for `assistant toc`, the Handboek tab and the Beheer catalog.

A section is addressed by its key (`doc_id::label`); the web layer turns keys into links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.config import Settings
from assistant.corpus.documents import build_document
from assistant.corpus.loaders import corpus_files, load_document
from assistant.errors import UnreadableDocument
from assistant.types import Document, Section

KIND_MARK = {"box": "[kader] ", "footnote": "[noot] ", "references": "[bronnen] "}


def load_documents(settings: Settings) -> list[Document]:
    documents = []
    for path in corpus_files(settings.corpus_dir):
        try:
            documents.append(build_document(load_document(path, settings.corpus_dir)))
        except UnreadableDocument:
            continue
    return documents


def toc_lines(document: Document) -> list[str]:
    lines = [f"{document.title}  ({document.doc_id})"]
    printed: set[tuple[str, ...]] = set()
    for section in document.sections:
        for depth in range(1, len(section.path) + 1):
            path = section.path[:depth]
            if path in printed:
                continue
            printed.add(path)
            is_leaf = depth == len(section.path)
            mark = KIND_MARK.get(section.kind, "") if is_leaf else ""
            phase = f"  (fase {section.phase})" if is_leaf and section.phase and section.level > 1 else ""
            theme = f"  [thema: {section.theme}]" if is_leaf and section.theme and section.level == 2 else ""
            lines.append(f"{'  ' * depth}{mark}{path[-1]}{phase}{theme}")
    return lines


def corpus_toc(settings: Settings) -> list[str]:
    lines: list[str] = []
    documents = load_documents(settings)
    documents.sort(key=lambda d: (d.metadata.get("type") != "handbook", d.doc_id))
    for document in documents:
        lines.extend(toc_lines(document))
        lines.append("")
    return lines


def section_key(doc_id: str, label: str) -> str:
    return f"{doc_id}::{label}"


# The handbook comes first in the tree, then law/update documents, studies and cases.
DOC_TYPE_ORDER = {"handbook": 0, "law": 1, "study": 2, "case": 3}


@dataclass(frozen=True)
class SectionEntry:
    key: str
    doc_id: str
    doc_title: str
    doc_type: str
    section: Section


def section_entries(documents: Iterable[Document]) -> list[SectionEntry]:
    """All sections, the handbook first, then law/update documents, then cases."""
    docs = sorted(documents, key=lambda d: (DOC_TYPE_ORDER.get(str(d.metadata.get("type")), 9), d.title))
    return [
        SectionEntry(section_key(d.doc_id, s.label), d.doc_id, d.title, str(d.metadata.get("type", "")), s)
        for d in docs
        for s in d.sections
    ]


def label_keys(entries: Iterable[SectionEntry]) -> dict[str, str]:
    """Section label -> key (the first document that has that label wins)."""
    keys: dict[str, str] = {}
    for entry in entries:
        keys.setdefault(entry.section.label, entry.key)
    return keys


def children_of(entry: SectionEntry, entries: Iterable[SectionEntry]) -> list[SectionEntry]:
    """The direct subsections of `entry` in its own document (footnotes left out)."""
    path = entry.section.path
    return [
        e
        for e in entries
        if e.doc_id == entry.doc_id
        and e.section.kind != "footnote"
        and len(e.section.path) == len(path) + 1
        and e.section.path[: len(path)] == path
    ]
