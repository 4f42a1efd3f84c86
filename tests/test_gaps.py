"""Kennishiaten on real SQLite in tmp_path: refused questions, 👎 answers with their comments and the
most asked questions, per ISO week with counts (identical questions grouped), the answer as given
behind each row, the CSV export, and nothing left of what retention removed."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from assistant.config import Settings
from assistant.state.conversations import Conversations
from assistant.state.db import Database
from assistant.state.feedback import FeedbackStore, Vote
from assistant.state.gaps import CSV_HEADERS, KnowledgeGaps, iso_week, normalise
from assistant.state.models import Conversation, Turn, utcnow

MONDAY = datetime(2026, 11, 30, 9, 0)  # ISO week 2026-W49
LAST_WEEK = MONDAY - timedelta(days=3)  # a Friday: 2026-W48


class World:
    """Turns and votes at chosen times, through the same stores the chat uses."""

    def __init__(self, tmp_path: Path, retention: int = 0) -> None:
        self.db = Database(Settings(var_dir=tmp_path / "var", retention_days=retention))
        self.conversations = Conversations(self.db, retention)
        self.feedback = FeedbackStore(self.db, retention)
        self.gaps = KnowledgeGaps(self.db)

    def ask(self, question: str, at: datetime, answered: bool = True, owner: str = "user:anna") -> int:
        html = f'<div class="antwoord"><p>Antwoord op {question}</p></div>'
        ref = self.conversations.store_turn(owner, None, question, f"Antwoord op {question}", [], html, answered)
        with self.db.session() as session:  # as if asked then
            session.execute(update(Turn).where(Turn.id == ref.turn_id).values(created_at=at))
            session.execute(update(Conversation).where(Conversation.id == ref.conversation_id).values(updated_at=at))
        return ref.turn_id

    def dislike(self, turn_id: int | None, question: str, at: datetime, comment: str = "") -> int:
        return self.feedback.add(
            owner="user:anna", question=question, answer="Antwoord.", sources=[], vote=Vote.DISLIKE,
            turn_id=turn_id, comment=comment, at=at,
        )  # fmt: skip


def test_questions_are_grouped_ignoring_case_spaces_and_question_marks() -> None:
    assert (
        normalise("  Wat is  een Gideonsbende?? ") == normalise("wat is een gideonsbende") == "wat is een gideonsbende"
    )
    assert normalise("Wat kost een paspoort?") != normalise("Wat kost een rijbewijs?")
    assert iso_week(MONDAY) == "2026-W49" and iso_week(LAST_WEEK) == "2026-W48"
    assert iso_week(datetime(2027, 1, 1)) == "2026-W53"  # ISO year, not calendar year


def test_refused_questions_per_week_with_counts_and_the_answer_as_given(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.ask("Wat kost een paspoort?", MONDAY, answered=False)
    latest = world.ask("wat kost een  paspoort", MONDAY + timedelta(hours=1), answered=False, owner="user:bert")
    world.ask("Wat kost een paspoort?", LAST_WEEK, answered=False)
    world.ask("Wat is een Gideonsbende?", MONDAY)  # answered: not a gap
    rows = world.gaps.refused()
    assert [(r.week, r.count, r.question) for r in rows] == [
        ("2026-W49", 2, "wat kost een  paspoort"),  # as last asked
        ("2026-W48", 1, "Wat kost een paspoort?"),
    ]
    assert rows[0].ref == f"v{latest}"
    given = world.gaps.answer_as_given(rows[0].ref)
    assert given and given.html == '<div class="antwoord"><p>Antwoord op wat kost een  paspoort</p></div>'
    assert world.gaps.answer_as_given("v999") is None and world.gaps.answer_as_given("x") is None


def test_thumbs_down_with_comments_per_week(tmp_path: Path) -> None:
    world = World(tmp_path)
    turn = world.ask("Wat is frictie?", MONDAY)
    world.dislike(turn, "Wat is frictie?", MONDAY, "Te kort")
    world.dislike(turn, "wat is frictie", MONDAY + timedelta(hours=2), "Bron ontbreekt")
    world.dislike(turn, "Wat is frictie?", LAST_WEEK)
    orphan = world.dislike(None, "Wie betaalt?", MONDAY, "Geen antwoord")  # e.g. imported from the old log
    world.feedback.add(owner="", question="Goed?", answer="Ja.", sources=[], vote=Vote.LIKE, at=MONDAY)
    rows = world.gaps.disliked()
    assert [(r.week, r.count, r.question, r.comments) for r in rows] == [
        ("2026-W49", 2, "wat is frictie", ("Te kort", "Bron ontbreekt")),
        ("2026-W49", 1, "Wie betaalt?", ("Geen antwoord",)),
        ("2026-W48", 1, "Wat is frictie?", ()),
    ]
    assert rows[0].ref == f"v{turn}" and rows[1].ref == f"b{orphan}"
    copy = world.gaps.answer_as_given(rows[1].ref)
    assert copy and (copy.question, copy.answer, copy.html) == ("Wie betaalt?", "Antwoord.", "")


def test_most_asked_per_week_counts_every_turn_and_keeps_the_top(tmp_path: Path) -> None:
    world = World(tmp_path)
    for i, question in enumerate(["Wat is frictie?", "wat is frictie", "Wat is frictie ?", "Wie betaalt?"]):
        world.ask(question, MONDAY + timedelta(minutes=i), answered=question != "Wie betaalt?")
    world.ask("Wie betaalt?", LAST_WEEK)
    rows = world.gaps.most_asked()
    assert [(r.week, r.count, normalise(r.question)) for r in rows] == [
        ("2026-W49", 3, "wat is frictie"),
        ("2026-W49", 1, "wie betaalt"),
        ("2026-W48", 1, "wie betaalt"),
    ]
    assert [(r.week, r.count) for r in world.gaps.most_asked(top=1)] == [("2026-W49", 3), ("2026-W48", 1)]


def test_csv_has_all_three_lists_with_comments_and_answers(tmp_path: Path) -> None:
    world = World(tmp_path)
    world.ask("Wat kost een paspoort?", MONDAY, answered=False)
    turn = world.ask("Wat is frictie?", MONDAY)
    world.dislike(turn, "Wat is frictie?", MONDAY, "Te kort, zie 'fase 2'")
    rows = list(csv.reader(io.StringIO(world.gaps.to_csv())))
    assert rows[0] == CSV_HEADERS
    body = [row[:5] for row in rows[1:]]
    assert ["Geweigerde vraag", "2026-W49", "1", "Wat kost een paspoort?", ""] in body
    assert ["Duim omlaag", "2026-W49", "1", "Wat is frictie?", "Te kort, zie 'fase 2'"] in body
    assert ["Meest gesteld", "2026-W49", "1", "Wat is frictie?", ""] in body
    refused = next(row for row in rows if row[0] == "Geweigerde vraag")
    assert refused[5] == "2026-11-30 09:00" and refused[6] == "Antwoord op Wat kost een paspoort?"


def test_what_retention_removed_is_not_in_the_lists(tmp_path: Path) -> None:
    world = World(tmp_path, retention=30)
    old = utcnow() - timedelta(days=40)
    turn = world.ask("Oude vraag?", old, answered=False)
    world.dislike(turn, "Oude vraag?", old, "oud")
    world.dislike(None, "Losse oude vraag?", old, "oud")
    world.ask("Nieuwe vraag?", utcnow(), answered=False)  # a write purges
    assert [r.question for r in world.gaps.refused()] == ["Nieuwe vraag?"]
    assert world.gaps.disliked() == []
    assert [r.question for r in world.gaps.most_asked()] == ["Nieuwe vraag?"]
