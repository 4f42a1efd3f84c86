"""The database on real SQLite files in tmp_path: conversations per owner, retention, WAL mode,
a second process reading what the first wrote, and the append-only audit log."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings
from assistant.state.audit import AuditEvent, AuditLog
from assistant.state.conversations import Conversations
from assistant.state.db import Database, database_url
from assistant.state.models import utcnow

SOURCES = [{"n": 1, "doc": "handreiking", "quote": "Een Gideonsbende is een groep.", "section": "E > Gideonsbende"}]


def make(tmp_path: Path, retention: int = 90) -> tuple[Settings, Conversations]:
    settings = Settings(var_dir=tmp_path / "var", retention_days=retention)
    return settings, Conversations(Database(settings), settings.retention_days)


def test_default_database_is_a_sqlite_file_under_var_in_wal_mode(tmp_path: Path) -> None:
    settings, store = make(tmp_path)
    store.store_turn("browser:a", None, "Wat is een Gideonsbende?", "Een groep [1].", SOURCES)
    assert database_url(settings) == f"sqlite:///{tmp_path / 'var' / 'fusiewijzer.db'}"
    assert (tmp_path / "var" / "fusiewijzer.db").exists()
    import sqlite3

    with sqlite3.connect(tmp_path / "var" / "fusiewijzer.db") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_path_in_assistant_db_is_a_sqlite_file(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", database=str(tmp_path / "elders" / "gesprekken.db"))
    Conversations(Database(settings), 90).store_turn("user:x", None, "Vraag?", "Antwoord.", [])
    assert (tmp_path / "elders" / "gesprekken.db").exists()


def test_conversation_is_titled_by_its_first_question_and_resumed_in_order(tmp_path: Path) -> None:
    _, store = make(tmp_path)
    cid = store.store_turn(
        "user:anna", None, "Wat is een Gideonsbende?", "Een groep [1].", SOURCES, "<p>html</p>"
    ).conversation_id
    assert store.store_turn("user:anna", cid, "Wie horen daarbij?", "Voortrekkers [1].", SOURCES).conversation_id == cid
    (summary,) = store.list("user:anna")
    assert summary.title == "Wat is een Gideonsbende?" and summary.turns == 2
    assert summary.label.startswith("Wat is een Gideonsbende? · ")
    turns = store.turns("user:anna", cid)
    assert [t.question for t in turns] == ["Wat is een Gideonsbende?", "Wie horen daarbij?"]
    assert turns[0].sources == SOURCES and turns[0].html == "<p>html</p>"


def test_owners_do_not_see_or_delete_each_others_conversations(tmp_path: Path) -> None:
    _, store = make(tmp_path)
    cid = store.store_turn("user:anna", None, "Vraag van Anna?", "Antwoord.", []).conversation_id
    assert store.list("user:bert") == [] and store.turns("user:bert", cid) == []
    assert store.delete("user:bert", cid) is False
    # A turn sent with someone else's conversation id starts a new conversation of one's own.
    other = store.store_turn("user:bert", cid, "Vraag van Bert?", "Antwoord.", []).conversation_id
    assert other != cid and len(store.turns("user:anna", cid)) == 1


def test_delete_one_and_delete_all(tmp_path: Path) -> None:
    _, store = make(tmp_path)
    first = store.store_turn("browser:k", None, "Eerste?", "A.", []).conversation_id
    store.store_turn("browser:k", None, "Tweede?", "B.", [])
    store.store_turn("browser:j", None, "Van een ander?", "C.", [])
    assert store.delete("browser:k", first) is True
    assert [c.title for c in store.list("browser:k")] == ["Tweede?"]
    assert store.delete_all("browser:k") == 1
    assert store.list("browser:k") == [] and len(store.list("browser:j")) == 1


def test_retention_removes_older_conversations_on_write(tmp_path: Path) -> None:
    _, store = make(tmp_path, retention=90)
    old = store.store_turn("browser:k", None, "Oude vraag?", "A.", []).conversation_id
    assert store.purge(now=utcnow() + timedelta(days=89)) == 0
    assert store.purge(now=utcnow() + timedelta(days=91)) == 1
    assert store.turns("browser:k", old) == [] and store.list("browser:k") == []
    keep = Conversations(store.db, 0)  # 0 keeps everything
    keep.store_turn("browser:k", None, "Blijft?", "B.", [])
    assert keep.purge(now=utcnow() + timedelta(days=10_000)) == 0


def test_a_second_process_reads_what_the_first_wrote(tmp_path: Path) -> None:
    _, store = make(tmp_path)
    cid = store.store_turn("user:anna", None, "Gedeelde vraag?", "Antwoord.", []).conversation_id
    code = (
        "from pathlib import Path; from assistant.config import Settings; from assistant.state.db import Database;"
        "from assistant.state.conversations import Conversations;"
        f"s = Settings(var_dir=Path({str(tmp_path / 'var')!r}));"
        f"c = Conversations(Database(s), 90); print(c.turns('user:anna', {cid!r})[0].question)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    assert out.stdout.strip() == "Gedeelde vraag?"


def test_audit_log_is_listed_newest_first_and_exported_as_csv(tmp_path: Path) -> None:
    settings, _ = make(tmp_path)
    log = AuditLog(Database(settings))
    log.record(AuditEvent.LOGIN_FAILED, "anna", "", "10.0.0.7")
    log.record(AuditEvent.UPLOAD, "anna", "uploads/notitie.md", "10.0.0.7")
    entries = log.entries()
    assert [e.event for e in entries] == [AuditEvent.UPLOAD, AuditEvent.LOGIN_FAILED]
    rows = list(csv.reader(io.StringIO(log.to_csv())))
    assert rows[0] == ["tijd (UTC)", "gebeurtenis", "wie", "details", "adres"]
    assert rows[1][1:] == ["Document toegevoegd", "anna", "uploads/notitie.md", "10.0.0.7"]
    assert rows[2][1:] == ["Inloggen mislukt", "anna", "", "10.0.0.7"]


def test_assistant_users_add_and_remove_are_in_the_audit_log(tmp_path: Path, monkeypatch) -> None:
    from assistant import cli

    monkeypatch.setenv("ASSISTANT_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("ASSISTANT_VAR", str(tmp_path / "var"))
    monkeypatch.setattr("sys.stdin", io.StringIO("geheim\n"))
    assert cli.main(["users", "add", "carla", "--role", "admin", "--password-stdin"]) == 0
    assert cli.main(["users", "remove", "carla"]) == 0
    entries = AuditLog(Database(Settings(var_dir=tmp_path / "var"))).entries()
    assert [(e.event, e.detail, e.address) for e in entries] == [
        (AuditEvent.USER_REMOVED, "carla", "opdrachtregel"),
        (AuditEvent.USER_ADDED, "carla (admin)", "opdrachtregel"),
    ]
