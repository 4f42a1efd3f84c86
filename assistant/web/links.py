"""Deep links in Gradio: on page load, `?vraag=` asks its question and `?bron=` opens its passage in
the Handboek tab; a click on a source's passage link inside the page opens it in place.

Thin: the parameters are read by deeplinks.parse_link, the passage is shown by
HandbookHandlers.open_passage, the question goes through the chat's own answer handler
(ChatHandlers.respond_link, chained in app.py after this load event).
"""

from __future__ import annotations

import gradio as gr

from assistant.web.chat import STYLES
from assistant.web.deeplinks import BadLink, DeepLink, PassageLink, QuestionLink, parse_link, parse_query
from assistant.web.handbook import HandbookHandlers
from assistant.web.passage_html import notice_html

STYLE_LABELS = {value: label for label, value in STYLES.items()}
SECTION_OUTPUTS = 5  # HandbookHandlers.open_passage: tabs, section view, current key, "ask here", picker


class LinkHandlers:
    def __init__(self, handbook: HandbookHandlers) -> None:
        self.handbook = handbook

    def on_load(self, request: gr.Request) -> tuple:
        """Outputs: the question to ask (or ""), the answer style, the link notice above the tabs,
        then the Handboek tab's section outputs."""
        try:  # Gradio hands the page's parameters over as a dict-like (sometimes a plain dict)
            params = {str(k): str(v) for k, v in dict(request.query_params).items()}
        except (AttributeError, TypeError):
            params = {}
        return self.show(parse_link(params))

    def on_passage_click(self, query: str) -> tuple:
        """A "Link naar deze passage" clicked in the page (the page script passes its query string).
        Outputs: the link notice, then the Handboek tab's section outputs."""
        return self.show(parse_query(query or ""))[2:]

    def show(self, link: DeepLink | None) -> tuple:
        unchanged = (gr.skip(),) * SECTION_OUTPUTS
        if isinstance(link, QuestionLink):
            notice = notice_html(link.problem) if link.problem else ""
            return link.question, STYLE_LABELS[link.style], notice, *unchanged
        if isinstance(link, PassageLink):
            return "", gr.skip(), "", *self.handbook.open_passage(link)
        if isinstance(link, BadLink):
            return "", gr.skip(), notice_html(link.message), *unchanged
        return "", gr.skip(), gr.skip(), *unchanged
