"""Feedback on answers: one JSON line per vote in `settings.feedback_log` (var/feedback.jsonl),
and a summary for `assistant feedback`."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

VOTES = ("like", "dislike")
# The browser app writes from worker threads; a comment rewrites the log, so writes take turns.
_WRITE_LOCK = threading.Lock()


def _source_ref(source: Mapping[str, Any]) -> dict[str, Any]:
    return {"n": source.get("n"), "doc": source.get("doc"), "section": source.get("section")}


def append_feedback(
    path: Path,
    *,
    question: str,
    answer: str,
    sources: Iterable[Mapping[str, Any]],
    vote: str,
    comment: str = "",
    time: datetime | None = None,
) -> dict[str, Any]:
    """Append one vote. `sources` are source dicts as in `Answer.to_json()["sources"]`; only
    n, doc and section are kept. Returns the record written."""
    if vote not in VOTES:
        raise ValueError(f"vote must be one of {VOTES}, not {vote!r}")
    record = {
        "time": (time or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "question": question,
        "answer": answer,
        "sources": [_source_ref(s) for s in sources],
        "vote": vote,
        "comment": (comment or "").strip(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with _WRITE_LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


def add_comment(path: Path, record: Mapping[str, Any], comment: str) -> bool:
    """Give the vote `record` (as `append_feedback` returned it) its comment, in place, so the log
    keeps one line per vote. Returns False when that line is no longer in the log."""
    with _WRITE_LOCK:
        if not path.exists():
            return False
        lines = path.read_text("utf-8").splitlines()
        for i in range(len(lines) - 1, -1, -1):
            try:
                stored = json.loads(lines[i])
            except json.JSONDecodeError:
                continue
            if stored == dict(record):
                stored["comment"] = (comment or "").strip()
                lines[i] = json.dumps(stored, ensure_ascii=False)
                temp = path.with_suffix(path.suffix + ".tmp")
                temp.write_text("\n".join(lines) + "\n", "utf-8")
                os.replace(temp, path)  # a reader sees the old log or the new one, never half of it
                return True
    return False


def read_feedback(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The records of the log, and how many lines could not be read."""
    if not path.exists():
        return [], 0
    records, broken = [], 0
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            broken += 1
            continue
        if isinstance(record, dict) and record.get("vote") in VOTES:
            records.append(record)
        else:
            broken += 1
    return records, broken


def summary(path: Path, top: int = 5) -> dict[str, Any]:
    records, broken = read_feedback(path)
    votes = Counter(r["vote"] for r in records)
    disliked = Counter(str(r.get("question", "")) for r in records if r["vote"] == "dislike")
    return {
        "total": len(records),
        "likes": votes["like"],
        "dislikes": votes["dislike"],
        "with_comment": sum(1 for r in records if r.get("comment")),
        "most_disliked": [{"question": q, "dislikes": n} for q, n in disliked.most_common(top)],
        "unreadable_lines": broken,
    }


def summary_lines(path: Path, top: int = 5) -> list[str]:
    data = summary(path, top)
    if not data["total"]:
        lines = [f"Nog geen feedback in {path}."]
    else:
        lines = [
            f"Feedback in {path}: {data['total']} beoordelingen, {data['likes']} duim omhoog, "
            f"{data['dislikes']} duim omlaag ({data['with_comment']} met toelichting).",
        ]
        if data["most_disliked"]:
            lines.append("Vaakst afgekeurd:")
            lines.extend(f"  {d['dislikes']}x  {d['question']}" for d in data["most_disliked"])
    if data["unreadable_lines"]:
        lines.append(f"{data['unreadable_lines']} regel(s) konden niet worden gelezen.")
    return lines
