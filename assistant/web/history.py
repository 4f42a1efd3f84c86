""" "Mijn gesprekken" in the chat tab: the owner's stored conversations (title = first question,
date), open one to continue it, delete one or all.

The owner is "user:<name>" when users log in. Without login (loopback, one user) it is
"browser:<key>", a random key kept in the browser's localStorage (gr.BrowserState), so history is
per browser. The key's encryption secret is kept in var/, not in process memory, so that a second
worker process (or a restart) reads the same key.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

import gradio as gr

from assistant.config import Settings
from assistant.state.conversations import Conversations, StoredTurn, TurnRef
from assistant.web import answer_html as fmt

log = logging.getLogger("fusiewijzer.ui")
STORE_ERROR = "Dit gesprek kon niet worden bewaard; het antwoord hierboven blijft staan."
EMPTY_LIST = "Nog geen bewaarde gesprekken."


def browser_secret(settings: Settings) -> str:
    """A secret for the browser key, made once per installation and kept in var/ (mode 0600)."""
    path: Path = settings.var_dir / "browser-secret"
    try:
        return path.read_text("utf-8").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(16)
        try:
            with open(path, "x", encoding="utf-8") as handle:  # "x": the first process to start wins
                handle.write(secret)
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text("utf-8").strip()
        return secret


def session_from_turns(turns: list[StoredTurn]) -> tuple[list[dict], dict]:
    """The chatbot's messages and the chat state of a stored conversation, as they were."""
    chat: list[dict] = []
    records: dict[str, dict] = {}
    for turn in turns:
        chat.append({"role": "user", "content": fmt.question_html(turn.question)})
        records[str(len(chat))] = {
            "question": turn.question,
            "answer": turn.answer,
            "sources": turn.sources,
            "turn": turn.id,
        }
        chat.append({"role": "assistant", "content": turn.html or fmt.error_html("Dit antwoord is niet bewaard.")})
    return chat, {
        "history": [[t.question, t.answer] for t in turns],
        "records": records,
        "last": turns[-1].plain if turns else "",
    }


PRIVATE = "private"  # not API endpoints (app.py: only /ask is)
# How long storing an answer waits for its page's load event to name the owner. The answer is
# already on screen; only "Mijn gesprekken" waits.
OWNER_WAIT_SECONDS = 20.0


class PageOwners:
    """The owner each open page (Gradio session) got from its load event. A question sent before
    that event finished (typed at once, or on a busy server) carries an empty owner; storing its
    answer waits here for the load event instead of keeping nothing. Only the most recent pages
    are remembered: the registry routes a session to its owner, it holds no user data."""

    def __init__(self, limit: int = 4096) -> None:
        self._owners: OrderedDict[str, str] = OrderedDict()
        self._limit = limit
        self._changed = threading.Condition()

    def set(self, session: str, owner: str) -> None:
        with self._changed:
            self._owners[session] = owner
            self._owners.move_to_end(session)
            while len(self._owners) > self._limit:
                self._owners.popitem(last=False)
            self._changed.notify_all()

    def wait(self, session: str, timeout: float) -> str:
        """The page's owner, once its load event has set it; "" after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: session in self._owners, timeout)
            return self._owners.get(session, "")


class HistoryHandlers:
    """Build the list with `build()` inside the chat tab's side column, then `wire()` it to the
    chatbot and the chat state; `owner` is the input the chat's answer handler stores turns for."""

    def __init__(self, settings: Settings, conversations: Conversations, login: bool) -> None:
        self.settings, self.conversations, self.login = settings, conversations, login
        self.page_owners = PageOwners()

    def build(self) -> None:
        self.owner = gr.State("")  # server-side: "user:<name>" or "browser:<key>"
        self.browser_key = gr.BrowserState(
            None, storage_key="fusiewijzer-gesprekken", secret=browser_secret(self.settings)
        )
        with gr.Accordion("Mijn gesprekken", open=True, elem_id="mijn-gesprekken"):
            self.choice_list = gr.Radio([], label="Kies een gesprek om het verder te voeren", elem_id="gesprekken")
            with gr.Row():
                self.delete_one = gr.Button("Verwijder gekozen gesprek", size="sm", elem_id="verwijder-gesprek")
                self.delete_every = gr.Button("Verwijder alle gesprekken", size="sm", elem_id="verwijder-alles")

    @property
    def refresh_event(self) -> dict:
        """For `.then(**refresh_event)` after an answer: the list with the new conversation."""
        return dict(fn=self.choices, inputs=self.owner, outputs=self.choice_list, api_visibility=PRIVATE)

    def wire(self, demo: gr.Blocks, chatbot: gr.Chatbot, sessie: gr.State) -> gr.events.Dependency:
        """Returns the page's load event that sets the owner: what needs the owner chains on it."""
        chat_outputs = [self.choice_list, chatbot, sessie]
        self.choice_list.input(
            self.open, [self.choice_list, self.owner], [chatbot, sessie, self.choice_list], api_visibility=PRIVATE
        )
        self.delete_one.click(self.delete, [self.choice_list, self.owner, sessie], chat_outputs, api_visibility=PRIVATE)
        self.delete_every.click(self.delete_all, self.owner, chat_outputs, api_visibility=PRIVATE)
        return demo.load(
            self.on_load, self.browser_key, [self.browser_key, self.owner, self.choice_list], api_visibility=PRIVATE
        )

    def choices(self, owner: str) -> dict:
        items = self.conversations.list(owner) if owner else []
        # info="" clears the "none yet" text; None would leave it standing.
        return gr.update(choices=[(c.label, c.id) for c in items], value=None, info="" if items else EMPTY_LIST)

    def on_load(self, key: str | None, request: gr.Request) -> tuple:
        """The owner of this page's conversations, and their list."""
        key = key or secrets.token_urlsafe(16)
        username = getattr(request, "username", None)
        owner = f"user:{username}" if self.login and username else f"browser:{key}"
        session = getattr(request, "session_hash", None)
        if session:
            self.page_owners.set(session, owner)
        return key, owner, self.choices(owner)

    def open(self, conversation_id: str | None, owner: str) -> tuple:
        turns = self.conversations.turns(owner, conversation_id) if conversation_id and owner else []
        if not turns:
            gr.Warning("Dit gesprek bestaat niet meer.", title="Let op")
            return gr.skip(), gr.skip(), self.choices(owner)
        chat, sessie = session_from_turns(turns)
        sessie["conversation"] = conversation_id
        return chat, sessie, gr.skip()

    def delete(self, conversation_id: str | None, owner: str, sessie: dict) -> tuple:
        if not conversation_id:
            gr.Warning("Kies eerst een gesprek in de lijst.", title="Let op")
            return gr.skip(), gr.skip(), gr.skip()
        self.conversations.delete(owner, conversation_id)
        gr.Info("Het gesprek is verwijderd.", title="Mijn gesprekken")
        if sessie.get("conversation") == conversation_id:
            return self.choices(owner), [], empty_state()
        return self.choices(owner), gr.skip(), gr.skip()

    def delete_all(self, owner: str) -> tuple:
        removed = self.conversations.delete_all(owner) if owner else 0
        gr.Info(f"{removed} gesprek(ken) verwijderd.", title="Mijn gesprekken")
        return self.choices(owner), [], empty_state()

    def store(self, owner: str, sessie: dict, turn: dict, session: str | None = None) -> TurnRef | None:
        """Store an answered turn; returns where (None when storing failed). `owner` is "" when the
        question left the page before its load event ended: then the page's `session` says whose."""
        if not owner and session:
            owner = self.page_owners.wait(session, OWNER_WAIT_SECONDS)
        if not owner:  # the page's load event never named an owner: nobody to keep it for
            log.warning("an answer was not stored: its page had no owner")
            return None
        try:
            return self.conversations.store_turn(owner, sessie.get("conversation"), **turn)
        except Exception:  # the answer stands; the user is told it was not kept
            log.exception("storing a conversation turn failed")
            gr.Warning(STORE_ERROR, title="Niet bewaard")
            return None


def empty_state() -> dict:
    return {"history": [], "records": {}, "last": "", "conversation": None}
