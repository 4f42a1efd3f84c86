"""Knowledge gaps ("Kennishiaten") for admins, per ISO week: the questions the assistant refused,
the answers given a thumbs-down (with their comments) and the most asked questions, each with a
count. Identical questions are grouped: case, runs of whitespace and a trailing "?" do not count.

Read from the stored turns and feedback, so only what is within the retention period is there.
These lists inform people; nothing here feeds back into retrieval or ranking.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from assistant.state.db import Database
from assistant.state.feedback import Vote
from assistant.state.models import FeedbackEntry, Turn

TOP_PER_WEEK = 10  # most asked questions shown per week


class GapKind(StrEnum):
    REFUSED = "geweigerd"
    DISLIKED = "duim-omlaag"
    MOST_ASKED = "meest-gesteld"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    GapKind.REFUSED: "Geweigerde vraag",
    GapKind.DISLIKED: "Duim omlaag",
    GapKind.MOST_ASKED: "Meest gesteld",
}
CSV_HEADERS = ["lijst", "week", "aantal", "vraag", "toelichtingen", "laatst (UTC)", "antwoord", "kenmerk"]


def normalise(question: str) -> str:
    """The grouping key: "  Wat is  een Gideonsbende?? " and "wat is een gideonsbende" are one."""
    return " ".join(question.split()).rstrip("? ").casefold()


def iso_week(moment: datetime) -> str:
    """ "2026-W49" (ISO 8601 week; sorts as text)."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class GapRow:
    """One grouped question in one week. `ref` says where the answer as given is: "v<turn id>" for
    a stored turn, "b<feedback id>" for a vote whose turn is gone (its copy of the answer is shown)."""

    kind: GapKind
    week: str
    count: int
    question: str  # as last asked
    comments: tuple[str, ...]
    last_at: datetime
    ref: str
    answer: str  # the answer's Markdown, for the CSV

    def row(self) -> list[str]:
        return [
            self.kind.label,
            self.week,
            str(self.count),
            self.question,
            " | ".join(self.comments),
            f"{self.last_at:%Y-%m-%d %H:%M}",
            self.answer,
            self.ref,
        ]


@dataclass(frozen=True)
class Asked:
    """One question as asked (a turn) or judged (a vote), before grouping."""

    question: str
    at: datetime
    ref: str
    answer: str
    comment: str = ""


def group(kind: GapKind, items: list[Asked]) -> list[GapRow]:
    """Per (week, normalised question): the count, the comments and the latest item; newest week
    first, then most frequent, then most recent."""
    buckets: dict[tuple[str, str], list[Asked]] = {}
    for item in items:
        buckets.setdefault((iso_week(item.at), normalise(item.question)), []).append(item)
    rows = []
    for (week, _), members in buckets.items():
        latest = max(members, key=lambda m: m.at)
        comments = tuple(m.comment for m in sorted(members, key=lambda m: m.at) if m.comment)
        rows.append(GapRow(kind, week, len(members), latest.question, comments, latest.at, latest.ref, latest.answer))
    rows.sort(key=lambda r: (r.week, r.count, r.last_at), reverse=True)
    return rows


class KnowledgeGaps:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _turns(self, refused_only: bool) -> list[Asked]:
        query = select(Turn.id, Turn.question, Turn.created_at, Turn.answer)
        if refused_only:
            query = query.where(Turn.answered.is_(False))
        with self.db.session() as session:
            return [Asked(q, at, f"v{tid}", answer) for tid, q, at, answer in session.execute(query)]

    def refused(self) -> list[GapRow]:
        return group(GapKind.REFUSED, self._turns(refused_only=True))

    def most_asked(self, top: int = TOP_PER_WEEK) -> list[GapRow]:
        """The `top` most asked questions of each week (all stored turns, answered or not)."""
        rows: list[GapRow] = []
        shown: Counter[str] = Counter()
        for row in group(GapKind.MOST_ASKED, self._turns(refused_only=False)):
            if shown[row.week] < top:
                shown[row.week] += 1
                rows.append(row)
        return rows

    def disliked(self) -> list[GapRow]:
        query = select(
            FeedbackEntry.id,
            FeedbackEntry.turn_id,
            FeedbackEntry.question,
            FeedbackEntry.created_at,
            FeedbackEntry.answer,
            FeedbackEntry.comment,
        ).where(FeedbackEntry.vote == Vote.DISLIKE.value)
        with self.db.session() as session:
            items = [
                Asked(q, at, f"v{tid}" if tid is not None else f"b{fid}", answer, comment)
                for fid, tid, q, at, answer, comment in session.execute(query)
            ]
        return group(GapKind.DISLIKED, items)

    def answer_as_given(self, ref: str) -> AnswerAsGiven | None:
        """The question and the answer as the chat showed it (its HTML when the turn is stored)."""
        ref = (ref or "").strip()
        kind, number = ref[:1], ref[1:]
        if not number.isdigit():
            return None
        with self.db.session() as session:
            if kind == "v" and (turn := session.get(Turn, int(number))):
                return AnswerAsGiven(turn.question, turn.answer, turn.html, json.loads(turn.sources_json or "[]"))
            if kind == "b" and (vote := session.get(FeedbackEntry, int(number))):
                return AnswerAsGiven(vote.question, vote.answer, "", json.loads(vote.sources_json or "[]"))
        return None

    def rows(self) -> list[GapRow]:
        return [*self.refused(), *self.disliked(), *self.most_asked()]

    def to_csv(self) -> str:
        """All three lists in one file, told apart by the column "lijst"."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADERS)
        writer.writerows(row.row() for row in self.rows())
        return out.getvalue()


@dataclass(frozen=True)
class AnswerAsGiven:
    question: str
    answer: str  # Markdown with [n] markers
    html: str  # as the chat showed it; "" when only the vote's copy is left
    sources: list[dict]
