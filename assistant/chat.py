"""A conversation: history, follow-up rewriting, ask() -> Answer.

Without a language model, a follow-up ("En in fase 3?", "Wie horen daar meestal bij?") becomes
a standalone query by carrying the previous turn's topic: its question's content words and the
heading of the section its answer cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.pipeline import Assistant
from assistant.retrieval import Scope
from assistant.tokens import fold, tokenize
from assistant.types import Answer

MAX_FOLLOW_UP_CONTENT_WORDS = 4


def looks_like_follow_up(question: str) -> bool:
    """Short questions, or ones opening with a word that refers back, need the earlier topic."""
    words = re.findall(r"[^\W\d_]+|\d+", fold(question))
    if not words:
        return False
    content = tokenize(question)
    return len(content) <= MAX_FOLLOW_UP_CONTENT_WORDS or words[0] in {"en", "and", "maar", "but", "ook", "also"}


def standalone_query(question: str, history: list[tuple[str, str]], last_section: str | None = None) -> str:
    """The search text for `question` given earlier (question, answer) turns."""
    if not history or not looks_like_follow_up(question):
        return question
    previous_question = history[-1][0]
    topic = " ".join(tokenize(previous_question))
    heading = f" {last_section.split(' > ')[-1]}" if last_section else ""
    return f"{question} {topic}{heading}".strip()


@dataclass
class ChatSession:
    assistant: Assistant
    history: list[tuple[str, str]] = field(default_factory=list)
    rewrite: bool = True
    _last_section: str | None = None

    def ask(self, question: str, scope: Scope | None = None, style: str = "uitgebreid") -> Answer:
        query = standalone_query(question, self.history, self._last_section) if self.rewrite else question
        answer = self.assistant.ask(question, scope=scope, style=style, query=query)
        self.history.append((answer.question, answer.answer))
        self._last_section = answer.sources[0].chunk.section_label if answer.sources else None
        return answer

    @classmethod
    def from_history(
        cls, assistant: Assistant, history: list[list[str]] | list[tuple[str, str]], rewrite: bool = True
    ) -> ChatSession:
        turns = [(str(q), str(a)) for q, a in history]
        return cls(assistant, turns, rewrite)
