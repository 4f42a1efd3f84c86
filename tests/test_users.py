"""The users file: argon2 hashes, roles, atomic 0600 writes, exact error messages, the login rule,
and the `assistant users` command."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from assistant import cli
from assistant.admin.users import (
    EmptyPassword,
    InvalidRole,
    InvalidUsername,
    UnknownUser,
    UserExists,
    UsersFileError,
    UserStore,
    is_loopback,
    login_required,
)
from assistant.config import Settings
from assistant.state.audit import AuditEvent, AuditLog
from assistant.state.db import Database


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "var" / "users.json")


def test_add_verify_list_remove(store: UserStore) -> None:
    store.add("anna", "geheim wachtwoord", "admin")
    store.add("bert", "lezen123")
    assert [(u.username, u.role) for u in store.users()] == [("anna", "admin"), ("bert", "reader")]
    assert store.verify("anna", "geheim wachtwoord").is_admin
    assert store.verify("bert", "lezen123").role == "reader"
    assert store.verify("anna", "fout") is None
    assert store.verify("onbekend", "geheim wachtwoord") is None
    assert store.check("bert", "lezen123") and not store.check("bert", "")
    assert store.role("anna") == "admin" and store.role("zoe") is None and store.role(None) is None

    store.remove("bert")
    assert [u.username for u in store.users()] == ["anna"]
    assert store.verify("bert", "lezen123") is None


def test_file_holds_argon2_hashes_not_passwords_and_is_private(store: UserStore) -> None:
    store.add("anna", "geheim wachtwoord", "admin")
    text = store.path.read_text("utf-8")
    assert "geheim wachtwoord" not in text
    (user,) = json.loads(text)["users"]
    assert user["password_hash"].startswith("$argon2id$")
    assert set(user) == {"username", "role", "password_hash", "created"}
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["users.json", "users.json.lock"]  # no temp file


def test_write_is_atomic_a_failed_write_keeps_the_old_file(store: UserStore, monkeypatch) -> None:
    store.add("anna", "een", "admin")
    before = store.path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk vol")

    monkeypatch.setattr("assistant.admin.users.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk vol"):
        store.add("bert", "twee")
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["users.json", "users.json.lock"]


def test_errors_name_the_problem(store: UserStore) -> None:
    store.add("anna", "een", "admin")
    with pytest.raises(UserExists) as error:
        store.add("anna", "twee")
    assert str(error.value) == "Gebruiker 'anna' bestaat al. Verwijder die eerst of kies een andere naam."
    with pytest.raises(UnknownUser) as error:
        store.remove("zoe")
    assert str(error.value) == "Gebruiker 'zoe' bestaat niet."
    with pytest.raises(InvalidRole) as error:
        store.add("bert", "twee", "superuser")
    assert str(error.value) == "Onbekende rol 'superuser': kies reader of admin."
    for empty in ("", "   "):
        with pytest.raises(EmptyPassword) as error:
            store.add("bert", empty)
        assert str(error.value) == "Het wachtwoord is leeg. Kies een wachtwoord."
    for bad in ("", "../bert", "bert smit", "-bert", "x" * 65):
        with pytest.raises(InvalidUsername):
            store.add(bad, "twee")
    assert [u.username for u in store.users()] == ["anna"]


def test_unreadable_users_file_is_reported_by_path(store: UserStore) -> None:
    assert store.users() == []  # no file: no users
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{niet json", "utf-8")
    with pytest.raises(UsersFileError, match=r"Het gebruikersbestand .*users\.json is onleesbaar"):
        store.users()
    store.path.write_text('{"mensen": []}', "utf-8")
    with pytest.raises(UsersFileError, match=r'verwacht \{"users": \[\.\.\.\]\}'):
        store.users()


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("fusiewijzer.example.nl", False),
        ("", False),
    ],
)
def test_login_is_required_off_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert login_required(host) is not loopback
    assert login_required(host, force=True) is True


def test_cli_users_add_list_remove(tmp_path: Path, monkeypatch, capsys) -> None:
    users_file = tmp_path / "users.json"
    monkeypatch.setenv("ASSISTANT_USERS", str(users_file))
    monkeypatch.setenv("ASSISTANT_VAR", str(tmp_path / "var"))  # the audit log goes to var/
    monkeypatch.setattr("sys.stdin", io.StringIO("sterk wachtwoord\n"))
    assert cli.main(["users", "add", "anna", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "lezer-ww")
    assert cli.main(["users", "add", "bert"]) == 0
    assert cli.main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert "Gebruiker anna (admin) toegevoegd" in out
    assert [line.split()[:2] for line in out.splitlines()[-2:]] == [["anna", "admin"], ["bert", "reader"]]
    store = UserStore(users_file)
    assert store.check("anna", "sterk wachtwoord") and store.check("bert", "lezer-ww")

    assert cli.main(["users", "remove", "bert"]) == 0
    assert cli.main(["users", "remove", "bert"]) == 2
    assert capsys.readouterr().err.strip() == "Error: Gebruiker 'bert' bestaat niet."
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert cli.main(["users", "add", "carla", "--password-stdin"]) == 2
    assert capsys.readouterr().err.strip() == "Error: Het wachtwoord is leeg. Kies een wachtwoord."
    assert [u.username for u in store.users()] == ["anna"]
    assert Settings().users_file == users_file


@pytest.mark.slow
def test_ten_concurrent_users_add_processes_keep_all_ten(tmp_path: Path) -> None:
    """`assistant users add` run 10 times at once: every account lands in the file."""
    import os
    import subprocess
    import sys
    import time

    var = tmp_path / "var"  # the audit database is new, so the ten also race to create its tables
    env = {**os.environ, "ASSISTANT_USERS": str(tmp_path / "users.json"), "ASSISTANT_VAR": str(var)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "users", "add", f"gebruiker{i}", "--password-stdin"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(10)
    ]
    # Release them together: wait until each one blocks reading its password from the pipe.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not all(_reading_pipe(p.pid) for p in processes):
        time.sleep(0.05)
    for i, process in enumerate(processes):
        process.stdin.write(f"wachtwoord{i}\n")
        process.stdin.flush()
    results = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), results
    store = UserStore(tmp_path / "users.json")
    assert sorted(u.username for u in store.users()) == sorted(f"gebruiker{i}" for i in range(10))
    assert store.check("gebruiker7", "wachtwoord7")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.json", "users.json.lock", "var"]  # no temporary file
    audit = AuditLog(Database(Settings(var_dir=var)))
    assert sorted(e.detail.split()[0] for e in audit.entries() if e.event is AuditEvent.USER_ADDED) == sorted(
        f"gebruiker{i}" for i in range(10)
    )


def _reading_pipe(pid: int) -> bool:
    try:
        return "pipe_read" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False
