"""Where a question is searched: a GROEI chapter, a phase, a document type or a section, set by the
user or implied by the question's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Chunk


@dataclass(frozen=True)
class Scope:
    """Limits retrieval to part of the corpus (a GROEI chapter, a phase, a document type)."""

    letter: str | None = None
    phase: int | None = None
    doc_type: str | None = None
    section: str | None = None  # a section label prefix, e.g. "I · Inrichting ... > Huisvesting; ..."

    def allows(self, chunk: Chunk) -> bool:
        return (
            (self.letter is None or chunk.letter == self.letter)
            and (self.phase is None or chunk.phase == self.phase)
            and (self.doc_type is None or chunk.doc_type == self.doc_type)
            and (self.section is None or chunk.section_label.startswith(self.section))
        )

    @property
    def is_empty(self) -> bool:
        return self.letter is None and self.phase is None and self.doc_type is None and self.section is None

    def describe(self) -> str:
        parts = []
        if self.section:
            parts.append(f"sectie “{self.section.split(' > ')[-1]}”")
        elif self.letter:
            parts.append(f"hoofdstuk {self.letter}")
        if self.phase:
            parts.append(f"fase {self.phase}")
        if self.doc_type == "handbook":
            parts.append("alleen de handreiking")
        elif self.doc_type == "case":
            parts.append("alleen praktijkvoorbeelden")
        elif self.doc_type:
            parts.append(f"alleen documenten van type {self.doc_type}")
        return ", ".join(parts)


# A question that names the handbook asks what the handbook says: "Welke varianten onderscheidt
# het handboek?" is not answered by a case document that mentions the handbook.
NAMES_HANDBOOK_RE = re.compile(r"\b(handboek|handreiking|handbook)\b", re.IGNORECASE)


def implied_scope(question: str) -> Scope | None:
    """The scope a question sets by its own words, if any."""
    return Scope(doc_type="handbook") if NAMES_HANDBOOK_RE.search(question) else None
