"""Feedback log: one JSON line per vote, and its summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.admin.feedback import add_comment, append_feedback, summary, summary_lines

SOURCES = [{"n": 1, "doc": "hb.txt", "title": "T", "section": "G > Tip", "text": "lang", "quote": "q", "score": 0.9}]


def test_append_writes_one_json_line_with_the_contract_fields(tmp_path: Path) -> None:
    log = tmp_path / "var" / "feedback.jsonl"
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    append_feedback(
        log, question="Vraag?", answer="Antwoord [1]", sources=SOURCES, vote="like", comment="  goed  ", time=when
    )
    append_feedback(log, question="Vraag?", answer="Antwoord [1]", sources=[], vote="dislike")
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == {
        "time": "2025-01-02T03:04:05Z",
        "question": "Vraag?",
        "answer": "Antwoord [1]",
        "sources": [{"n": 1, "doc": "hb.txt", "section": "G > Tip"}],
        "vote": "like",
        "comment": "goed",
    }
    with pytest.raises(ValueError):
        append_feedback(log, question="q", answer="a", sources=[], vote="meh")


def test_summary_counts_votes_and_most_disliked_questions(tmp_path: Path) -> None:
    log = tmp_path / "feedback.jsonl"
    for question, vote in [("A?", "dislike"), ("B?", "dislike"), ("A?", "dislike"), ("C?", "like")]:
        append_feedback(
            log, question=question, answer="x", sources=[], vote=vote, comment="waarom" if question == "B?" else ""
        )
    with log.open("a", encoding="utf-8") as handle:
        handle.write("geen json\n")
    data = summary(log)
    assert data["total"] == 4 and data["likes"] == 1 and data["dislikes"] == 3
    assert data["with_comment"] == 1 and data["unreadable_lines"] == 1
    assert data["most_disliked"][0] == {"question": "A?", "dislikes": 2}
    lines = summary_lines(log)
    assert "4 beoordelingen, 1 duim omhoog, 3 duim omlaag" in lines[0]
    assert lines[1] == "Vaakst afgekeurd:" and lines[2].strip() == "2x  A?"
    assert lines[-1] == "1 regel(s) konden niet worden gelezen."


def test_summary_of_a_missing_log(tmp_path: Path) -> None:
    assert summary(tmp_path / "nope.jsonl")["total"] == 0
    assert summary_lines(tmp_path / "nope.jsonl")[0].startswith("Nog geen feedback")


def test_a_comment_amends_its_vote_and_the_log_keeps_one_line_per_vote(tmp_path: Path) -> None:
    """The chat stores a vote when a thumb is tapped; a comment typed afterwards joins that vote."""
    log = tmp_path / "feedback.jsonl"
    same = dict(question="Vraag?", answer="Antwoord [1]", sources=SOURCES, vote="like")
    earlier = append_feedback(log, **same)
    with log.open("a", encoding="utf-8") as handle:
        handle.write("geen json\n")
    vote = append_feedback(log, **same)  # the same question liked twice: the last vote gets the comment
    assert add_comment(log, vote, "  Helder, dank!  ") is True
    lines = log.read_text("utf-8").splitlines()
    assert len(lines) == 3 and lines[1] == "geen json"
    assert json.loads(lines[0]) == earlier
    assert json.loads(lines[2]) == {**vote, "comment": "Helder, dank!"}
    assert summary(log)["total"] == 2 and summary(log)["with_comment"] == 1
    assert add_comment(log, {**vote, "question": "Andere vraag?"}, "x") is False
    assert add_comment(tmp_path / "nope.jsonl", vote, "x") is False
