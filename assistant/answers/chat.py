"""A conversation: history, follow-up rewriting, ask() -> Answer.

A follow-up ("En in fase 3?", "Wie horen daar meestal bij?") needs the earlier topic to be found.
- With a language model configured, the model condenses history + follow-up into a standalone
  question (within the LLM time limit); when it fails or returns something unusable, the
  heuristic below is used.
- Without one, the heuristic carries the previous turn's topic: its question's content words.
  It no longer adds the heading of the section the previous answer rests on: that pulled the
  search back to the passage already given, while a follow-up mostly asks for another one (of 36
  train and validation follow-ups, the previous first passage held the answer for 5, and came
  first again for 16). Without it: follow-ups cited train 0.519 -> 0.556, validation 0.667 ->
  0.778; same first passage after a turn on another topic 0.786 -> 0.832 and 0.774 -> 0.826.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.answers.pipeline import Assistant
from assistant.answers.requests import ANSWER_FACTOR, MAX_TURNS
from assistant.generate.llm import LLMUnavailable, build_condense_messages, clean_condensed, invoke_text
from assistant.search.scope import Scope
from assistant.text.markup import strip_citations
from assistant.text.tokens import fold, tokenize
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


ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "laatste": -1,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1,
}  # fmt: skip
# Items of an answer text: "a) ...", "• ...", "1. ...", or the composer's "**Heading:** ..." for a
# sub-section of an announced list.
ITEM_RE = re.compile(r"^(?:[a-h]\)|[•\-]|\d+[.)])\s+(?P<text>.+)$|^\*\*(?P<label>[^*]+?):\*\*\s+\S")
ITEM_WORDS = 10
SHORT_ITEM_CHARS = 80
# "En de I?", "And the R?", "En in fase 3?": the previous question with one part exchanged.
ELLIPSIS_RE = re.compile(
    r"^(?:en|and)\s+(?:(?:in|bij|voor|for)\s+)?(?:de|het|the)?\s*(?P<part>[^\s?]+(?:\s\d+)?)\s*\??$", re.IGNORECASE
)


def answer_items(answer: str) -> list[str]:
    """The enumerated items of an earlier answer, in order, each as its first words: marked
    items, and the short lines right after a line that ends in a colon ("De drie fasen zijn:")."""
    items = []
    after_colon = False
    for raw in answer.splitlines():
        line = strip_citations(raw.strip())
        match = ITEM_RE.match(line)
        if match or (after_colon and line and len(line) <= SHORT_ITEM_CHARS):
            text = (match.group("text") or match.group("label")) if match else line
            items.append(" ".join(text.split()[:ITEM_WORDS]))
        else:
            after_colon = False
        if line.endswith(":"):
            after_colon = True
    return items


def ordinal_position(question: str) -> int | None:
    """1 for "de eerste", 2 for "the second one", -1 for "de laatste"; None without an ordinal."""
    words = re.findall(r"[^\W\d_]+", fold(question))
    return next((ORDINALS[w] for w in words if w in ORDINALS), None)


def ordinal_item(question: str, previous_answer: str) -> str | None:
    """The item of the previous answer that "de tweede", "the last one" points at."""
    position = ordinal_position(question)
    items = answer_items(previous_answer)
    if position is None or not items or position > len(items):
        return None
    return items[position - 1] if position > 0 else items[-1]


def exchanged_question(question: str, previous_question: str) -> str | None:
    """For an elliptic follow-up ("En de I?"), the previous question with the part of the same
    shape exchanged: a lone capital letter for a lone capital letter, a number for a number."""
    match = ELLIPSIS_RE.match(question.strip())
    if not match:
        return None
    part = match.group("part")
    if re.fullmatch(r"[A-Z]", part):
        pattern = r"\b[A-Z]\b"
    elif re.search(r"\d+$", part):
        part = re.search(r"\d+$", part).group(0)
        pattern = r"\b\d+\b"
    else:
        return None
    if len(re.findall(pattern, previous_question)) != 1:
        return None
    return re.sub(pattern, part, previous_question)


def _words(question: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", fold(question))


def continues(question: str) -> bool:
    """A question opening with a word that continues the previous turn ("En ...?", "Maar ...")."""
    words = _words(question)
    return bool(words) and words[0] in OPENING_WORDS


def refers_back(question: str) -> bool:
    """A question that continues ("En ...?") or holds a word that may point back ("daar", "de
    tweede", "that one") may not be readable on its own."""
    return continues(question) or any(word in REFERRING_WORDS for word in _words(question))


def is_short(question: str) -> bool:
    return len(tokenize(question)) <= MAX_FOLLOW_UP_CONTENT_WORDS


def looks_like_follow_up(question: str) -> bool:
    """Questions that refer back, and short ones ("Wat kost het?"), may need the earlier topic."""
    if not re.search(r"[^\W_]", question):
        return False
    return refers_back(question) or is_short(question)


def standalone_query(question: str, history: list[tuple[str, str]]) -> str:
    """The search text for `question` given earlier (question, answer) turns."""
    if not history or not looks_like_follow_up(question):
        return question
    previous_question, previous_answer = history[-1]
    exchanged = exchanged_question(question, previous_question)
    if exchanged:
        return exchanged
    topic = " ".join(dict.fromkeys(tokenize(previous_question)))
    item = ordinal_item(question, previous_answer)
    if item:
        return f"{question} {item} {topic}".strip()
    return f"{question} {topic}".strip()


@dataclass
class ChatSession:
    assistant: Assistant
    history: list[tuple[str, str]] = field(default_factory=list)
    rewrite: bool = True

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
        if self._complete_on_its_own(question):
            return question
        history = self.history
        if not history[-1][1] and ordinal_position(question) is not None:
            history = [*history[:-1], (history[-1][0], self._previous_answer())]
        return standalone_query(question, history)

    def _complete_on_its_own(self, question: str) -> bool:
        """A question the corpus answers as asked, unless it opens by continuing ("En ...?"),
        names an item of the previous answer by its place ("Wie blijft er bij de eerste ...?") or
        is short and points back ("Wie horen daar bij?"). That covers short complete questions
        ("Wat is een Gideonsbende?" after a Wgr question) and longer ones whose "die", "dat" or
        "its" is a relative pronoun or points within the question ("Welke gemeenten waren de
        eersten die ...?"): the earlier topic would only pull their search away. The longer ones,
        measured: same first passage after a turn on another topic train 0.841 -> 0.925,
        validation 0.826 -> 0.922; validation follow-ups cited 0.778 -> 0.889 (train unchanged);
        letting short ones that point back through as well cost train follow-ups 0.667 -> 0.593."""
        if continues(question) or ordinal_position(question) is not None:
            return False
        if is_short(question) and refers_back(question):
            return False
        return self.assistant.answers_alone(question)

    def _condense(self, question: str) -> str | None:
        messages = build_condense_messages(self.history, question)
        # A model call, so it takes a model slot; with none free the rule-based rewrite serves.
        with self.assistant.limits.model() as free:
            if not free:
                return None
            try:
                return clean_condensed(invoke_text(self.assistant.llm, messages, self.assistant.settings.llm_timeout_s))
            except LLMUnavailable:
                return None

    def _previous_answer(self) -> str:
        """The previous answer's text; when the history came without it, the previous question
        answered again (extractively), so that "de tweede" can be looked up in what it listed."""
        question = self.history[-1][0]
        with self.assistant.limits.cpu():
            draft = self.assistant.draft(question, None, "uitgebreid", None)
        return draft.answer.answer

    @classmethod
    def from_history(
        cls, assistant: Assistant, history: list[list[str]] | list[tuple[str, str]], rewrite: bool = True
    ) -> ChatSession:
        # Bounded like a request's history (requests.py): the last turns, each cut to the
        # question length limit, so a long history cannot make a follow-up expensive.
        limit = assistant.settings.max_question_chars
        turns = [(str(q)[:limit], str(a)[: ANSWER_FACTOR * limit]) for q, a in history][-MAX_TURNS:]
        return cls(assistant, turns, rewrite)
