"""Conversations per owner: each question/answer turn stored as it is given, listed, reopened,
deleted. Older conversations than the retention period are removed on start and on each write.

An owner is "user:<name>" when users log in, "browser:<key>" without login (a random key kept in
the browser), so one never sees another's conversations.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from assistant.state.db import Database
from assistant.state.models import Conversation, FeedbackEntry, Turn, utcnow

TITLE_CHARS = 120


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    updated_at: datetime
    turns: int

    @property
    def label(self) -> str:
        """ "Wat is een Gideonsbende? · 2 dec 2026 14:05" for the list."""
        return f"{self.title} · {self.updated_at:%d-%m-%Y %H:%M}"


@dataclass(frozen=True)
class StoredTurn:
    question: str
    answer: str
    sources: list[dict]
    html: str
    plain: str
    answered: bool
    created_at: datetime
    id: int | None = None  # the row's id, which feedback on this answer refers to


@dataclass(frozen=True)
class TurnRef:
    """Where a stored turn is: its conversation and its own row id."""

    conversation_id: str
    turn_id: int


class Conversations:
    def __init__(self, db: Database, retention_days: int) -> None:
        self.db, self.retention_days = db, retention_days

    def purge(self, now: datetime | None = None) -> int:
        """Remove conversations not touched within the retention period, and votes given before it
        (feedback.py; a vote keeps a copy of its question); returns how many conversations."""
        if self.retention_days <= 0:
            return 0
        limit = (now or utcnow()) - timedelta(days=self.retention_days)
        with self.db.session() as session:
            session.execute(delete(FeedbackEntry).where(FeedbackEntry.created_at < limit))
            old = list(session.scalars(select(Conversation.id).where(Conversation.updated_at < limit)))
            if old:
                session.execute(delete(Turn).where(Turn.conversation_id.in_(old)))
                session.execute(delete(Conversation).where(Conversation.id.in_(old)))
            return len(old)

    def store_turn(
        self,
        owner: str,
        conversation_id: str | None,
        question: str,
        answer: str,
        sources: list[dict],
        html: str = "",
        answered: bool = True,
        plain: str = "",
    ) -> TurnRef:
        """Store a turn; a new conversation (titled by its first question) when `conversation_id`
        is None or not the owner's. Returns the conversation's id and the turn's own id (for
        feedback on it)."""
        self.purge()
        now = utcnow()
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id) if conversation_id else None
            if conversation is None or conversation.owner != owner:
                title = " ".join(question.split())[:TITLE_CHARS] or "Gesprek"
                conversation = Conversation(id=uuid.uuid4().hex, owner=owner, title=title, created_at=now)
                session.add(conversation)
                position = 0
            else:
                position = session.scalar(select(func.count()).where(Turn.conversation_id == conversation.id))
            conversation.updated_at = now
            turn = Turn(
                conversation_id=conversation.id,
                position=position,
                question=question,
                answer=answer,
                sources_json=json.dumps(sources, ensure_ascii=False),
                html=html,
                plain=plain,
                answered=answered,
                created_at=now,
            )
            session.add(turn)
            session.flush()  # assigns turn.id
            return TurnRef(conversation.id, turn.id)

    def list(self, owner: str) -> list[ConversationSummary]:
        """The owner's conversations, most recent first."""
        count = select(func.count()).where(Turn.conversation_id == Conversation.id).scalar_subquery()
        query = (
            select(Conversation.id, Conversation.title, Conversation.updated_at, count)
            .where(Conversation.owner == owner)
            .order_by(Conversation.updated_at.desc())
        )
        with self.db.session() as session:
            return [ConversationSummary(*row) for row in session.execute(query)]

    def turns(self, owner: str, conversation_id: str) -> list[StoredTurn]:
        """The turns of one of the owner's conversations, in order ([] when not the owner's)."""
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None or conversation.owner != owner:
                return []
            return [
                StoredTurn(
                    t.question, t.answer, json.loads(t.sources_json), t.html, t.plain, t.answered, t.created_at, t.id
                )
                for t in conversation.turns
            ]

    def delete(self, owner: str, conversation_id: str) -> bool:
        with self.db.session() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None or conversation.owner != owner:
                return False
            session.delete(conversation)
            return True

    def delete_all(self, owner: str) -> int:
        with self.db.session() as session:
            ids = list(session.scalars(select(Conversation.id).where(Conversation.owner == owner)))
            if ids:
                session.execute(delete(Turn).where(Turn.conversation_id.in_(ids)))
                session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
            return len(ids)
