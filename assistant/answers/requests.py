"""What a client sends, checked before anything is asked: one question and its history.

Used by `assistant ask --json -` (one line per request) and shared by any other edge that takes
JSON. A malformed request becomes a `BadRequest` with a Dutch message naming what is wrong; the
caller answers the next one. History is bounded: its last MAX_TURNS turns, each text cut to the
question length limit, so one request cannot make the follow-up code embed megabytes (answers may be ten times longer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from assistant.errors import BadRequest
from assistant.text.markup import scrub

MAX_TURNS = 10
ANSWER_FACTOR = 10  # an answer with its quotes runs to several questions' length
MAX_LINE_BYTES = 1_000_000


@dataclass(frozen=True)
class Request:
    question: str
    history: list[tuple[str, str]]


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{what} moet tekst zijn.")
    return scrub(value)[:limit]


def parse_history(history: object, limit: int) -> list[tuple[str, str]]:
    """[[vraag, antwoord], ...] -> the last MAX_TURNS turns as text pairs, each cut to `limit`."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise BadRequest("history moet een lijst van [vraag, antwoord]-paren zijn.")
    turns = []
    for turn in history[-MAX_TURNS:]:
        if not isinstance(turn, list | tuple) or len(turn) != 2:
            raise BadRequest("history moet een lijst van [vraag, antwoord]-paren zijn.")
        question = _text(turn[0], "Een vraag in history", limit)
        turns.append((question, _text(turn[1], "Een antwoord in history", ANSWER_FACTOR * limit)))
    return turns


def parse_line(raw: bytes, limit: int) -> Request:
    """One input line: plain text, or {"question": ..., "history": [[q, a], ...]}."""
    if len(raw) > MAX_LINE_BYTES:
        raise BadRequest(f"De regel is langer dan {MAX_LINE_BYTES:,} bytes.".replace(",", "."))
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadRequest("De regel is geen geldige UTF-8-tekst.") from None
    if not line.startswith("{"):
        return Request(scrub(line), [])
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise BadRequest("Ongeldige JSON-regel.") from None
    if not isinstance(item, dict):
        raise BadRequest("Ongeldige JSON-regel: verwacht een object met question.")
    question = item.get("question")
    if question is None:
        raise BadRequest("Het veld question ontbreekt.")
    return Request(_text(question, "question", 100 * limit), parse_history(item.get("history"), limit))
