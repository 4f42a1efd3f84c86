"""Feedback in the database (real SQLite on tmp_path): one row per vote linked to its stored turn, a
comment amends it, the CLI's summary reads the table, old votes go with the retention period and
with their conversation, and an old var/feedback.jsonl is imported once without losing a vote."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.admin.feedback import open_feedback, summary_lines
from assistant.config import Settings
from assistant.state.conversations import Conversations
from assistant.state.db import Database
from assistant.state.feedback import IMPORTED_SUFFIX, FeedbackStore, Vote
from assistant.state.models import utcnow

SOURCES = [{"n": 1, "doc": "hb.txt", "title": "T", "section": "G > Tip", "text": "lang", "quote": "q", "score": 0.9}]


def make(tmp_path: Path, retention: int = 90) -> tuple[Settings, Database, FeedbackStore]:
    settings = Settings(var_dir=tmp_path / "var", retention_days=retention)
    db = Database(settings)
    return settings, db, FeedbackStore(db, retention)


def test_a_vote_is_one_row_linked_to_its_turn_and_a_comment_amends_it(tmp_path: Path) -> None:
    settings, db, store = make(tmp_path)
    ref = Conversations(db, 90).store_turn("user:anna", None, "Vraag?", "Antwoord [1]", SOURCES, "<p>html</p>")
    vote = store.add(
        owner="user:anna",
        question="Vraag?",
        answer="Antwoord [1]",
        sources=SOURCES,
        vote=Vote.LIKE,
        turn_id=ref.turn_id,
    )
    assert store.set_comment(vote, "  Helder, dank!  ") is True
    [record] = store.records()
    assert (record.turn_id, record.owner, record.vote, record.comment) == (
        ref.turn_id,
        "user:anna",
        Vote.LIKE,
        "Helder, dank!",
    )
    assert (record.question, record.answer) == ("Vraag?", "Antwoord [1]")
    assert record.sources == [{"n": 1, "doc": "hb.txt", "section": "G > Tip"}]  # no full texts kept twice
    assert store.set_comment(vote + 1, "x") is False
    with pytest.raises(ValueError):
        store.add(owner="", question="q", answer="a", sources=[], vote="meh")  # type: ignore[arg-type]


def test_summary_lines_count_votes_and_most_disliked_questions(tmp_path: Path) -> None:
    settings, _, store = make(tmp_path)
    assert summary_lines(store) == ["Nog geen feedback."]
    for question, vote in [("A?", Vote.DISLIKE), ("B?", Vote.DISLIKE), ("A?", Vote.DISLIKE), ("C?", Vote.LIKE)]:
        store.add(owner="", question=question, answer="x", sources=[], vote=vote, comment="waarom" * (question == "B?"))
    lines = summary_lines(open_feedback(settings))
    assert lines[0] == "Feedback: 4 beoordelingen, 1 duim omhoog, 3 duim omlaag (1 met toelichting)."
    assert lines[1] == "Vaakst afgekeurd:" and lines[2].strip() == "2x  A?"


def test_votes_older_than_the_retention_period_are_removed(tmp_path: Path) -> None:
    _, _, store = make(tmp_path, retention=30)
    store.add(owner="", question="Oud?", answer="a", sources=[], vote=Vote.DISLIKE, at=utcnow() - timedelta(days=31))
    store.add(owner="", question="Recent?", answer="a", sources=[], vote=Vote.DISLIKE, at=utcnow() - timedelta(days=29))
    assert [r.question for r in store.records()] == ["Recent?"]  # the second add purged the first
    assert store.purge(now=utcnow() + timedelta(days=2)) == 1 and store.records() == []
    _, _, forever = make(tmp_path / "alles", retention=0)
    forever.add(owner="", question="Oud?", answer="a", sources=[], vote=Vote.LIKE, at=datetime(2000, 1, 1))
    assert forever.purge() == 0 and len(forever.records()) == 1


def test_a_deleted_conversation_takes_the_votes_on_its_answers_along(tmp_path: Path) -> None:
    _, db, store = make(tmp_path)
    conversations = Conversations(db, 90)
    ref = conversations.store_turn("user:anna", None, "Vraag?", "Antwoord.", [])
    store.add(
        owner="user:anna", question="Vraag?", answer="Antwoord.", sources=[], vote=Vote.DISLIKE, turn_id=ref.turn_id
    )
    store.add(owner="", question="Los?", answer="a", sources=[], vote=Vote.DISLIKE)  # no stored turn
    conversations.delete("user:anna", ref.conversation_id)
    assert [r.question for r in store.records()] == ["Los?"]


def test_an_old_jsonl_log_is_imported_once_on_start(tmp_path: Path) -> None:
    settings, _, _ = make(tmp_path)
    log = settings.feedback_log
    log.parent.mkdir(parents=True, exist_ok=True)
    now = utcnow()
    lines = [
        {"time": f"{now:%Y-%m-%dT%H:%M:%SZ}", "question": "Vraag?", "answer": "Antwoord [1]",
         "sources": [{"n": 1, "doc": "hb.txt", "section": "G > Tip"}], "vote": "dislike", "comment": "mist iets"},
        {"time": f"{now:%Y-%m-%dT%H:%M:%SZ}", "question": "Goed?", "answer": "Ja.", "sources": [], "vote": "like",
         "comment": ""},
    ]  # fmt: skip
    log.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\ngeen json\n", "utf-8")
    store = open_feedback(settings)
    records = store.records()
    assert [(r.question, r.vote, r.comment) for r in records] == [
        ("Vraag?", Vote.DISLIKE, "mist iets"),
        ("Goed?", Vote.LIKE, ""),
    ]
    assert records[0].sources == [{"n": 1, "doc": "hb.txt", "section": "G > Tip"}]
    assert records[0].created_at == now.replace(microsecond=0)
    kept = log.with_name(log.name + IMPORTED_SUFFIX)
    assert not log.exists() and kept.read_text("utf-8").endswith("geen json\n")  # kept for its unreadable line
    assert len(open_feedback(settings).records()) == 2  # a second start imports nothing again


def test_several_starts_at_once_import_the_log_once(tmp_path: Path) -> None:
    settings, _, _ = make(tmp_path)
    settings.feedback_log.parent.mkdir(parents=True, exist_ok=True)
    line = {"time": "2026-01-05T10:00:00Z", "question": "V?", "answer": "A", "sources": [], "vote": "like"}
    settings.feedback_log.write_text(json.dumps(line) + "\n", "utf-8")
    start = threading.Barrier(4)

    def starting() -> None:
        start.wait()
        FeedbackStore(Database(settings), 0).import_jsonl(settings.feedback_log)

    threads = [threading.Thread(target=starting) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(FeedbackStore(Database(settings), 0).records()) == 1
    assert list(settings.feedback_log.parent.glob("feedback.jsonl*")) == []  # all read: nothing kept outside the table
