"""Measure the browser UI: app start to ready (median of 3 starts) and, warm, the time from
pressing Enter to the first visible answer text and to the finished answer (median over 5
questions).

    .venv/bin/python scripts/bench_ui.py [--starts 3]

Uses the index of ASSISTANT_INDEX (default index/); build it first with `assistant ingest`.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTIONS = [
    "Wat is een Gideonsbende?",
    "Welke varianten zijn er voor de topstructuur?",
    "Hoe formuleer je gezamenlijke doelstellingen?",
    "Wat wordt er besloten in fase 2?",
    "Huisvesting: centraal of decentraal?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start() -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "ui.py"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return process, url, time.perf_counter() - started
        except OSError:
            if process.poll() is not None:
                raise SystemExit("ui.py did not start") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def answer_times(url: str) -> tuple[list[float], list[float]]:
    first, done = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(locale="nl-NL")
        page.goto(url, wait_until="load")
        box = page.locator("#vraag textarea")
        for i, question in enumerate(["Wat is ambtelijke fusie?", *QUESTIONS]):  # one warm-up
            answer = page.locator("#gesprek .antwoord").nth(i)
            box.fill(question)
            started = time.perf_counter()
            box.press("Enter")
            expect(answer.locator("a.bronlink, .geen-antwoord").first).to_be_visible(timeout=60_000)
            visible = time.perf_counter() - started
            expect(answer.locator(".bronnen, .geen-antwoord").first).to_be_visible(timeout=60_000)
            finished = time.perf_counter() - started
            if i:
                first.append(visible)
                done.append(finished)
        browser.close()
    return first, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    starts = []
    for _ in range(args.starts):
        process, url, seconds = start()
        starts.append(seconds)
        stop(process)
    process, url, _ = start()
    try:
        first, done = answer_times(url)
    finally:
        stop(process)
    print(
        f"start tot klaar (mediaan van {len(starts)}): {statistics.median(starts):.2f} s "
        f"({', '.join(f'{s:.2f}' for s in starts)})"
    )
    print(
        f"Enter tot eerste zichtbare antwoordtekst (mediaan van {len(first)}, warm): "
        f"{statistics.median(first) * 1000:.0f} ms"
    )
    print(
        f"Enter tot volledig antwoord met bronnen (mediaan van {len(done)}, warm): "
        f"{statistics.median(done) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
