"""The HTML building blocks every part of the browser UI shares: escaping, paragraphs, section links
and the Dutch labels for document types and section kinds.

Everything a user or a corpus document wrote goes through `esc` (or `lines_to_html`), so HTML in a
question or in a document is shown as text and never runs. The output has no raw line breaks: the
chatbot renders messages as Markdown, and a blank line would end the raw HTML block.
No gradio import: these functions are tested without a browser.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote as url_quote

KIND_LABEL = {"box": "kader", "footnote": "noot", "references": "bronnenlijst"}
DOC_TYPE_LABEL = {"handbook": "Handreiking", "case": "Praktijkvoorbeeld", "law": "Wetgeving", "study": "Onderzoek"}
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n")


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def lines_to_html(text: str) -> str:
    """Escaped text with its line breaks kept as <br> (no raw newlines in the output)."""
    return "<br>".join(esc(line) for line in text.split("\n"))


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of `text` (separated by blank lines), stripped."""
    return [p.strip() for p in PARAGRAPH_BREAK_RE.split(text) if p.strip()]


def section_href(key: str) -> str:
    """A link target that the page script turns into "open this section in the Handboek tab"
    (the chatbot's sanitizer drops data-* attributes, a fragment survives)."""
    return esc("#sectie=" + url_quote(key, safe=""))
