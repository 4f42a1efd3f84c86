"""Raw documents -> cleaned documents with a section tree."""

from __future__ import annotations

import re
from typing import Any

from assistant.corpus.loaders import RawDocument
from assistant.corpus.structure import Node, parse_structure, serialise
from assistant.types import Document

# A list of sources is metadata for the reader, not an answer to retrieve.
REFERENCE_HEADINGS = {"bronnen", "bron", "sources", "references", "referenties"}
HEADING_RE = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")


def _title(raw: RawDocument, body: str) -> str:
    if raw.metadata.get("title"):
        return str(raw.metadata["title"])
    match = re.search(r"^#\s+(.+)$", body, flags=re.MULTILINE)
    return match.group(1).strip() if match else raw.path.stem.replace("-", " ").replace("_", " ")


def parse_markdown(body: str, title: str) -> tuple[str, list[Any]]:
    """`#` headings -> sections under the document title; paragraphs joined onto one line."""
    nodes: list[Node] = []
    current = Node((title,), "text", None, None, None, 1)
    nodes.append(current)
    stack: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            current.paragraphs.append(" ".join(paragraph))
            paragraph.clear()

    for line in body.splitlines():
        stripped = line.strip()
        match = HEADING_RE.match(stripped)
        if match:
            flush()
            level = len(match.group(1))
            if level == 1:
                stack = []
                continue  # the document title
            stack = stack[: level - 2] + [match.group(2)]
            kind = "references" if match.group(2).strip().lower() in REFERENCE_HEADINGS else "text"
            current = Node((title, *stack), kind, None, None, None, len(stack) + 1)
            nodes.append(current)
        elif not stripped:
            flush()
        elif stripped.startswith(("- ", "* ", "• ")) or re.match(r"^\d+[.)]\s", stripped):
            flush()
            paragraph.append("• " + re.sub(r"^([-*•]|\d+[.)])\s+", "", stripped))
            flush()
        else:
            paragraph.append(stripped)
    flush()
    return serialise(nodes)


def build_document(raw: RawDocument) -> Document:
    if raw.layout == "laid-out":
        phases = {str(k): int(v) for k, v in (raw.metadata.get("chapter_phases") or {}).items()}
        text, sections = parse_structure(raw.text, phases)
        title = _title(raw, "")
    else:
        title = _title(raw, raw.text)
        text, sections = parse_markdown(raw.text, title)
    metadata = dict(raw.metadata)
    metadata.setdefault("type", "document")  # the handbook says `type: handbook` in its .meta.yaml
    if raw.page_texts:
        metadata["_page_texts"] = list(raw.page_texts)
    return Document(
        doc_id=raw.doc_id,
        title=title,
        text=text,
        sections=tuple(sections),
        metadata=metadata,
        sha256=raw.sha256,
    )
