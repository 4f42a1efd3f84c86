"""The "Raadsmemo": one answer, or a whole conversation, as a Word document and as Markdown to
pass on: each question, the answer with its [n] markers, every quote in full with its document,
section path, phase and page, the "Let op: bijgewerkt" notes, the date of export and the corpus
(index) version the answers came from.

Input is the stored form of a turn (`Answer.to_json()`'s question, answer and sources), so a memo
can be made from a conversation reopened from the database as well as from the live chat.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]  # fmt: skip
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
ITALIC_RE = re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])")
TITLE = "Raadsmemo"
FOOTER = (
    "Opgesteld met de Fusiewijzer. De citaten zijn letterlijk overgenomen uit de genoemde bronnen; "
    "controleer bij twijfel de bron zelf."
)


@dataclass(frozen=True)
class MemoTurn:
    question: str
    answer: str  # Markdown with [n] markers
    sources: Sequence[dict[str, Any]]

    @classmethod
    def of(cls, record: dict[str, Any]) -> MemoTurn:
        return cls(str(record.get("question", "")), str(record.get("answer", "")), list(record.get("sources") or []))


def dutch_date(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def source_heading(source: dict[str, Any]) -> str:
    """ "[1] Handreiking ambtelijke fusie: GROEI (handreiking-....txt)"."""
    return f"[{source.get('n')}] {source.get('title') or source.get('doc')} ({source.get('doc')})"


def source_details(source: dict[str, Any]) -> list[tuple[str, str]]:
    details = [("Sectie", str(source.get("section") or "—"))]
    if source.get("phase"):
        details.append(("Fase", str(source["phase"])))
    if source.get("page"):
        details.append(("Pagina", str(source["page"])))
    return details


def _plain(markdown: str) -> str:
    return ITALIC_RE.sub(r"\1", BOLD_RE.sub(r"\1", markdown))


def memo_markdown(turns: Sequence[MemoTurn], corpus_version: str, exported: datetime) -> str:
    lines = [f"# {TITLE}", "", f"- Geëxporteerd op: {dutch_date(exported)}", f"- Corpusversie: {corpus_version}", ""]
    for i, turn in enumerate(turns, 1):
        lines += [f"## Vraag {i}: {turn.question}", "", turn.answer.strip(), ""]
        if turn.sources:
            lines += ["### Bronnen", ""]
        for source in turn.sources:
            lines.append(f"**{source_heading(source)}**  ")
            lines += [f"{label}: {value}  " for label, value in source_details(source)]
            lines += ["", *[f"> {line}" if line else ">" for line in str(source.get("quote", "")).splitlines()], ""]
            if source.get("note"):
                lines += [f"*Let op: bijgewerkt* — {source['note']}", ""]
    lines += ["---", "", FOOTER, ""]
    return "\n".join(lines)


def word_text(markdown: str) -> str:
    """The stored answer's Markdown as Word text: Answer.to_json() made it safe for Markdown
    renderers ("&gt;", "\\[x\\]"); a Word paragraph is not rendered, so it would show those as typed."""
    return html.unescape(re.sub(r"\\([\[\]])", r"\1", markdown))


def _add_marked_text(paragraph: Any, text: str) -> None:
    """A paragraph's runs from Markdown with **bold**: bold as bold, the rest plain."""
    for i, piece in enumerate(BOLD_RE.split(text)):
        if piece:
            paragraph.add_run(ITALIC_RE.sub(r"\1", piece)).bold = i % 2 == 1


def memo_docx(turns: Sequence[MemoTurn], corpus_version: str, exported: datetime) -> bytes:
    from docx import Document  # imported on use: only the memo needs python-docx's writer
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = TITLE
    document.core_properties.author = "Fusiewijzer"
    document.add_heading(TITLE, level=0)
    meta = document.add_paragraph()
    meta.add_run(f"Geëxporteerd op: {dutch_date(exported)}\nCorpusversie: {corpus_version}").italic = True
    for i, turn in enumerate(turns, 1):
        document.add_heading(f"Vraag {i}: {turn.question}", level=1)
        for block in re.split(r"\n\s*\n", turn.answer.strip()):
            if block.strip():
                _add_marked_text(document.add_paragraph(), word_text(block.strip()))
        if turn.sources:
            document.add_heading("Bronnen", level=2)
        for source in turn.sources:
            document.add_paragraph().add_run(source_heading(source)).bold = True
            details = document.add_paragraph()
            details.add_run("\n".join(f"{label}: {value}" for label, value in source_details(source)))
            details.runs[0].font.size = Pt(9)
            document.add_paragraph(str(source.get("quote", "")), style="Quote")
            if source.get("note"):
                note = document.add_paragraph()
                note.add_run("Let op: bijgewerkt — ").bold = True
                note.add_run(str(source["note"]))
    document.add_paragraph(FOOTER).runs[0].italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
