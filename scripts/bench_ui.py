"""Measure the browser UI: app start to ready (median of 3 starts) and, warm, the time from
pressing Enter to the first visible answer text and to the finished answer (median over 5
questions).

    .venv/bin/python scripts/bench_ui.py [--starts 3]

Uses the index of ASSISTANT_INDEX (default index/); build it first with `assistant ingest`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from ui_app import launch_chromium, start_app, wait_for

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Wat is een Gideonsbende?",
    "Welke varianten zijn er voor de topstructuur?",
    "Hoe formuleer je gezamenlijke doelstellingen?",
    "Wat wordt er besloten in fase 2?",
    "Huisvesting: centraal of decentraal?",
]


def start() -> tuple[subprocess.Popen, str, float]:
    started = time.perf_counter()
    process, url = start_app(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(url, process, timeout=300)
    return process, url, time.perf_counter() - started


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=20)


def answer_times(url: str) -> tuple[list[float], list[float]]:
    first, done = [], []
    with sync_playwright() as p:
        browser = launch_chromium(p)
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
