"""The section tree of the corpus, for `assistant toc` and the handbook tab."""

from __future__ import annotations

from assistant.config import Settings
from assistant.corpus.documents import build_document
from assistant.corpus.loaders import corpus_files, load_document
from assistant.errors import UnreadableDocument
from assistant.types import Document

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
