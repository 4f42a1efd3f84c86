"""Fusiewijzer in the browser: `python ui.py [--host H] [--port N] [--login]`.

Thin on purpose: it builds the Gradio page, calls the package (ChatSession, toc, feedback, admin,
uploads, users) and turns AssistantError into a Dutch gr.Error. The HTML comes from
assistant/ui_format.py. Off loopback (or with --login / ASSISTANT_LOGIN=1) users log in
(var/users.json, `assistant users`); only admins get the Beheer tab, and its handlers check the role.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from pathlib import Path
from typing import Any

from assistant import admin, offline
from assistant import ui_format as fmt
from assistant.chat import ChatSession
from assistant.config import Settings
from assistant.errors import AssistantError, EmptyQuestion
from assistant.feedback import append_feedback
from assistant.ingest import build_index
from assistant.pipeline import Assistant
from assistant.retrieval import Scope
from assistant.store import IndexStore
from assistant.types import Answer
from assistant.ui_format import ABOUT, CSS, JS, STARTERS
from assistant.uploads import remove_document, save_upload
from assistant.users import UserStore, login_required

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


def build_app(settings: Settings, engine: Assistant, login: bool = False) -> gr.Blocks:
    catalog = admin.Catalog(settings)
    users = UserStore(settings.users_file)

    def is_admin(request: gr.Request | None) -> bool:  # without login (loopback) the one user is the admin
        return not login or users.role(request.username if request else None) == "admin"

    def require_admin(request: gr.Request | None) -> None:
        if not is_admin(request):
            raise gr.Error("Alleen beheerders mogen documenten beheren.", title="Geen toegang")

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
        index = len(chat) - 1
        aid, keys = fmt.answer_id(index), catalog.current().keys
        answer, streamed = None, ""
        try:
            # With a language model configured, verified text arrives piece by piece; the last
            # item is always the final Answer (which may be the extractive fallback).
            for item in session.ask_stream(question, scope=scope, style=STYLES.get(style, "uitgebreid")):
                if isinstance(item, Answer):
                    answer = item
                    continue
                streamed += item
                partial = Answer(question=question, answer=streamed, answered=True, mode="llm")
                chat[-1] = {"role": "assistant", "content": fmt.answer_html(partial, aid, keys, streamed, False)}
                yield chat, sessie
        except AssistantError as error:
            message = str(error)
        except Exception:  # never a stack trace in the page; the log has it
            log.exception("answering %r failed", question)
            message = GENERIC_ERROR
        else:
            message = ""
        if message or answer is None:
            message = message or GENERIC_ERROR
            chat[-1] = {"role": "assistant", "content": fmt.error_html(message)}
            yield chat, sessie
            raise gr.Error(message, title="Fout")
        if answer.answered and not streamed:
            # Extractive answers are complete at once; showing them sentence by sentence keeps
            # the page alive the same way a model's stream does.
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
        cat = catalog.current()
        entry = cat.by_key.get(key) or cat.by_key.get(cat.keys.get(key, ""))
        if entry is None:
            gr.Warning("Deze sectie kon niet worden gevonden.", title="Let op")
            return (gr.skip(),) * 5
        return (
            gr.Tabs(selected="handboek"),
            fmt.section_html(entry, fmt.children_of(entry, cat.entries)),
            entry.key,
            gr.update(interactive=True, value=f"Vraag binnen “{entry.section.path[-1]}”"),
            gr.update(value=entry.key),
        )

    def scope_here(key: str) -> tuple:
        entry = catalog.current().by_key.get(key)
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

    def admin_outputs(message: str = "", ok: bool = True) -> tuple:
        view = admin.AdminView.of(settings)
        table = fmt.documents_table_html(view.rows, admin.HEADERS)
        folders, documents = gr.update(choices=view.folders), gr.update(choices=view.documents, value=None)
        return fmt.notice_html(message, ok), f"<p>{fmt.esc(view.summary)}</p>", table, documents, folders

    def on_upload(path: str | None, name: str, folder: str, request: gr.Request) -> tuple:
        require_admin(request)
        if not path:
            return (*admin_outputs("Kies eerst een bestand om toe te voegen.", ok=False), gr.skip(), gr.skip())
        try:
            saved = save_upload(settings, Path(path), (name or "").strip() or Path(path).name, folder or "uploads")
        except AssistantError as error:
            gr.Warning(str(error), title="Geweigerd")
            return (*admin_outputs(str(error), ok=False), None, gr.skip())
        return (*admin_outputs(saved.message), None, "")

    def on_remove(doc: str | None, request: gr.Request) -> tuple:
        require_admin(request)
        if not doc:
            return admin_outputs("Kies eerst een document om te verwijderen.", ok=False)
        try:
            remove_document(settings, doc)
        except AssistantError as error:
            return admin_outputs(str(error), ok=False)
        return admin_outputs(f"{doc} is verwijderd. Klik op “Opnieuw indexeren” om het ook uit de index te halen.")

    def on_reindex(request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        require_admin(request)
        progress(0, desc="Documenten lezen…")
        try:
            result = admin.reindex(
                settings, lambda done, total, label: progress((done, total), desc=f"Embedden: {label}")
            )
        except AssistantError as error:
            return (*admin_outputs(str(error), ok=False), gr.skip(), gr.skip())
        cat = catalog.current()
        return (*admin_outputs(result.message), fmt.toc_html(cat.entries), gr.update(choices=cat.picker_choices()))

    def on_load(request: gr.Request) -> tuple:
        allowed = is_admin(request)
        cat = catalog.current()
        fresh = cat.version != catalog.first_version  # the page was built with the first version's tree
        who = fmt.user_html(request.username, "beheerder" if allowed else "lezer") if login else ""
        return (
            gr.Tab(visible=allowed),
            who,
            fmt.toc_html(cat.entries) if fresh else gr.skip(),
            gr.update(choices=cat.picker_choices()) if fresh else gr.skip(),
            *(admin_outputs() if allowed else (gr.skip(),) * 5),
        )

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
        who = gr.HTML("", elem_id="gebruiker")
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
                        catalog.picker_choices(),
                        label="Zoek een sectie",
                        value=None,
                        elem_id="kies-sectie",
                    )
                    toc = gr.HTML(fmt.toc_html(catalog.entries), elem_id="inhoud")
                with gr.Column(scale=3):
                    ask_here = gr.Button(
                        "Vraag binnen deze sectie", variant="primary", interactive=False, elem_id="vraag-hier"
                    )
                    section_view = gr.HTML(
                        '<p class="leeg">Kies links een hoofdstuk of sectie om de tekst te lezen.</p>', elem_id="sectie"
                    )
            with gr.Tab("Beheer", id="beheer", visible=not login) as admin_tab:
                gr.Markdown(fmt.ADMIN_INTRO.format(mb=f"{settings.max_upload_mb:g}".replace(".", ",")))
                with gr.Row():
                    with gr.Column():
                        upload_file = gr.File(label="Document", type="filepath", elem_id="beheer-bestand")
                        with gr.Row():
                            upload_name = gr.Textbox(
                                label="Opslaan als (optioneel)", placeholder="naam.md", elem_id="beheer-naam"
                            )
                            upload_folder = gr.Dropdown(["uploads"], value="uploads", label="Map", elem_id="beheer-map")
                        upload_btn = gr.Button("Toevoegen of vervangen", variant="primary", elem_id="beheer-opslaan")
                    with gr.Column():
                        remove_pick = gr.Dropdown([], label="Document verwijderen", elem_id="beheer-kies")
                        remove_btn = gr.Button("Verwijder", variant="stop", elem_id="beheer-verwijder")
                        reindex_btn = gr.Button("Opnieuw indexeren", variant="primary", elem_id="beheer-indexeer")
                notice = gr.HTML("", elem_id="beheer-melding")
                overview = gr.HTML("", elem_id="beheer-overzicht")
                table = gr.HTML("", elem_id="beheer-tabel")
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
        admin_io = [notice, overview, table, remove_pick, upload_folder]
        beheer = dict(concurrency_id="beheer", api_visibility=PRIVATE)
        upload_btn.click(
            on_upload, [upload_file, upload_name, upload_folder], [*admin_io, upload_file, upload_name], **beheer
        )
        remove_btn.click(on_remove, remove_pick, admin_io, **beheer)
        reindex_btn.click(on_reindex, None, [*admin_io, toc, picker], **beheer)
        demo.load(on_load, None, [admin_tab, who, toc, picker, *admin_io], api_visibility=PRIVATE)
        gr.api(ask_json, api_name="ask", concurrency_id="vraag")
    return demo


def launch_options() -> dict[str, Any]:
    theme = gr.themes.Default(font=[gr.themes.Font("system-ui"), "sans-serif"], font_mono=["monospace"])
    return {"theme": theme, "css": CSS, "js": JS, "footer_links": []}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fusiewijzer in de browser")
    parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    forced = os.environ.get("ASSISTANT_LOGIN", "") not in ("", "0")
    parser.add_argument("--login", action="store_true", default=forced, help="log in on loopback too")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    login = login_required(args.host, force=args.login)
    users = UserStore(settings.users_file)
    try:
        if login and not users.users():
            raise SystemExit(
                f"Fusiewijzer kan niet starten: op {args.host} is inloggen verplicht, maar {settings.users_file} "
                "bevat nog geen gebruikers. Maak er een met: assistant users add NAAM --role admin"
            )
        if IndexStore(settings.index_dir).manifest() is None:
            print(f"Nog geen index in {settings.index_dir}; die wordt nu gebouwd…", flush=True)
            build_index(settings)
        engine = Assistant(settings)
        engine.ask("ambtelijke fusie")  # load the index and the models before the first user
    except AssistantError as error:
        raise SystemExit(f"Fusiewijzer kan niet starten: {error}") from None
    demo = build_app(settings, engine, login)
    demo.queue(default_concurrency_limit=1)
    auth = {"auth": users.check, "auth_message": fmt.LOGIN_MESSAGE} if login else {}
    max_bytes = int((2 * settings.max_upload_mb + 1) * 1024 * 1024)  # a guard; uploads.py gives the Dutch refusal
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        show_error=False,
        max_file_size=max_bytes,
        **auth,
        **launch_options(),
    )


if __name__ == "__main__":
    main()
