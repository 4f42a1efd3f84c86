"""Dated passages: later documents (law, cases) mark handbook passages as superseded.

The link is data, in the later document's front matter:
    updates:
      - handbook_quote: "als enige variant binnen deze Wgr met rechtspersoonlijkheid"
        note: "Sinds 1 januari 2015 kent de Wgr ook de bedrijfsvoeringsorganisatie ..."
An answer that quotes such a passage carries the note, naming the document it comes from. The entries
are read at ingest (corpus/links.py) and kept in the index manifest.
"""

from __future__ import annotations

from assistant.corpus.links import UpdateLink
from assistant.text.tokens import normalize_for_match


class UpdateNotes:
    def __init__(self, updates: list[UpdateLink]) -> None:
        self._entries = [(normalize_for_match(u.handbook_quote), u) for u in updates]

    def note_for(self, quote: str) -> str | None:
        """The note(s) for the passages `quote` contains, or None."""
        haystack = normalize_for_match(quote)
        notes = []
        for needle, entry in self._entries:
            if needle and needle in haystack:
                note = entry.note.removeprefix("Let op:").strip()
                notes.append(f"{note} (bron: {entry.title})")
        return " ".join(dict.fromkeys(notes)) or None
