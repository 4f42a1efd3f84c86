"""Fusiewijzer in the browser: the Gradio page (launch.py starts it; `python ui.py`).

Thin on purpose: it builds the Gradio page, calls the package (ChatSession, toc, feedback, admin,
uploads, users) and turns AssistantError into a Dutch gr.Error. The tabs' handlers live in
chat.py, handbook.py and admin.py beside this module; the HTML comes from answer_html.py
(answers), toc_html.py (Handboek) and admin_html.py; texts, style and script from assets.py.
Off loopback (or with --login / ASSISTANT_LOGIN=1) users log in (var/users.json, `assistant users`);
only admins get the Beheer tab, and its handlers check the role.
"""

from __future__ import annotations

from assistant import offline
from assistant.admin import catalog as admin
from assistant.admin.feedback import open_feedback
from assistant.answers.chat import ChatSession
from assistant.answers.limits import question_slots
from assistant.answers.pipeline import Assistant
from assistant.answers.requests import parse_history
from assistant.config import Settings
from assistant.errors import AssistantError, BadRequest
from assistant.search.scope import Scope
from assistant.state.audit import AuditLog
from assistant.state.conversations import Conversations
from assistant.state.db import Database
from assistant.types import ANSWER_STYLES
from assistant.web.access import print_heading_html
from assistant.web.admin import AdminTab
from assistant.web.admin_html import user_html
from assistant.web.assets import ABOUT, STARTERS
from assistant.web.chat import (
    FILTERS,
    MEMO_SCOPES,
    QUESTION_PLACEHOLDER,
    STYLES,
    ChatHandlers,
    clear_scope,
    copy_text,
    empty_session,
    new_conversation,
    take,
)
from assistant.web.handbook import HandbookHandlers
from assistant.web.history import HistoryHandlers
from assistant.web.links import LinkHandlers
from assistant.web.toc_html import toc_html

offline.apply()  # already done by `import assistant`; gradio reads these variables on import
import gradio as gr  # noqa: E402

PRIVATE = "private"  # UI events are not API endpoints; only /ask is
# The chat column's minimum width: below about twice this the settings column moves under the chat
# (a tablet held upright, a phone). assets.NARROW is the same break in the style sheet and script.
NARROW_CHAT_WIDTH = 560
# Uploaded files are copied into corpus/ when the admin clicks, so Gradio's copies may go after an
# hour: every hour, delete cached files older than an hour (default: kept until restart).
DELETE_CACHE = (3600, 3600)


def build_app(settings: Settings, engine: Assistant, login: bool = False) -> gr.Blocks:
    catalog = admin.Catalog(settings)
    db = Database(settings)
    conversations = Conversations(db, settings.retention_days)
    conversations.purge()  # on start, and on every write
    history = HistoryHandlers(settings, conversations, login)
    chat_handlers = ChatHandlers(settings, engine, catalog, history, open_feedback(settings, db))
    slots = question_slots(settings)
    handbook = HandbookHandlers(catalog, engine)
    links = LinkHandlers(handbook)
    admin_tab = AdminTab(settings, catalog, login, AuditLog(db))

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
        try:
            # Checked like a `--json -` line: wrong types get a Dutch message, not a traceback.
            limit = settings.max_question_chars
            turns = parse_history(history, limit)
            if not isinstance(question, str):
                raise BadRequest("question moet tekst zijn.")
            if style not in ANSWER_STYLES:
                raise BadRequest("style moet kort of uitgebreid zijn.")
            scope = Scope(
                letter=str(letter) if letter else None,
                phase=int(phase) if str(phase or "").isdigit() and int(phase) else None,
                doc_type=str(doc_type) if doc_type else None,
                section=str(section) if section else None,
            )
            session = ChatSession.from_history(engine, turns)
            return session.ask(question, None if scope.is_empty else scope, style).to_json()
        except AssistantError as error:
            raise gr.Error(str(error), title="Fout") from None

    def on_load(request: gr.Request) -> tuple:
        allowed = admin_tab.is_admin(request)
        cat = catalog.current()
        fresh = cat.version != catalog.first_version  # the page was built with the first version's tree
        who = user_html(request.username, "beheerder" if allowed else "lezer") if login else ""
        return (
            gr.Tab(visible=allowed),
            who,
            print_heading_html(cat.version),
            toc_html(cat.entries) if fresh else gr.skip(),
            gr.update(choices=cat.picker_choices()) if fresh else gr.skip(),
            *(admin_tab.outputs() if allowed else (gr.skip(),) * len(admin_tab.io)),
        )

    with gr.Blocks(title="Fusiewijzer", delete_cache=DELETE_CACHE) as demo:
        sessie = gr.State(empty_session())
        picked = gr.State(None)
        pending = gr.State("")
        current = gr.State("")
        gr.HTML(
            '<header class="kop"><h1>Fusiewijzer</h1><p>Vragen over ambtelijke fusie, '
            "beantwoord met letterlijke citaten uit de handreiking (2014) en praktijkvoorbeelden."
            "</p></header>"
        )
        who = gr.HTML("", elem_id="gebruiker")
        # Shown only in print: what the Raadsmemo's heading says (access.JS fills in the date).
        print_heading = gr.HTML("", elem_id="printkop")
        link_notice = gr.HTML("", elem_id="link-melding")  # what a deep link could not do
        # "wrap": on a phone the tab bar wraps instead of hiding tabs behind an unlabelled "..." menu.
        with gr.Tabs(selected="chat", overflow_behavior="wrap") as tabs:
            # The two columns sit side by side while both minimum widths fit (desktop, a tablet held
            # landscape); narrower, the settings column wraps below the conversation.
            with gr.Tab("Vraag en antwoord", id="chat"), gr.Row(elem_classes="chat-rij"):
                with gr.Column(scale=3, min_width=NARROW_CHAT_WIDTH):
                    with gr.Row(elem_classes="afbakening-rij"):
                        badge = gr.HTML("", elem_id="afbakening")
                        clear_btn = gr.Button(
                            "✕ Zoek weer overal", size="sm", visible=False, elem_id="wis-afbakening", scale=0
                        )
                    # autoscroll off: the page script shows the new question and the answer's first
                    # lines instead of the end of the last source card (assets.JS). On narrow screens
                    # the style sheet lets the box grow, so the page has one scroll.
                    chatbot = gr.Chatbot(
                        label="Gesprek",
                        elem_id="gesprek",
                        height="min(640px, 62vh)",
                        autoscroll=False,
                        buttons=["copy"],
                        latex_delimiters=[],
                        sanitize_html=True,
                        allow_tags=False,
                        feedback_options=("Like", "Dislike"),
                        layout="bubble",
                        placeholder="Stel een vraag over ambtelijke fusie, of kies een voorbeeldvraag "
                        "onder “Instellingen en voorbeelden”. Elk antwoord citeert letterlijk uit de bronnen.",
                    )
                    with gr.Row(elem_id="vraagbalk"):
                        question = gr.Textbox(
                            label="Je vraag",  # not shown; the field's name for screen readers
                            show_label=False,
                            scale=5,
                            min_width=180,
                            elem_id="vraag",
                            placeholder=QUESTION_PLACEHOLDER,
                            max_lines=4,
                            autofocus=True,
                        )
                        send = gr.Button("Vraag", variant="primary", scale=1, min_width=88, elem_id="verstuur")
                    # Shown once a thumb is tapped: the vote is stored at once, the comment amends it.
                    with gr.Row(visible=False, elem_id="toelichting-rij") as comment_row:
                        comment = gr.Textbox(
                            label="Toelichting (optioneel)",
                            scale=4,
                            min_width=220,
                            elem_id="toelichting",
                            placeholder="Wat was goed of wat ontbrak?",
                        )
                        comment_btn = gr.Button(
                            "Verstuur toelichting", scale=1, min_width=140, elem_id="verstuur-toelichting"
                        )
                    with gr.Row():
                        copy_btn = gr.Button("Kopieer met bronnen", min_width=140, elem_id="kopieer")
                        new_btn = gr.Button("Nieuw gesprek", min_width=140, elem_id="nieuw")
                    with gr.Row(elem_id="memo-rij"):
                        memo_scope = gr.Radio(
                            list(MEMO_SCOPES), value=MEMO_SCOPES[0], label="Raadsmemo van", elem_id="memo-omvang"
                        )
                        memo_btn = gr.Button("Maak raadsmemo (Word en Markdown)", min_width=140, elem_id="maak-memo")
                    memo_files = gr.File(
                        label="Raadsmemo om te downloaden",
                        file_count="multiple",
                        visible=False,
                        interactive=False,
                        elem_id="memo",
                    )
                    copied = gr.Textbox(
                        label="Antwoord met bronnen (om te plakken)",
                        lines=8,
                        visible=False,
                        buttons=["copy"],
                        elem_id="kopie",
                    )
                with gr.Column(scale=2, min_width=300):
                    history.build()
                    # Open on a wide screen; the page script folds it on a narrow one (assets.JS).
                    with gr.Accordion("Instellingen en voorbeelden", open=True, elem_id="instellingen"):
                        style = gr.Radio(list(STYLES), value="Uitgebreid", label="Antwoord", elem_id="stijl")
                        doc_filter = gr.Radio(
                            list(FILTERS), value="Alle documenten", label="Zoeken in", elem_id="filter"
                        )
                        starters = []
                        gr.Markdown("**Voorbeeldvragen**", elem_id="voorbeelden")
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
                    toc = gr.HTML(toc_html(catalog.entries), elem_id="inhoud")
                with gr.Column(scale=3):
                    ask_here = gr.Button(
                        "Vraag binnen deze sectie", variant="primary", interactive=False, elem_id="vraag-hier"
                    )
                    section_view = gr.HTML(
                        '<p class="leeg">Kies links een hoofdstuk of sectie om de tekst te lezen.</p>', elem_id="sectie"
                    )
            admin_tab.build()
        nav_box = gr.Textbox(visible="hidden", elem_id="nav-sectie")
        nav_open = gr.Button(visible="hidden", elem_id="nav-open")
        # The page script passes a clicked passage link (its query string) and a clicked suggested
        # question through these, like section links above.
        nav_passage = gr.Textbox(visible="hidden", elem_id="nav-passage")
        nav_passage_open = gr.Button(visible="hidden", elem_id="nav-passage-open")
        nav_question = gr.Textbox(visible="hidden", elem_id="nav-vraag")
        nav_ask = gr.Button(visible="hidden", elem_id="nav-vraag-stel")

        chat_io = dict(
            fn=chat_handlers.respond,
            inputs=[pending, chatbot, sessie, style, doc_filter, picked, history.owner],
            outputs=[chatbot, sessie],
            concurrency_id="vraag",
            concurrency_limit=slots,
            # The answer shows before its event ends (suggestions, storing). Gradio's default
            # ("once") drops a question sent meanwhile, after its text has left the box;
            # "always_last" runs it as soon as the previous answer's event has finished.
            trigger_mode="always_last",
            api_visibility=PRIVATE,
        )
        refresh = history.refresh_event
        # A typed question goes through the queue (without a concurrency limit, so it never waits
        # behind an answer): only a queued event shows its gr.Error to the user. Unqueued, an
        # empty question left nothing but an English "Error" badge on the textbox.
        for trigger in (question.submit, send.click):
            trigger(
                take,
                question,
                [question, pending],
                concurrency_limit=None,
                show_progress="hidden",
                api_visibility=PRIVATE,
            ).success(**chat_io).then(**refresh)
        for button in starters:
            button.click(take, button, [question, pending], queue=False, api_visibility=PRIVATE).success(
                **chat_io
            ).then(**refresh)
        # A suggested next question: asked as a new turn, leaving what the user is typing alone.
        nav_ask.click(take, nav_question, [nav_question, pending], queue=False, api_visibility=PRIVATE).success(
            **chat_io
        ).then(**refresh)
        section_outputs = [tabs, section_view, current, ask_here, picker]
        # Deep links (?vraag=, ?bron=) once the owner is known, so an asked question is stored. The
        # link's question has a state of its own: a question typed meanwhile keeps `pending`.
        link_question = gr.State("")
        link_outputs = [link_question, style, link_notice, *section_outputs]
        history.wire(demo, chatbot, sessie).then(links.on_load, None, link_outputs, api_visibility=PRIVATE).then(
            **{**chat_io, "fn": chat_handlers.respond_link, "inputs": [link_question, *chat_io["inputs"][1:]]}
        ).then(**refresh)
        nav_passage_open.click(
            links.on_passage_click, nav_passage, [link_notice, *section_outputs], api_visibility=PRIVATE
        )
        voted = gr.State(None)
        chatbot.like(
            chat_handlers.on_like, [sessie, history.owner], [voted, comment_row, comment], api_visibility=PRIVATE
        )
        for trigger in (comment_btn.click, comment.submit):
            trigger(chat_handlers.on_comment, [voted, comment], [voted, comment_row, comment], api_visibility=PRIVATE)
        copy_btn.click(copy_text, sessie, copied, api_visibility=PRIVATE)
        memo_btn.click(chat_handlers.export_memo, [sessie, memo_scope], memo_files, api_visibility=PRIVATE)
        new_btn.click(new_conversation, None, [chatbot, sessie, copied], api_visibility=PRIVATE).then(**refresh)
        nav_open.click(handbook.open_section, nav_box, section_outputs, api_visibility=PRIVATE)
        picker.input(handbook.open_section, picker, section_outputs, api_visibility=PRIVATE)
        ask_here.click(
            handbook.scope_here,
            current,
            [picked, badge, clear_btn, tabs, question],
            api_visibility=PRIVATE,
            js="(k) => { setTimeout(() => document.querySelector('#vraag textarea')?.focus(), 300); return k; }",
        )
        clear_btn.click(clear_scope, None, [picked, badge, clear_btn, question], api_visibility=PRIVATE)
        admin_tab.wire(toc, picker)
        on_load_outputs = [admin_tab.tab, who, print_heading, toc, picker, *admin_tab.io]
        demo.load(on_load, None, on_load_outputs, api_visibility=PRIVATE)
        gr.api(ask_json, api_name="ask", concurrency_id="vraag", concurrency_limit=slots)
    return demo
