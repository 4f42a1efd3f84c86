"""Start ui.py on a free loopback port and launch Debian's Chromium: shared by the browser
tests, the screenshot script and the UI benchmark."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def start_app(env: dict[str, str] | None = None, **popen: Any) -> tuple[subprocess.Popen, str]:
    """Run ui.py on a free port; returns the process and its URL (not yet waited for)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "ui.py"), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        **popen,
    )
    return process, f"http://127.0.0.1:{port}/"


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180, poll: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ui.py stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(poll)
    raise TimeoutError(f"{url} did not come up in {timeout} s")


@contextmanager
def running_app(env: dict[str, str]) -> Iterator[str]:
    """ui.py running with `env` until the block ends; yields its URL. On the way out it checks
    the server log: Gradio logs each gr.Error it shows to a user, any other traceback is a bug.

    The log goes to a temporary file, not a pipe: nobody reads a pipe while the app runs, and once
    its 64 KiB buffer was full (a few gr.Errors logged with long questions) the server blocked on
    its next log line and a request in the middle of it never completed (the fuzz test's hang)."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        process, url = start_app(env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            wait_for(url, process, poll=0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            stderr = log.read()
        assert not unexpected_tracebacks(stderr), stderr


CHAIN_MARKERS = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
# A gr.Error is a message shown to the user (Gradio logs it with its traceback).
USER_MESSAGE = re.compile(r"gradio\.exceptions\.Error\b")
# Gradio's event stream (sse_stream) raising 404 for a session it has just cleaned up: a race
# inside Gradio between one client's consecutive calls, after the answer was delivered.
STREAM_SESSION_GONE = re.compile(r"(fastapi|starlette)\.exceptions\.HTTPException: 404\b")


def unexpected_tracebacks(log: str) -> list[str]:
    """The tracebacks in a server log that point at a bug: each chained traceback is judged by
    the exception it ends in; a user message and Gradio's stream-session race are expected."""
    lines = log.splitlines()
    chains: list[tuple[list[str], str]] = []  # (the chain's lines, the exception it ends in)
    for start, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last):"):
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ")), len(lines))
        exception = lines[end] if end < len(lines) else ""
        before = next((text for text in reversed(lines[:start]) if text.strip()), "")
        if before in CHAIN_MARKERS and chains:
            chains[-1] = (chains[-1][0] + lines[start : end + 1], exception)
        else:
            chains.append((lines[start : end + 1], exception))
    return [
        "\n".join(text)
        for text, exception in chains
        if not USER_MESSAGE.match(exception)
        and not (STREAM_SESSION_GONE.match(exception) and any("in sse_stream" in t for t in text))
    ]
