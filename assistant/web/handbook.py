"""The Handboek tab's handlers in Gradio: open a section (from the picker, the table of contents or
a link in an answer) and "Vraag binnen deze sectie", which limits the chat's next questions to it.

The section tree comes from admin.Catalog, so a re-index shows up without restarting the app.
"""

from __future__ import annotations

# Safe before the package imports: importing this module ran assistant/__init__.py, which set the
# offline variables that gradio reads on import.
import gradio as gr

from assistant.admin.catalog import Catalog
from assistant.corpus.toc import children_of
from assistant.search.scope import Scope
from assistant.web.answer_html import scope_badge_html
from assistant.web.toc_html import section_html


class HandbookHandlers:
    """The handlers that read the current section tree."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def open_section(self, key: str) -> tuple:
        """Show a section by key, or by label (links in answers may carry a bare section label)."""
        cat = self.catalog.current()
        entry = cat.by_key.get(key) or cat.by_key.get(cat.keys.get(key, ""))
        if entry is None:
            gr.Warning("Deze sectie kon niet worden gevonden.", title="Let op")
            return (gr.skip(),) * 5  # tabs, section view, current key, "ask here" button, picker
        return (
            gr.Tabs(selected="handboek"),
            section_html(entry, children_of(entry, cat.entries)),
            entry.key,
            gr.update(interactive=True, value=f"Vraag binnen “{entry.section.path[-1]}”"),
            gr.update(value=entry.key),
        )

    def scope_here(self, key: str) -> tuple:
        """Limit the next questions to the open section and go back to the chat."""
        entry = self.catalog.current().by_key.get(key)
        if entry is None:
            gr.Warning("Kies eerst een sectie.", title="Let op")
            return (gr.skip(),) * 5  # picked scope, badge, clear button, tabs, question box
        picked = {"letter": entry.section.letter, "section": entry.section.label}
        badge = scope_badge_html(Scope(**picked).describe() + f" ({entry.doc_title})")
        return (
            picked,
            badge,
            gr.update(visible=True),
            gr.Tabs(selected="chat"),
            gr.update(placeholder="Stel je vraag binnen deze sectie…"),
        )
