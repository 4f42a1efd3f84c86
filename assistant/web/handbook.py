"""The Handboek tab's handlers in Gradio: open a section (from the picker, the table of contents or
a link in an answer), open a deep link's passage with its quoted sentences marked, and "Vraag binnen
deze sectie", which limits the chat's next questions to it.

The section tree comes from admin.Catalog, so a re-index shows up without restarting the app.
"""

from __future__ import annotations

# Safe before the package imports: importing this module ran assistant/__init__.py, which set the
# offline variables that gradio reads on import.
import gradio as gr

from assistant.admin.catalog import Catalog
from assistant.answers.pipeline import Assistant
from assistant.corpus.toc import children_of
from assistant.errors import AssistantError
from assistant.search.scope import Scope
from assistant.web.answer_html import scope_badge_html
from assistant.web.deeplinks import PassageLink
from assistant.web.passage_html import notice_html, passage_view
from assistant.web.toc_html import section_html


class HandbookHandlers:
    """The handlers that read the current section tree (and, for deep links, the live index)."""

    def __init__(self, catalog: Catalog, engine: Assistant) -> None:
        self.catalog, self.engine = catalog, engine

    def open_passage(self, link: PassageLink) -> tuple:
        """A deep link's passage: the Handboek tab at its section, the quoted sentences marked (the
        page script scrolls them into view), or the message that it is gone. The chunk is looked up
        by its content-hash id in the live index version."""
        try:
            chunk = self.engine.loaded().reader.by_id.get(link.chunk_id)
        except AssistantError as error:
            return gr.Tabs(selected="handboek"), notice_html(str(error)), gr.skip(), gr.skip(), gr.skip()
        cat = self.catalog.current()
        view = passage_view(link, chunk, cat.by_key, cat.entries)
        if view.entry is None:
            return gr.Tabs(selected="handboek"), view.html, "", gr.update(interactive=False), gr.update(value=None)
        return (
            gr.Tabs(selected="handboek"),
            view.html,
            view.entry.key,
            gr.update(interactive=True, value=f"Vraag binnen “{view.entry.section.path[-1]}”"),
            gr.update(value=view.entry.key),
        )

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
