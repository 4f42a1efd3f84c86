"""Links between documents, kept as data in their metadata and carried into the index manifest at
ingest: `updates:` (a later document marks a handbook passage as dated, answers/updates.py) and
`practice:` (case sections that show a handbook section's theme in practice, answers/practice.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UpdateLink:
    """A later document's note on a handbook passage that is no longer current."""

    handbook_quote: str  # words of the dated passage, as they stand in the handbook
    note: str
    doc: str  # the document that gives the note
    title: str


@dataclass(frozen=True)
class PracticeLink:
    """The case sections (by heading) that show a handbook section's theme in practice."""

    handbook_section: str
    case_sections: tuple[str, ...]

    @staticmethod
    def from_json(data: dict[str, Any]) -> PracticeLink:
        return PracticeLink(str(data["handbook_section"]), tuple(str(s) for s in data["case_sections"]))


def collect_updates(doc_id: str, title: str, metadata: dict[str, Any]) -> list[UpdateLink]:
    """The `updates` entries of one document's metadata, with the document named."""
    return [
        UpdateLink(str(entry["handbook_quote"]), str(entry["note"]), doc_id, title)
        for entry in metadata.get("updates") or []
        if isinstance(entry, dict) and entry.get("handbook_quote") and entry.get("note")
    ]


def collect_practice_links(metadata: dict[str, Any]) -> list[PracticeLink]:
    """The `practice` entries of one document's metadata."""
    out = []
    for entry in metadata.get("practice") or []:
        if not isinstance(entry, dict) or not entry.get("handbook_section"):
            continue
        sections = entry.get("case_sections") or []
        if isinstance(sections, str):
            sections = [sections]
        if sections:
            out.append(PracticeLink(str(entry["handbook_section"]), tuple(str(s) for s in sections)))
    return out
