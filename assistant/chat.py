"""A conversation: history, follow-up rewriting, ask() -> Answer.

A follow-up ("En in fase 3?", "Wie horen daar meestal bij?") needs the earlier topic to be found.
- With a language model configured, the model condenses history + follow-up into a standalone
  question (within the LLM time limit); when it fails or returns something unusable, the
  heuristic below is used.
- Without one, the heuristic carries the previous turn's topic: its question's content words and
  the heading of the section its answer rests on (looked up again when the history comes from a
  client that only keeps the text of earlier turns).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.llm import LLMUnavailable, build_condense_messages, clean_condensed, invoke_text
from assistant.pipeline import Assistant
from assistant.retrieval import Scope
from assistant.tokens import fold, tokenize
from assistant.types import Answer

MAX_FOLLOW_UP_CONTENT_WORDS = 4
OPENING_WORDS = frozenset(["en", "and", "maar", "but", "ook", "also", "dus", "so"])
# Words that point back at something said before: "daar", "die", "de tweede", "it", "that one".
REFERRING_WORDS = frozenset(
    [
        "daar", "daarvan", "daarbij", "daarin", "daarmee", "daarvoor", "dat", "die", "deze", "dit", "dan", "ervan",
        "eerste", "tweede", "derde", "laatste", "vorige", "andere", "variant", "optie",
        "it", "its", "that", "those", "these", "they", "them", "their", "one", "first", "second", "third", "last",
    ]
)  # fmt: skip


def looks_like_follow_up(question: str) -> bool:
    """Short questions, ones opening with a word that continues ("En ...?"), and ones with a word
    that refers back need the earlier topic."""
    words = re.findall(r"[^\W\d_]+|\d+", fold(question))
    if not words:
        return False
    content = tokenize(question)
    return (
        len(content) <= MAX_FOLLOW_UP_CONTENT_WORDS
        or words[0] in OPENING_WORDS
        or any(word in REFERRING_WORDS for word in words)
    )


def standalone_query(question: str, history: list[tuple[str, str]], last_section: str | None = None) -> str:
    """The search text for `question` given earlier (question, answer) turns."""
    if not history or not looks_like_follow_up(question):
        return question
    previous_question = history[-1][0]
    topic = " ".join(dict.fromkeys(tokenize(previous_question)))
    heading = f" {last_section.split(' > ')[-1]}" if last_section else ""
    return f"{question} {topic}{heading}".strip()


@dataclass
class ChatSession:
    assistant: Assistant
    history: list[tuple[str, str]] = field(default_factory=list)
    rewrite: bool = True
    _last_section: str | None = None

    def ask(self, question: str, scope: Scope | None = None, style: str = "uitgebreid") -> Answer:
        query = self.standalone(question) if self.rewrite else question
        answer = self.assistant.ask(question, scope=scope, style=style, query=query)
        self._remember(answer)
        return answer

    def ask_stream(
        self, question: str, scope: Scope | None = None, style: str = "uitgebreid"
    ) -> Iterator[str | Answer]:
        """Like ask(), for a UI: verified text pieces while a model writes, then the Answer (last)."""
        query = self.standalone(question) if self.rewrite else question
        for item in self.assistant.ask_stream(question, scope=scope, style=style, query=query):
            if isinstance(item, Answer):
                self._remember(item)
            yield item

    def _remember(self, answer: Answer) -> None:
        self.history.append((answer.question, answer.answer))
        self._last_section = answer.sources[0].chunk.section_label if answer.sources else None

    def standalone(self, question: str) -> str:
        """The question as a standalone search text: condensed by the model when one is
        configured, else (and when the model fails) by the heuristic."""
        if not self.history:
            return question
        if fold(question).strip() == fold(self.history[-1][0]).strip():
            return question  # asked again (say in the other answer style): the same search
        if self.assistant.llm is not None:
            condensed = self._condense(question)
            if condensed:
                return condensed
        if not looks_like_follow_up(question):
            return question
        return standalone_query(question, self.history, self._previous_section())

    def _condense(self, question: str) -> str | None:
        messages = build_condense_messages(self.history, question)
        try:
            return clean_condensed(invoke_text(self.assistant.llm, messages, self.assistant.settings.llm_timeout_s))
        except LLMUnavailable:
            return None

    def _previous_section(self) -> str | None:
        """The section the previous answer rests on; when the history came in as text only,
        the section the previous question retrieves first."""
        if self._last_section is None and self.history:
            settings = self.assistant.settings
            hits = self.assistant.retriever.search(self.history[-1][0], settings.k_dense, settings.k_lexical).hits
            self._last_section = hits[0].chunk.section_label if hits else None
        return self._last_section

    @classmethod
    def from_history(
        cls, assistant: Assistant, history: list[list[str]] | list[tuple[str, str]], rewrite: bool = True
    ) -> ChatSession:
        turns = [(str(q), str(a)) for q, a in history]
        return cls(assistant, turns, rewrite)
