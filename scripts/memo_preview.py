"""A Raadsmemo (.docx) as a plain HTML page, for its screenshot in the README: there is no
LibreOffice on the build machine to print the Word file, so the document's own paragraphs are laid
out the way Word shows them (title, headings, bold and italic runs, the "Quote" style indented)."""

from __future__ import annotations

import html
from pathlib import Path

from docx import Document

STYLE = """
body { font-family: Calibri, Carlito, 'Liberation Sans', sans-serif; color: #111; background: #e9e9e9; margin: 0; }
main { background: white; width: 760px; margin: 24px auto; padding: 56px 72px; box-shadow: 0 1px 6px #9999; }
h1 { font-size: 26pt; font-weight: 400; color: #17365d; border-bottom: 1px solid #4f81bd; margin: 0 0 .4em; }
h2 { font-size: 14pt; color: #365f91; margin: 1.2em 0 .3em; }
h3 { font-size: 13pt; color: #4f81bd; margin: 1em 0 .3em; }
p { font-size: 11pt; line-height: 1.4; margin: 0 0 .55em; white-space: pre-line; }
p.quote { font-style: italic; color: #404040; margin: .2em 2.5em .8em; }
"""
TAGS = {"Title": "h1", "Heading 1": "h2", "Heading 2": "h3"}


def _runs(paragraph) -> str:  # noqa: ANN001 (a python-docx paragraph)
    out = []
    for run in paragraph.runs:
        text = html.escape(run.text)
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def docx_html(path: Path) -> str:
    parts = []
    for paragraph in Document(str(path)).paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        tag = TAGS.get(style, "p")
        css = ' class="quote"' if style == "Quote" else ""
        parts.append(f"<{tag}{css}>{_runs(paragraph)}</{tag}>")
    return f'<!doctype html><html lang="nl"><meta charset="utf-8"><style>{STYLE}</style><main>{"".join(parts)}</main>'
