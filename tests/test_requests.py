"""A request's history is bounded before anything is embedded (issue 11, item 2: one /ask with a
1 MB history question held the only queue slot for minutes)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant.answers.chat import ChatSession
from assistant.answers.requests import ANSWER_FACTOR, MAX_TURNS, parse_history, parse_line
from assistant.config import Settings
from assistant.errors import BadRequest


def test_history_keeps_its_last_turns_each_cut_to_the_limit() -> None:
    history = [[f"vraag {i} " + "x" * 1_000_000, "antwoord " * 100_000] for i in range(50)]
    turns = parse_history(history, 1000)
    assert len(turns) == MAX_TURNS and turns[0][0].startswith(f"vraag {50 - MAX_TURNS} ")
    assert all(len(q) <= 1000 and len(a) <= ANSWER_FACTOR * 1000 for q, a in turns)


def test_the_chat_session_bounds_a_history_the_same_way() -> None:
    engine = SimpleNamespace(settings=Settings(max_question_chars=1000))
    session = ChatSession.from_history(engine, [["q" * 1_000_000, "a" * 1_000_000]] * 40)  # type: ignore[arg-type]
    assert len(session.history) == MAX_TURNS
    assert all(len(q) <= 1000 and len(a) <= ANSWER_FACTOR * 1000 for q, a in session.history)


@pytest.mark.parametrize("history", ["abc", 5, {"a": 1}, [None], [["a"]], [[1, 2]]])
def test_a_history_of_the_wrong_shape_is_a_dutch_error(history: object) -> None:
    with pytest.raises(BadRequest, match="moet"):
        parse_history(history, 1000)


def test_a_json_line_with_a_huge_history_is_bounded_too() -> None:
    line = b'{"question": "En in fase 3?", "history": [["' + b"x" * 500_000 + b'", ""]]}'
    request = parse_line(line, 1000)
    assert request.question == "En in fase 3?" and len(request.history[0][0]) == 1000
