""" "Kennishiaten" (knowledge gaps) in the Beheer tab: the refused questions, the answers given a 👎
with their comments and the most asked questions, per ISO week with counts (state/gaps.py does
the counting), a CSV export of all three, and the answer as given for a chosen row.

Only admins: the panel sits in the Beheer tab, and every handler checks the role again because a
hidden tab's events can still be called.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import gradio as gr

from assistant.state.gaps import AnswerAsGiven, GapRow, KnowledgeGaps
from assistant.web import answer_html as fmt
from assistant.web.html_parts import esc

PRIVATE = "private"  # not API endpoints (app.py: only /ask is)
QUESTION_HEADERS = ["Week", "Aantal", "Vraag", "Kenmerk"]
DISLIKED_HEADERS = ["Week", "Aantal", "Vraag", "Toelichtingen", "Kenmerk"]
EMPTY = "Nog niets in deze lijst."
NOT_ADMIN = "Alleen beheerders kunnen de kennishiaten zien."


def intro_text(retention_days: int) -> str:
    kept = (
        f"alleen bewaard binnen de bewaartermijn van **{retention_days} dagen** (`ASSISTANT_RETENTION_DAYS`): "
        "oudere gesprekken en beoordelingen worden verwijderd, en een gesprek dat iemand zelf verwijdert, "
        "verdwijnt ook hier"
        if retention_days > 0
        else "bewaard zonder bewaartermijn (`ASSISTANT_RETENTION_DAYS=0`), tot iemand ze zelf verwijdert"
    )
    return (
        "Per week (ISO-weeknummer): de vragen die de assistent niet kon beantwoorden, de antwoorden met "
        "een 👎 en hun toelichting, en de vaakst gestelde vragen. Dezelfde vraag telt als één, ook met "
        "andere hoofdletters, spaties of zonder vraagteken. Kies een rij om het antwoord te zien zoals "
        "het gegeven is (kenmerk v: het bewaarde antwoord; b: alleen de beoordeling met haar kopie van "
        f"het antwoord).\n\nVragen worden {kept}. Feedback is er om mensen te informeren (wat ontbreekt "
        "in de documenten, wat onduidelijk is); ze verandert nooit de volgorde of inhoud van de antwoorden."
    )


def table(rows: Sequence[GapRow], with_comments: bool = False) -> list[list[str]]:
    """The rows for a Dataframe; the last column is the key of the answer as given."""
    if not rows:
        return [["", "", EMPTY, "", ""] if with_comments else ["", "", EMPTY, ""]]
    return [
        [r.week, str(r.count), r.question, *(["\n".join(r.comments)] if with_comments else []), r.ref] for r in rows
    ]


def answer_messages(given: AnswerAsGiven) -> list[dict]:
    """The question and the answer as the chat showed them; only the vote's copy when the turn is gone."""
    html = given.html
    if not html:
        sources = "".join(
            f"<li>[{esc(str(s.get('n')))}] {esc(str(s.get('doc')))} — {esc(str(s.get('section') or ''))}</li>"
            for s in given.sources
        )
        html = (
            f'<div class="antwoord">{fmt.answer_body_html(given.answer, "kh", len(given.sources))}'
            f"{f'<ul>{sources}</ul>' if sources else ''}</div>"
        )
    return [{"role": "user", "content": fmt.question_html(given.question)}, {"role": "assistant", "content": html}]


class KnowledgeGapsPanel:
    """Build it inside the Beheer tab with `build()`, then `wire(tab)`: the lists are read when the
    tab or the panel is opened and on "Vernieuwen"."""

    def __init__(self, gaps: KnowledgeGaps, retention_days: int, is_admin: Callable[[gr.Request | None], bool]) -> None:
        self.gaps, self.retention_days, self.is_admin = gaps, retention_days, is_admin

    def require_admin(self, request: gr.Request | None) -> None:
        if not self.is_admin(request):
            raise gr.Error(NOT_ADMIN, title="Geen toegang")

    def build(self) -> None:
        frame = dict(type="array", interactive=False, wrap=True, max_height=360)
        with gr.Accordion("Kennishiaten", open=False, elem_id="beheer-kennishiaten") as self.accordion:
            gr.Markdown(intro_text(self.retention_days), elem_id="kh-uitleg")
            self.refresh_btn = gr.Button("Vernieuwen", size="sm", elem_id="kh-vernieuw")
            self.refused = gr.Dataframe(
                headers=QUESTION_HEADERS, label="Geweigerde vragen", elem_id="kh-geweigerd", **frame
            )
            self.disliked = gr.Dataframe(
                headers=DISLIKED_HEADERS, label="Antwoorden met 👎", elem_id="kh-duim-omlaag", **frame
            )
            self.most_asked = gr.Dataframe(
                headers=QUESTION_HEADERS, label="Meest gestelde vragen", elem_id="kh-meest-gesteld", **frame
            )
            self.shown = gr.Chatbot(
                label="Antwoord zoals gegeven (kies een rij)",
                elem_id="kh-antwoord",
                height=420,
                buttons=["copy"],
                sanitize_html=True,
                allow_tags=False,
                latex_delimiters=[],
                layout="bubble",
            )
            self.export_btn = gr.Button("Exporteer kennishiaten als CSV", elem_id="kh-export")
            self.export_file = gr.File(
                label="Kennishiaten (CSV)", visible=False, interactive=False, elem_id="kh-bestand"
            )

    def wire(self, tab: gr.Tab) -> None:
        lists = [self.refused, self.disliked, self.most_asked]
        for trigger in (tab.select, self.accordion.expand, self.refresh_btn.click):
            trigger(self.lists, None, lists, api_visibility=PRIVATE)
        for frame in lists:
            frame.select(self.show, None, self.shown, api_visibility=PRIVATE)
        self.export_btn.click(self.export, None, self.export_file, api_visibility=PRIVATE)

    def lists(self, request: gr.Request) -> tuple:
        self.require_admin(request)
        return table(self.gaps.refused()), table(self.gaps.disliked(), True), table(self.gaps.most_asked())

    def show(self, event: gr.SelectData, request: gr.Request) -> list[dict] | dict:
        self.require_admin(request)
        ref = str((event.row_value or [""])[-1])
        given = self.gaps.answer_as_given(ref) if ref else None
        if given is None:
            if ref:
                gr.Warning("Dit antwoord is niet meer bewaard.", title="Kennishiaten")
            return gr.skip()
        return answer_messages(given)

    def export(self, request: gr.Request) -> dict:
        self.require_admin(request)
        folder = Path(tempfile.mkdtemp(prefix="kennishiaten-"))
        path = folder / f"fusiewijzer-kennishiaten-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        path.write_text(self.gaps.to_csv(), "utf-8-sig")  # with BOM: Excel reads it as UTF-8
        return gr.update(value=str(path), visible=True)
