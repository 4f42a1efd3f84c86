"""The guard in front of the app without a server: login back-off, argon2 off the event loop,
session expiry and removed users, loopback Host names, and the memory/disk bounds handed to
Gradio. A fake clock stands in for time: no sleeps."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from assistant.admin.logins import BASE_DELAY_S, FREE_FAILURES, MAX_DELAY_S
from assistant.admin.users import UserStore
from assistant.config import Settings
from assistant.web import app as web_app
from assistant.web import launch as web_launch
from assistant.web.guard import CLIENT_ADDRESS, Guard, GuardMiddleware, host_name

T = TypeVar("T")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        var_dir=tmp_path / "var",
        users_file=tmp_path / "users.json",
        session_hours=12.0,
    )
    UserStore(settings.users_file).add("anna", "juist-wachtwoord", "reader")
    UserStore(settings.users_file).add("bert", "ander-wachtwoord", "admin")
    return settings


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a fresh event loop in its own thread: the browser tests' Playwright keeps a loop
    running in the main thread, where asyncio.run() is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _login(guard: Guard, user: str, password: str, address: str = "10.0.0.7") -> bool:
    async def attempt() -> bool:
        CLIENT_ADDRESS.set(address)
        return await guard.auth(user, password)

    return _run(attempt())


def test_after_the_free_failures_even_the_right_password_waits_out_the_back_off(settings, caplog) -> None:
    clock = FakeClock()
    guard = Guard(settings, login=True, clock=clock)
    caplog.set_level(logging.WARNING, logger="fusiewijzer.auth")
    for _ in range(FREE_FAILURES["user"]):
        assert not _login(guard, "anna", "fout")
    assert not _login(guard, "anna", "juist-wachtwoord")  # blocked: not even checked
    assert guard.throttle.blocked_for("anna", "10.0.0.7") == pytest.approx(BASE_DELAY_S)
    assert "failed login for 'anna' from 10.0.0.7" in caplog.text and "login refused for 'anna'" in caplog.text
    assert _login(guard, "bert", "ander-wachtwoord")  # another name from the same address may go on

    clock.now += BASE_DELAY_S - 1
    assert not _login(guard, "anna", "juist-wachtwoord")
    clock.now += 2
    assert not _login(guard, "anna", "nog-steeds-fout")  # the next failure doubles the wait
    assert guard.throttle.blocked_for("anna", "10.0.0.7") == pytest.approx(2 * BASE_DELAY_S)
    clock.now += 2 * BASE_DELAY_S + 1
    assert _login(guard, "anna", "juist-wachtwoord")
    assert guard.throttle.blocked_for("anna", "10.0.0.7") == 0


def test_one_address_trying_many_names_is_blocked_too(settings) -> None:
    clock = FakeClock()
    guard = Guard(settings, login=True, clock=clock)
    for i in range(FREE_FAILURES["address"]):
        assert not _login(guard, f"naam{i}", "fout", address="10.0.0.9")
    assert not _login(guard, "bert", "ander-wachtwoord", address="10.0.0.9")
    assert guard.throttle.address_blocked_for("10.0.0.9") > 0
    assert _login(guard, "bert", "ander-wachtwoord", address="10.0.0.10")
    for _ in range(20):
        guard.throttle.failed("naam0", "10.0.0.9")
    assert guard.throttle.address_blocked_for("10.0.0.9") == MAX_DELAY_S  # capped


def test_passwords_are_checked_off_the_event_loop(settings, monkeypatch) -> None:
    guard = Guard(settings, login=True)
    threads: list[int] = []
    original = guard.users.check

    def check(user: str, password: str) -> bool:
        threads.append(threading.get_ident())
        return original(user, password)

    monkeypatch.setattr(guard.users, "check", check)

    async def attempt() -> tuple[bool, int]:
        return await guard.auth("anna", "juist-wachtwoord"), threading.get_ident()

    ok, loop_thread = _run(attempt())
    assert ok and threads and threads[0] != loop_thread


def test_sessions_expire_and_end_when_the_user_is_removed(settings) -> None:
    clock = FakeClock()
    guard = Guard(settings, login=True, clock=clock)
    tokens = {"t-anna": "anna", "t-bert": "bert"}
    assert guard.session_user("t-anna", tokens) == "anna"  # first seen now
    clock.now += 12 * 3600 - 1
    assert guard.session_user("t-anna", tokens) == "anna"
    clock.now += 2
    assert guard.session_user("t-anna", tokens) is None and "t-anna" not in tokens  # expired: logged out

    assert guard.session_user("t-bert", tokens) == "bert"
    UserStore(settings.users_file).remove("bert")
    assert guard.session_user("t-bert", tokens) is None and tokens == {}


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:7860", "127.0.0.1"),
        ("localhost", "localhost"),
        ("[::1]:7860", "::1"),
        ("evil.example:80", "evil.example"),
    ],
)
def test_host_names_are_read_from_the_header(header: str, name: str) -> None:
    assert host_name(header) == name


def test_the_app_is_launched_with_bounds_and_the_guard(settings) -> None:
    options = web_launch.guarded_launch_options(settings, login=True)
    assert options["state_session_capacity"] == web_launch.STATE_SESSION_CAPACITY <= 1000
    assert options["auth"].__name__ == "auth" and asyncio.iscoroutinefunction(options["auth"])
    middleware, _title = options["app_kwargs"]["middleware"]
    assert middleware.cls is GuardMiddleware
    assert web_launch.QUEUE_MAX_SIZE and web_app.DELETE_CACHE[1] <= 24 * 3600
    assert "auth" not in web_launch.guarded_launch_options(settings, login=False)
