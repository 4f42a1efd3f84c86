"""Feedback on answers, for `assistant feedback` and the app's start: open the feedback table (moving
an old var/feedback.jsonl into it once) and summarise the votes. The votes themselves are stored by
assistant/state/feedback.py."""

from __future__ import annotations

import logging

from assistant.config import Settings
from assistant.state.db import Database
from assistant.state.feedback import FeedbackStore

log = logging.getLogger("fusiewijzer.admin")


def open_feedback(settings: Settings, db: Database | None = None) -> FeedbackStore:
    """The feedback table, with an old JSONL log imported and old votes removed."""
    store = FeedbackStore(db or Database(settings), settings.retention_days)
    try:
        store.import_jsonl(settings.feedback_log)
    except Exception:  # the app starts anyway; the file stays where it was and the next start tries again
        log.exception("importing %s failed", settings.feedback_log)
    store.purge()
    return store


def summary_lines(store: FeedbackStore, top: int = 5) -> list[str]:
    data = store.summary(top)
    if not data.total:
        return ["Nog geen feedback."]
    lines = [
        f"Feedback: {data.total} beoordelingen, {data.likes} duim omhoog, "
        f"{data.dislikes} duim omlaag ({data.with_comment} met toelichting).",
    ]
    if data.most_disliked:
        lines.append("Vaakst afgekeurd:")
        lines.extend(f"  {count}x  {question}" for question, count in data.most_disliked)
    return lines
