"""Feedback on answers in the database: one row per 👍/👎, linked to the stored turn it was given on;
a comment typed afterwards updates that row. Rows older than the retention period are removed (on
start and on every vote), like conversations.

Before the database, votes went to var/feedback.jsonl; `import_jsonl` moves such a file in once.
Nothing reads these rows to rank or change answers: they are for people (`assistant feedback`,
Kennishiaten in Beheer).
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from assistant.state.db import Database
from assistant.state.models import FeedbackEntry, utcnow

log = logging.getLogger("fusiewijzer.state")
IMPORTED_SUFFIX = ".geimporteerd"  # var/feedback.jsonl -> var/feedback.jsonl.geimporteerd


class Vote(StrEnum):
    LIKE = "like"
    DISLIKE = "dislike"


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    turn_id: int | None
    owner: str
    question: str
    answer: str
    sources: list[dict]
    vote: Vote
    comment: str
    created_at: datetime


@dataclass(frozen=True)
class FeedbackSummary:
    total: int
    likes: int
    dislikes: int
    with_comment: int
    most_disliked: list[tuple[str, int]]  # (question, dislikes), most first


def source_refs(sources: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Only what identifies a source (n, doc, section): the full quotes stay with the turn."""
    return [{"n": s.get("n"), "doc": s.get("doc"), "section": s.get("section")} for s in sources]


def _record(row: FeedbackEntry) -> FeedbackRecord:
    return FeedbackRecord(
        row.id,
        row.turn_id,
        row.owner,
        row.question,
        row.answer,
        json.loads(row.sources_json or "[]"),
        Vote(row.vote),
        row.comment,
        row.created_at,
    )


class FeedbackStore:
    def __init__(self, db: Database, retention_days: int) -> None:
        self.db, self.retention_days = db, retention_days

    def purge(self, now: datetime | None = None) -> int:
        """Remove feedback older than the retention period; returns how many rows."""
        if self.retention_days <= 0:
            return 0
        limit = (now or utcnow()) - timedelta(days=self.retention_days)
        with self.db.session() as session:
            return session.execute(delete(FeedbackEntry).where(FeedbackEntry.created_at < limit)).rowcount or 0

    def add(
        self,
        *,
        owner: str,
        question: str,
        answer: str,
        sources: Iterable[Mapping[str, Any]],
        vote: Vote,
        turn_id: int | None = None,
        comment: str = "",
        at: datetime | None = None,
    ) -> int:
        """Store one vote; returns its id (for `set_comment`)."""
        self.purge()
        row = FeedbackEntry(
            turn_id=turn_id,
            owner=owner or "",
            question=question,
            answer=answer,
            sources_json=json.dumps(source_refs(sources), ensure_ascii=False),
            vote=Vote(vote).value,
            comment=(comment or "").strip(),
            created_at=at or utcnow(),
        )
        with self.db.session() as session:
            session.add(row)
            session.flush()
            return row.id

    def set_comment(self, feedback_id: int, comment: str) -> bool:
        """Give a stored vote its comment; False when the vote is no longer there."""
        with self.db.session() as session:
            row = session.get(FeedbackEntry, feedback_id)
            if row is None:
                return False
            row.comment = (comment or "").strip()
            return True

    def records(self, vote: Vote | None = None) -> list[FeedbackRecord]:
        """Oldest first."""
        query = select(FeedbackEntry).order_by(FeedbackEntry.created_at, FeedbackEntry.id)
        if vote:
            query = query.where(FeedbackEntry.vote == vote.value)
        with self.db.session() as session:
            return [_record(row) for row in session.scalars(query)]

    def summary(self, top: int = 5) -> FeedbackSummary:
        records = self.records()
        votes = Counter(r.vote for r in records)
        disliked = Counter(r.question for r in records if r.vote is Vote.DISLIKE)
        return FeedbackSummary(
            total=len(records),
            likes=votes[Vote.LIKE],
            dislikes=votes[Vote.DISLIKE],
            with_comment=sum(1 for r in records if r.comment),
            most_disliked=disliked.most_common(top),
        )

    def import_jsonl(self, path: Path) -> int | None:
        """Move the votes of an old feedback log into the table, once. The file is first renamed to
        `<name>.geimporteerd` (of several processes starting at once, only one wins the rename),
        then read and stored in one transaction; on failure it is renamed back for the next start.
        Afterwards the file is deleted, so it keeps nothing beyond the retention period, unless
        some lines could not be read: then it stays, for a person to look at. Returns the number
        of votes imported, or None when there was no file."""
        claimed = path.with_name(path.name + IMPORTED_SUFFIX)
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            return None
        try:
            lines = [line for line in claimed.read_text("utf-8", errors="replace").splitlines() if line.strip()]
            rows = [row for line in lines if (row := _jsonl_row(line))]
            with self.db.session() as session:
                session.add_all(rows)
        except Exception:
            os.rename(claimed, path)  # nothing stored (one transaction): the next start tries again
            raise
        if len(rows) == len(lines):
            claimed.unlink()
            log.info("imported %d votes from %s", len(rows), path)
        else:
            log.warning(
                "imported %d votes from %s; %d unreadable line(s) kept in %s",
                len(rows), path, len(lines) - len(rows), claimed,
            )  # fmt: skip
        return len(rows)


def _jsonl_row(line: str) -> FeedbackEntry | None:
    """A line of the old log as a row; None for a blank or unreadable line."""
    try:
        record = json.loads(line)
        vote = Vote(record["vote"])
        at = datetime.strptime(str(record["time"]), "%Y-%m-%dT%H:%M:%SZ")
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    return FeedbackEntry(
        turn_id=None,
        owner="",
        question=str(record.get("question", "")),
        answer=str(record.get("answer", "")),
        sources_json=json.dumps(source_refs(s for s in record.get("sources") or [] if isinstance(s, dict))),
        vote=vote.value,
        comment=str(record.get("comment") or "").strip(),
        created_at=at,
    )
