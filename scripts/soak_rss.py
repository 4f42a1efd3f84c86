"""Memory over a soak: ask /ask N times over REST against a running ui.py and print its RSS.

    python scripts/soak_rss.py --pid <ui.py pid> --url http://127.0.0.1:7860/ --calls 2400

Each REST call is a new Gradio session; with state_session_capacity bounded, RSS levels off
(docs/security.md has the figures)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import httpx

QUESTIONS = ["Wat is een Gideonsbende?", "Welke fasen zijn er?", "Wat is een bestuurspunt?", "Wat kost een fusie?"]


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--calls", type=int, default=2400)
    parser.add_argument("--every", type=int, default=400)
    args = parser.parse_args()
    url = args.url.rstrip("/") + "/gradio_api/call/ask"
    history = [["Wat is een fusie?", "x" * 5000]]
    started = time.perf_counter()
    print(f"calls 0: {rss_mb(args.pid)} MB")
    with httpx.Client(timeout=60) as client:
        for i in range(1, args.calls + 1):
            data = [QUESTIONS[i % len(QUESTIONS)], history, "uitgebreid", "", "", 0, ""]
            event = client.post(url, json={"data": data}).json()["event_id"]
            client.get(f"{url}/{event}")
            if i % args.every == 0:
                print(f"calls {i}: {rss_mb(args.pid)} MB ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
