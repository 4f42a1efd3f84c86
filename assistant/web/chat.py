"""The chat tab's handlers in Gradio: a question -> a streamed, cited answer in the chatbot, a vote
on an answer, the copy with sources, a new conversation and clearing the search scope.

The conversation lives in a gr.State per browser tab (`empty_session()`): the turns for follow-up
questions, per chatbot message the answer record that a 👍/👎 stores, the last answer as text and
the id of the stored conversation: each answered turn is also written to the database (history.py),
which is what "Mijn gesprekken" and a second worker process read.
AssistantError becomes a Dutch message in the chat and a gr.Error; any other error is logged and
shown as a generic message, never as a stack trace.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

# Safe before the package imports: importing this module ran assistant/__init__.py, which set the
# offline variables that gradio reads on import.
import gradio as gr

from assistant.admin.catalog import Catalog
from assistant.answers.chat import ChatSession
from assistant.answers.memo import MemoTurn, memo_docx, memo_markdown
from assistant.answers.pipeline import Assistant, asks_nothing
from assistant.answers.suggestions import suggest
from assistant.config import Settings
from assistant.errors import AssistantError, EmptyQuestion
from assistant.search.scope import Scope
from assistant.state.feedback import FeedbackStore, Vote
from assistant.types import Answer, AnswerStyle
from assistant.web import answer_html as fmt
from assistant.web.history import HistoryHandlers, empty_state

log = logging.getLogger("fusiewijzer.ui")
STYLES: dict[str, AnswerStyle] = {"Kort": "kort", "Uitgebreid": "uitgebreid"}
FILTERS = {"Alle documenten": None, "Alleen handreiking": "handbook", "Alleen praktijkvoorbeelden": "case"}
GENERIC_ERROR = "Er ging iets mis bij het beantwoorden. Probeer het opnieuw of stel de vraag anders."
MEMO_SCOPES = ("Laatste antwoord", "Heel gesprek")
STREAM_PAUSE = 0.03  # seconds between streamed sentences
QUESTION_PLACEHOLDER = "Stel je vraag…"  # short: it fits one line beside the button on a phone


def empty_session() -> dict:
    return empty_state()


def make_scope(doc_filter: str | None, picked: dict | None) -> Scope | None:
    """The search scope from the "Zoeken in" filter and the section picked in the Handboek tab."""
    picked = picked or {}
    scope = Scope(letter=picked.get("letter"), section=picked.get("section"), doc_type=FILTERS.get(doc_filter or ""))
    return None if scope.is_empty else scope


def take(question: str) -> tuple[str, str]:
    """Empty the textbox and hand the question on (refuses an empty question, or one of only
    punctuation and symbols, at once: it is not shown as a question)."""
    if asks_nothing(question):
        # A user's slip, not a fault: shown to the user, kept out of the server log.
        raise gr.Error(str(EmptyQuestion()), title="Lege vraag", print_exception=False)
    return "", question


def copy_text(sessie: dict) -> dict:
    if not sessie.get("last"):
        gr.Warning("Er is nog geen antwoord om te kopiëren.", title="Let op")
        return gr.skip()
    return gr.update(value=sessie["last"], visible=True)


def clear_scope() -> tuple:
    return (None, "", gr.update(visible=False), gr.update(placeholder=QUESTION_PLACEHOLDER))


def new_conversation() -> tuple:
    return [], empty_session(), gr.update(value="", visible=False)


class ChatHandlers:
    """The handlers that need the engine, the settings, the section catalog or the feedback table."""

    def __init__(
        self,
        settings: Settings,
        engine: Assistant,
        catalog: Catalog,
        history: HistoryHandlers,
        feedback: FeedbackStore,
    ) -> None:
        self.settings, self.engine, self.catalog, self.history = settings, engine, catalog, history
        self.feedback = feedback

    def respond(
        self,
        question: str,
        chat: list,
        sessie: dict,
        style: str,
        doc_filter: str,
        picked: dict | None,
        owner: str,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[list, dict]]:
        scope = make_scope(doc_filter, picked)
        answer_style = STYLES.get(style, "uitgebreid")
        chat = [
            *chat,
            {"role": "user", "content": fmt.question_html(question)},
            {"role": "assistant", "content": fmt.busy_html(scope.describe() if scope else "")},
        ]
        yield chat, sessie
        session = ChatSession.from_history(self.engine, sessie["history"])
        index = len(chat) - 1
        aid, keys = fmt.answer_id(index), self.catalog.current().keys
        answer, streamed = None, ""
        try:
            # With a language model configured, verified text arrives piece by piece; the last
            # item is always the final Answer (which may be the extractive fallback).
            for item in session.ask_stream(question, scope=scope, style=answer_style):
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
        chat[-1] = {"role": "assistant", "content": fmt.answer_html(answer, aid, keys, style=answer_style)}
        data = answer.to_json()
        plain = fmt.answer_plain_text(answer)
        record = {"question": data["question"], "answer": data["answer"], "sources": data["sources"]}
        extra = {"html": chat[-1]["content"], "plain": plain, "answered": answer.answered}
        page = getattr(request, "session_hash", None)  # which open page asked (history.PageOwners)
        stored = self.history.store(owner, sessie, {**record, **extra}, session=page)
        record["turn"] = stored.turn_id if stored else None  # what a 👍/👎 on this answer refers to
        sessie = {
            "history": [list(turn) for turn in session.history],
            "records": {**sessie["records"], str(index): record},
            "last": plain,
            "conversation": stored.conversation_id if stored else sessie.get("conversation"),
        }
        yield chat, sessie
        # Only now, with the answer on screen and stored: the suggested next questions (each one is
        # put through the pipeline, which takes a few times an answer's search time).
        questions = self.suggestions(answer, scope, answer_style)
        if questions:
            content = fmt.answer_html(answer, aid, keys, style=answer_style, suggestions=questions)
            chat[-1] = {"role": "assistant", "content": content}
            # The conversation state is already final: skipping it keeps a turn that another event
            # (a starter question, a suggestion) may have added meanwhile.
            yield chat, gr.skip()

    def respond_link(
        self,
        question: str,
        chat: list,
        sessie: dict,
        style: str,
        doc_filter: str,
        picked: dict | None,
        owner: str,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[list, dict]]:
        """`respond` for a question from a deep link (`?vraag=`); nothing when the page has none."""
        if not question:
            yield gr.skip(), gr.skip()
            return
        yield from self.respond(question, chat, sessie, style, doc_filter, picked, owner, request)

    def suggestions(self, answer: Answer, scope: Scope | None, style: AnswerStyle) -> list[str]:
        """Follow-up questions the corpus answers from passages this answer does not cite; none
        when looking for them fails (the answer stands; the log has the cause)."""
        try:
            return [s.question for s in suggest(self.engine, answer, scope, style)]
        except Exception:
            log.exception("suggesting follow-up questions for %r failed", answer.question)
            return []

    def on_like(self, sessie: dict, owner: str, data: gr.LikeData) -> tuple:
        """Store a 👍/👎 at once (a vote is never lost for want of a comment), then offer the
        comment box, which amends that vote (`on_comment`)."""
        record = sessie["records"].get(str(data.index))
        if record is None or data.liked not in (True, False):
            return gr.skip(), gr.skip(), gr.skip()
        try:
            stored = self.feedback.add(
                owner=owner,
                question=record["question"],
                answer=record["answer"],
                sources=record["sources"],
                vote=Vote.LIKE if data.liked else Vote.DISLIKE,
                turn_id=record.get("turn"),
            )
        except Exception:  # the page goes on; the log has the cause
            log.exception("storing a vote failed")
            gr.Warning("Je beoordeling kon niet worden opgeslagen. Probeer het later opnieuw.", title="Feedback")
            return gr.skip(), gr.skip(), gr.skip()
        gr.Info("Bedankt! Je beoordeling is opgeslagen. Wil je iets toelichten?", title="Feedback")
        label = f"Toelichting bij je {'👍' if data.liked else '👎'} (optioneel)"
        return {"id": stored}, gr.update(visible=True), gr.update(value="", label=label)

    def on_comment(self, voted: dict | None, comment: str) -> tuple:
        """Add the comment to the vote just stored, and fold the comment box again."""
        if not voted:
            return gr.skip(), gr.update(visible=False), gr.skip()
        if not (comment or "").strip():
            gr.Warning("Typ eerst een toelichting, of laat het veld leeg: je stem is al opgeslagen.", title="Let op")
            return gr.skip(), gr.skip(), gr.skip()
        self.feedback.set_comment(voted["id"], comment)
        gr.Info("Bedankt voor je toelichting!", title="Feedback")
        return None, gr.update(visible=False), ""

    def export_memo(self, sessie: dict, scope: str) -> dict:
        """The Raadsmemo of the last answer or the whole conversation, as .docx and .md files."""
        records = [sessie["records"][key] for key in sorted(sessie.get("records", {}), key=int)]
        if not records:
            gr.Warning("Er is nog geen antwoord om als raadsmemo te bewaren.", title="Let op")
            return gr.skip()
        turns = [MemoTurn.of(r) for r in (records if scope == MEMO_SCOPES[1] else records[-1:])]
        version, now = self.catalog.current().version or "onbekend", datetime.now()
        folder = Path(tempfile.mkdtemp(prefix="raadsmemo-"))
        stem = f"raadsmemo-{now:%Y%m%d-%H%M}"
        (folder / f"{stem}.docx").write_bytes(memo_docx(turns, version, now))
        (folder / f"{stem}.md").write_text(memo_markdown(turns, version, now), "utf-8")
        return gr.update(value=[str(folder / f"{stem}.docx"), str(folder / f"{stem}.md")], visible=True)
