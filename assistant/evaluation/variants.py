"""The same question as people also type it: lower-cased, without its question mark, with one typo,
or asked in a conversation that was about something else.

An answer must not change for these: the figure is the share of questions whose first cited
passage (or abstention) stays the same. The typo is deterministic (from the question's own text),
so runs compare.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

_WORD = re.compile(r"[^\W\d_]{6,}")


class Variant(StrEnum):
    LOWERCASE = "lowercase"
    NO_QUESTION_MARK = "no_question_mark"
    TYPO = "typo"


def lowercase(question: str) -> str:
    return question.lower()


def no_question_mark(question: str) -> str:
    return question.rstrip().rstrip("?").rstrip()


def one_typo(question: str) -> str:
    """Two neighbouring letters swapped inside one longer word, chosen by the question's hash
    (the commonest typing error after a missed key)."""
    words = list(_WORD.finditer(question))
    if not words:
        return question
    seed = int(hashlib.sha256(question.encode("utf-8")).hexdigest(), 16)
    word = words[seed % len(words)]
    i = word.start() + 1 + (seed // 7) % (len(word.group()) - 3)
    if question[i] == question[i + 1]:
        i += 1
    return question[:i] + question[i + 1] + question[i] + question[i + 2 :]


MAKERS: dict[Variant, Callable[[str], str]] = {
    Variant.LOWERCASE: lowercase,
    Variant.NO_QUESTION_MARK: no_question_mark,
    Variant.TYPO: one_typo,
}


def unrelated_turn(item: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """An earlier question about another section, chosen by the question's hash: a standalone
    question asked after it must be answered as if asked first."""
    others = [o for o in items if o.get("section") != item.get("section") and o["id"] != item["id"]]
    if not others:
        return None
    seed = int(hashlib.sha256(item["question"].encode("utf-8")).hexdigest(), 16)
    return others[seed % len(others)]
