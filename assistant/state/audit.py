"""The audit log for admins: who logged in (or failed to, from which address), uploaded, replaced
or removed a document, re-indexed, added or removed a user. Append-only: rows are only inserted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from assistant.state.db import Database
from assistant.state.models import AuditEntry, utcnow


class AuditEvent(StrEnum):
    LOGIN_OK = "login"
    LOGIN_FAILED = "login-mislukt"
    UPLOAD = "upload"
    REPLACE = "vervangen"
    REMOVE = "verwijderd"
    REINDEX = "herindexering"
    USER_ADDED = "gebruiker-toegevoegd"
    USER_REMOVED = "gebruiker-verwijderd"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    AuditEvent.LOGIN_OK: "Ingelogd",
    AuditEvent.LOGIN_FAILED: "Inloggen mislukt",
    AuditEvent.UPLOAD: "Document toegevoegd",
    AuditEvent.REPLACE: "Document vervangen",
    AuditEvent.REMOVE: "Document verwijderd",
    AuditEvent.REINDEX: "Opnieuw geïndexeerd",
    AuditEvent.USER_ADDED: "Gebruiker toegevoegd",
    AuditEvent.USER_REMOVED: "Gebruiker verwijderd",
}
CSV_HEADERS = ["tijd (UTC)", "gebeurtenis", "wie", "details", "adres"]


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    event: AuditEvent
    actor: str
    detail: str
    address: str

    def row(self) -> list[str]:
        return [f"{self.at:%Y-%m-%d %H:%M:%S}", self.event.label, self.actor, self.detail, self.address]


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, event: AuditEvent, actor: str | None, detail: str = "", address: str | None = None) -> None:
        with self.db.session() as session:
            session.add(
                AuditEntry(at=utcnow(), event=event.value, actor=actor or "", detail=detail, address=address or "")
            )

    def entries(self, limit: int | None = None) -> list[AuditRecord]:
        """Newest first."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        if limit:
            query = query.limit(limit)
        with self.db.session() as session:
            return [
                AuditRecord(e.at, AuditEvent(e.event), e.actor, e.detail, e.address) for e in session.scalars(query)
            ]

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_HEADERS)
        writer.writerows(record.row() for record in self.entries())
        return out.getvalue()
