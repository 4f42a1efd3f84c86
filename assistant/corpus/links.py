"""Links between documents, kept as data in their metadata and carried into the index manifest at
ingest: `updates:` (a later document marks a handbook passage as dated, answers/updates.py) and
`practice:` (case sections that show a handbook section's theme in practice, answers/practice.py)."""

from __future__ import annotations

from typing import Any


def collect_updates(doc_id: str, title: str, metadata: dict[str, Any]) -> list[dict[str, str]]:
    """The `updates` entries of one document's metadata, with the document named."""
    out = []
    for entry in metadata.get("updates") or []:
        if isinstance(entry, dict) and entry.get("handbook_quote") and entry.get("note"):
            out.append(
                {
                    "handbook_quote": str(entry["handbook_quote"]),
                    "note": str(entry["note"]),
                    "doc": doc_id,
                    "title": title,
                }
            )
    return out


def collect_practice_links(metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """The `practice` entries of one document's metadata, as stored in the manifest."""
    out = []
    for entry in metadata.get("practice") or []:
        if not isinstance(entry, dict) or not entry.get("handbook_section"):
            continue
        sections = entry.get("case_sections") or []
        if isinstance(sections, str):
            sections = [sections]
        if sections:
            out.append(
                {"handbook_section": str(entry["handbook_section"]), "case_sections": [str(s) for s in sections]}
            )
    return out
