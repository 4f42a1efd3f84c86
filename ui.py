"""Fusiewijzer in the browser: `python ui.py [--host H] [--port N]`.

Thin on purpose: it builds the Gradio page, calls the package (ChatSession, toc, feedback) and
turns AssistantError into a Dutch gr.Error. The HTML comes from assistant/ui_format.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from typing import Any

from assistant import offline
from assistant import ui_format as fmt
from assistant.chat import ChatSession
from assistant.config import Settings
from assistant.errors import AssistantError, EmptyQuestion
from assistant.feedback import append_feedback
from assistant.ingest import build_index
from assistant.pipeline import Assistant
from assistant.retrieval import Scope
from assistant.store import IndexStore
from assistant.toc import load_documents
from assistant.ui_format import ABOUT, CSS, JS, STARTERS

offline.apply()  # already done by `import assistant`; gradio reads these variables on import
import gradio as gr  # noqa: E402

log = logging.getLogger("fusiewijzer.ui")
STYLES = {"Kort": "kort", "Uitgebreid": "uitgebreid"}
FILTERS = {"Alle documenten": None, "Alleen handreiking": "handbook", "Alleen praktijkvoorbeelden": "case"}
GENERIC_ERROR = "Er ging iets mis bij het beantwoorden. Probeer het opnieuw of stel de vraag anders."
STREAM_PAUSE = 0.03  # seconds between streamed sentences
PRIVATE = "private"  # UI events are not API endpoints; only /ask is


def make_scope(doc_filter: str | None, picked: dict | None) -> Scope | None:
    picked = picked or {}
    scope = Scope(letter=picked.get("letter"), section=picked.get("section"), doc_type=FILTERS.get(doc_filter or ""))
    return None if scope.is_empty else scope


def build_app(settings: Settings, engine: Assistant) -> gr.Blocks:
    entries = fmt.section_entries(load_documents(settings))
    by_key = {e.key: e for e in entries}
    keys = fmt.label_keys(entries)

    def ask_json(
        question: str,
        history: list | None = None,
        style: str = "uitgebreid",
        doc_type: str = "",
        letter: str = "",
        phase: int = 0,
        section: str = "",
    ) -> dict:
        """Answer a question; returns the same JSON object as `assistant ask --json`.
        history: earlier turns as [[vraag, antwoord], ...]; doc_type: "handbook" or "case";
        letter: G/R/O/E/I; phase: 1-3 (0 = all); section: a section label (prefix)."""
        scope = Scope(letter=letter or None, phase=phase or None, doc_type=doc_type or None, section=section or None)
        try:
            session = ChatSession.from_history(engine, history or [])
            return session.ask(question, None if scope.is_empty else scope, style).to_json()
        except AssistantError as error:
            raise gr.Error(str(error), title="Fout") from None

    def take(question: str) -> tuple[str, str]:
        if not (question or "").strip():
            raise gr.Error(str(EmptyQuestion()), title="Lege vraag")
        return "", question

    def respond(question: str, chat: list, sessie: dict, style: str, doc_filter: str, picked: dict | None):
        scope = make_scope(doc_filter, picked)
        chat = [
            *chat,
            {"role": "user", "content": fmt.question_html(question)},
            {"role": "assistant", "content": fmt.busy_html(scope.describe() if scope else "")},
        ]
        yield chat, sessie
        session = ChatSession.from_history(engine, sessie["history"])
        try:
            answer = session.ask(question, scope=scope, style=STYLES.get(style, "uitgebreid"))
        except AssistantError as error:
            message = str(error)
        except Exception:  # never a stack trace in the page; the log has it
            log.exception("answering %r failed", question)
            message = GENERIC_ERROR
        else:
            message = ""
        if message:
            chat[-1] = {"role": "assistant", "content": fmt.error_html(message)}
            yield chat, sessie
            raise gr.Error(message, title="Fout")
        index = len(chat) - 1
        aid = fmt.answer_id(index)
        if answer.answered:
            for prefix in fmt.stream_prefixes(answer.answer):
                chat[-1] = {"role": "assistant", "content": fmt.answer_html(answer, aid, keys, prefix, complete=False)}
                yield chat, sessie
                time.sleep(STREAM_PAUSE)
        chat[-1] = {"role": "assistant", "content": fmt.answer_html(answer, aid, keys)}
        data = answer.to_json()
        sessie = {
            "history": [list(turn) for turn in session.history],
            "records": {
                **sessie["records"],
                str(index): {"question": data["question"], "answer": data["answer"], "sources": data["sources"]},
            },
            "last": fmt.answer_plain_text(answer),
        }
        yield chat, sessie

    def on_like(sessie: dict, comment: str, data: gr.LikeData) -> str:
        record = sessie["records"].get(str(data.index))
        if record is None or data.liked not in (True, False):
            return comment
        append_feedback(
            settings.feedback_log,
            question=record["question"],
            answer=record["answer"],
            sources=record["sources"],
            vote="like" if data.liked else "dislike",
            comment=comment,
        )
        gr.Info("Bedankt! Je beoordeling is opgeslagen.", title="Feedback")
        return ""

    def copy_text(sessie: dict) -> dict:
        if not sessie.get("last"):
            gr.Warning("Er is nog geen antwoord om te kopiëren.", title="Let op")
            return gr.skip()
        return gr.update(value=sessie["last"], visible=True)

    def open_section(key: str) -> tuple:
        entry = by_key.get(key) or by_key.get(keys.get(key, ""))
        if entry is None:
            gr.Warning("Deze sectie kon niet worden gevonden.", title="Let op")
            return (gr.skip(),) * 5
        return (
            gr.Tabs(selected="handboek"),
            fmt.section_html(entry, fmt.children_of(entry, entries)),
            entry.key,
            gr.update(interactive=True, value=f"Vraag binnen “{entry.section.path[-1]}”"),
            gr.update(value=entry.key),
        )

    def scope_here(key: str) -> tuple:
        entry = by_key.get(key)
        if entry is None:
            gr.Warning("Kies eerst een sectie.", title="Let op")
            return (gr.skip(),) * 5
        picked = {"letter": entry.section.letter, "section": entry.section.label}
        badge = fmt.scope_badge_html(Scope(**picked).describe() + f" ({entry.doc_title})")
        return (
            picked,
            badge,
            gr.update(visible=True),
            gr.Tabs(selected="chat"),
            gr.update(placeholder="Stel je vraag binnen deze sectie…"),
        )

    def clear_scope() -> tuple:
        return (None, "", gr.update(visible=False), gr.update(placeholder="Stel je vraag over ambtelijke fusie…"))

    def new_conversation() -> tuple:
        return [], {"history": [], "records": {}, "last": ""}, gr.update(value="", visible=False)

    with gr.Blocks(title="Fusiewijzer") as demo:
        sessie = gr.State({"history": [], "records": {}, "last": ""})
        picked = gr.State(None)
        pending = gr.State("")
        current = gr.State("")
        gr.HTML(
            '<header class="kop"><h1>Fusiewijzer</h1><p>Vragen over ambtelijke fusie, '
            "beantwoord met letterlijke citaten uit de handreiking (2014) en praktijkvoorbeelden."
            "</p></header>"
        )
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Vraag en antwoord", id="chat"), gr.Row():
                with gr.Column(scale=3):
                    with gr.Row(elem_classes="afbakening-rij"):
                        badge = gr.HTML("", elem_id="afbakening")
                        clear_btn = gr.Button(
                            "✕ Zoek weer overal", size="sm", visible=False, elem_id="wis-afbakening", scale=0
                        )
                    chatbot = gr.Chatbot(
                        label="Gesprek",
                        elem_id="gesprek",
                        height=640,
                        buttons=["copy"],
                        latex_delimiters=[],
                        sanitize_html=True,
                        allow_tags=False,
                        feedback_options=("Like", "Dislike"),
                        layout="bubble",
                        placeholder="Stel een vraag over ambtelijke fusie, of kies rechts een "
                        "voorbeeldvraag. Elk antwoord citeert letterlijk uit de bronnen.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            show_label=False,
                            scale=5,
                            elem_id="vraag",
                            placeholder="Stel je vraag over ambtelijke fusie…",
                            max_lines=4,
                            autofocus=True,
                        )
                        send = gr.Button("Vraag", variant="primary", scale=1, elem_id="verstuur")
                    with gr.Row():
                        comment = gr.Textbox(
                            label="Toelichting bij je 👍/👎 (optioneel)",
                            scale=4,
                            elem_id="toelichting",
                            placeholder="Wat was goed of wat ontbrak? Klik daarna op de duim onder het antwoord.",
                        )
                        copy_btn = gr.Button("Kopieer met bronnen", scale=1, elem_id="kopieer")
                        new_btn = gr.Button("Nieuw gesprek", scale=1, elem_id="nieuw")
                    copied = gr.Textbox(
                        label="Antwoord met bronnen (om te plakken)",
                        lines=8,
                        visible=False,
                        buttons=["copy"],
                        elem_id="kopie",
                    )
                with gr.Column(scale=2, min_width=280):
                    style = gr.Radio(list(STYLES), value="Uitgebreid", label="Antwoord", elem_id="stijl")
                    doc_filter = gr.Radio(list(FILTERS), value="Alle documenten", label="Zoeken in", elem_id="filter")
                    starters = []
                    with gr.Accordion("Voorbeeldvragen", open=True, elem_id="voorbeelden"):
                        for group, questions in STARTERS:
                            gr.Markdown(f"**{group}**", elem_classes="groep")
                            starters += [gr.Button(q, size="sm", elem_classes="starter") for q in questions]
                    with gr.Accordion("Over deze assistent", open=False, elem_id="over"):
                        gr.Markdown(ABOUT)
            with gr.Tab("Handboek", id="handboek"), gr.Row():
                with gr.Column(scale=2, min_width=280):
                    gr.Markdown(
                        "Klik op een hoofdstuk of sectie om de tekst te lezen. Met de knop "
                        "rechts stel je daarna een vraag die alleen in die sectie zoekt."
                    )
                    picker = gr.Dropdown(
                        [(f"{e.doc_title} › {e.section.label}", e.key) for e in entries],
                        label="Zoek een sectie",
                        value=None,
                        elem_id="kies-sectie",
                    )
                    gr.HTML(fmt.toc_html(entries), elem_id="inhoud")
                with gr.Column(scale=3):
                    ask_here = gr.Button(
                        "Vraag binnen deze sectie", variant="primary", interactive=False, elem_id="vraag-hier"
                    )
                    section_view = gr.HTML(
                        '<p class="leeg">Kies links een hoofdstuk of sectie om de tekst te lezen.</p>', elem_id="sectie"
                    )
        nav_box = gr.Textbox(visible="hidden", elem_id="nav-sectie")
        nav_open = gr.Button(visible="hidden", elem_id="nav-open")

        chat_io = dict(
            fn=respond,
            inputs=[pending, chatbot, sessie, style, doc_filter, picked],
            outputs=[chatbot, sessie],
            concurrency_id="vraag",
            api_visibility=PRIVATE,
        )
        for trigger in (question.submit, send.click):
            trigger(take, question, [question, pending], queue=False, api_visibility=PRIVATE).success(**chat_io)
        for button in starters:
            button.click(take, button, [question, pending], queue=False, api_visibility=PRIVATE).success(**chat_io)
        chatbot.like(on_like, [sessie, comment], comment, api_visibility=PRIVATE)
        copy_btn.click(copy_text, sessie, copied, api_visibility=PRIVATE)
        new_btn.click(new_conversation, None, [chatbot, sessie, copied], api_visibility=PRIVATE)
        section_outputs = [tabs, section_view, current, ask_here, picker]
        nav_open.click(open_section, nav_box, section_outputs, api_visibility=PRIVATE)
        picker.input(open_section, picker, section_outputs, api_visibility=PRIVATE)
        ask_here.click(
            scope_here,
            current,
            [picked, badge, clear_btn, tabs, question],
            api_visibility=PRIVATE,
            js="(k) => { setTimeout(() => document.querySelector('#vraag textarea')?.focus(), 300); return k; }",
        )
        clear_btn.click(clear_scope, None, [picked, badge, clear_btn, question], api_visibility=PRIVATE)
        gr.api(ask_json, api_name="ask", concurrency_id="vraag")
    return demo


def launch_options() -> dict[str, Any]:
    theme = gr.themes.Default(font=[gr.themes.Font("system-ui"), "sans-serif"], font_mono=["monospace"])
    return {"theme": theme, "css": CSS, "js": JS, "footer_links": []}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fusiewijzer in de browser")
    parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    try:
        if IndexStore(settings.index_dir).manifest() is None:
            print(f"Nog geen index in {settings.index_dir}; die wordt nu gebouwd…", flush=True)
            build_index(settings)
        engine = Assistant(settings)
        engine.ask("ambtelijke fusie")  # load the index and the models before the first user
    except AssistantError as error:
        raise SystemExit(f"Fusiewijzer kan niet starten: {error}") from None
    demo = build_app(settings, engine)
    demo.queue(default_concurrency_limit=1)
    demo.launch(server_name=args.host, server_port=args.port, show_error=False, **launch_options())


if __name__ == "__main__":
    main()
