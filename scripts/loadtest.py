"""A bounded loopback load test of a running app's `/ask` endpoint.

    .venv/bin/python scripts/loadtest.py [--url http://127.0.0.1:7860/] [--users 30] [--seconds 60]
                                         [--think 0] [--questions FILE] [--cluster] [--json]

First every question is asked once, alone: its answer is the reference. Then `--users` simulated
users ask the questions in turn (each from its own offset), pausing `--think` seconds between an
answer and their next question, for `--seconds`. Reported: answers, errors, answers that differ from
the reference, latency p50/p95, throughput, and the share of the cores' limit:

    limit = cores / CPU-seconds per answer     (the server's own CPU time, read from /proc)
    share = throughput / limit

so 1.0 means the cores are busy answering all the time. Only loopback addresses are accepted, the
users and seconds are bounded, and nothing runs after the time is up but the answers in flight.

The simulated users are light on purpose, so the figures are the server's and not the load test's:
plain HTTP to Gradio's REST API of the same `/ask` (POST `gradio_api/call/ask`, then read the event
stream of that call until its `complete` event), all users as coroutines in one thread, each with
its own httpx connection. (gradio_client, one per thread, used about 0.9 of 2 cores for 30 users.)

Against `make cluster` (`--cluster`), the CPU time is that of every process the cluster started
(nginx, the workers, the Chroma server; their pid files in var/cluster/), and each simulated user
sends a sticky cookie of its own, as a browser would, so nginx spreads the users over the workers
(and sends a call's POST and its event stream to the same worker).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import ssl
import statistics
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "questions.jsonl"
FALLBACK = ["Wat is een Gideonsbende?", "Welke fasen zijn er?", "Wat is een bestuurspunt?"]
MAX_USERS, MAX_SECONDS = 200, 1800
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
API = "gradio_api/call/ask"  # Gradio's REST route of the app's `/ask` (gr.api in assistant/web/app.py)
STYLE = "uitgebreid"
# A slow answer is one the users wait for, not an error; only a server that stopped answering is.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)


def questions_from(path: Path) -> list[str]:
    if not path.exists():
        return FALLBACK
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if not r.get("history")]


def server_pid(port: int) -> int | None:
    """The process listening on `port` (loopback), found through /proc: its socket's inode."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                inodes.add(fields[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and its waited-for children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def cluster_groups(var: Path) -> list[int]:
    """The process groups `scripts/cluster.py` started (each its own session: pid = group)."""
    groups = []
    for path in sorted((var / "cluster").glob("*.pid")):
        try:
            groups.append(int(json.loads(path.read_text("utf-8"))["pid"]))
        except (OSError, ValueError, KeyError):
            continue
    return groups


def group_cpu_seconds(groups: list[int]) -> float:
    """User + system CPU time of every running process in `groups` (nginx's workers included)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:  # pgrp
            total += sum(int(x) for x in fields[11:13])  # utime stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def shown(answer: dict[str, Any]) -> tuple[Any, ...]:
    """What a user sees of an answer: whether it answered, its text, and each source's document and
    quote (the REST call's `complete` event carries the same dict as `assistant ask --json`)."""
    return answer["answered"], answer["answer"], tuple((s["doc"], s["quote"]) for s in answer["sources"])


class AskError(Exception):
    """/ask's event stream ended in an `error` event (a gr.Error's message) or without an answer."""


async def ask(client: httpx.AsyncClient, question: str, session: str) -> dict[str, Any]:
    """One `/ask` call over Gradio's REST API: POST its arguments (the guard fills in the scope
    parameters' defaults) with the user's session, then read the call's server-sent events until
    `complete` or `error`. A browser tab keeps one session for all its questions; a call without
    one makes Gradio set up a new session's state for every question (a quarter of the server's
    time under 30 users, py-spy 2026-12-03), which no browser user causes."""
    response = await client.post(API, json={"data": [question, [], STYLE], "session_hash": session})
    response.raise_for_status()
    event_id = response.json()["event_id"]
    event = ""
    async with client.stream("GET", f"{API}/{event_id}") as stream:
        stream.raise_for_status()
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = json.loads(line[5:])
                if event == "error":
                    raise AskError(data or "error event without a message")
                return data[0]
    raise AskError(f"event stream ended without an answer (last event: {event or 'none'})")


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every user: httpx builds one per client otherwise (~17 ms CPU each, half
    a second for 30 users), though loopback URLs are plain HTTP as a rule."""
    return ssl.create_default_context()


def user_client(url: str, name: str | None) -> httpx.AsyncClient:
    """One user's connection; with `name`, the sticky cookie nginx hashes (`make cluster`), so the
    POST of a call and its event stream reach the same worker."""
    cookies = {"fw_node": name} if name else None
    return httpx.AsyncClient(base_url=url, cookies=cookies, timeout=TIMEOUT, verify=tls_context())


async def answers_alone(url: str, questions: list[str], sticky: bool) -> dict[str, tuple[Any, ...]]:
    """The reference: each question asked once, one at a time."""
    async with user_client(url, "loadtest-reference" if sticky else None) as client:
        return {q: shown(await ask(client, q, "loadtest-reference")) for q in questions}


class Run:
    def __init__(
        self, url: str, questions: list[str], reference: dict[str, tuple[Any, ...]], sticky: bool = False
    ) -> None:
        self.url, self.questions, self.reference, self.sticky = url, questions, reference, sticky
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.different: list[str] = []

    async def user(self, number: int, until: float, think: float) -> None:
        async with user_client(self.url, f"loadtest-{number}" if self.sticky else None) as client:
            turn = number
            while time.monotonic() < until:
                question = self.questions[turn % len(self.questions)]
                turn += 1
                started = time.perf_counter()
                try:
                    answer = await ask(client, question, f"loadtest-{number}")
                    seen = shown(answer)
                except Exception as error:  # noqa: BLE001 - every failure counts as an error
                    self.errors.append(f"{question}: {error!r}")
                    continue
                self.latencies.append(time.perf_counter() - started)
                if seen != self.reference[question]:
                    self.different.append(question)
                if think:
                    await asyncio.sleep(think)

    async def users(self, count: int, until: float, think: float) -> None:
        """`count` users at once, as coroutines in this one thread (no thread per user)."""
        await asyncio.gather(*(self.user(n, until, think) for n in range(count)))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860/")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="pause after each answer, seconds")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--pid", type=int, help="the server's pid (default: found by its port)")
    parser.add_argument("--cluster", action="store_true", help="measure every process of `make cluster`")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    parsed = urlparse(args.url)
    if parsed.hostname not in LOOPBACK:
        parser.error("only loopback addresses (127.0.0.1, localhost, ::1) are load-tested")
    if not 1 <= args.users <= MAX_USERS or not 0 < args.seconds <= MAX_SECONDS or args.think < 0:
        parser.error(f"users 1..{MAX_USERS}, seconds up to {MAX_SECONDS}, think >= 0")

    questions = questions_from(args.questions)
    reference = asyncio.run(answers_alone(args.url, questions, args.cluster))
    groups = cluster_groups(Path(os.environ.get("ASSISTANT_VAR") or ROOT / "var")) if args.cluster else []
    if args.cluster and not groups:
        parser.error("--cluster: no pid files in var/cluster/ (is `make cluster` running?)")
    pid = None if groups else args.pid or server_pid(parsed.port or 80)

    def cpu_now() -> float | None:
        return group_cpu_seconds(groups) if groups else cpu_seconds(pid) if pid else None

    run = Run(args.url, questions, reference, sticky=args.cluster)
    cpu_before = cpu_now()
    busy_before, own_before, load_before = machine_busy_seconds(), own_cpu_seconds(), os.getloadavg()[0]
    started = time.monotonic()
    until = started + args.seconds
    asyncio.run(run.users(args.users, until, args.think))
    wall = time.monotonic() - started
    answers = len(run.latencies)
    result: dict[str, Any] = {
        "users": args.users,
        "seconds": round(wall, 1),
        "think_s": args.think,
        "answers": answers,
        "errors": len(run.errors),
        "different_from_alone": len(run.different),
        "p50_s": round(percentile(run.latencies, 0.5), 3),
        "p95_s": round(percentile(run.latencies, 0.95), 3),
        "mean_s": round(statistics.fmean(run.latencies), 3) if answers else 0.0,
        "answers_per_s": round(answers / wall, 2),
        "cores": os.cpu_count(),
        "load_average_1m_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    busy = machine_busy_seconds() - busy_before
    result["machine_busy_share"] = round(busy / ((os.cpu_count() or 1) * wall), 2)
    result["client_cpu_s"] = round(own_cpu_seconds() - own_before, 1)
    cpu_after = cpu_now()
    if cpu_before is not None and cpu_after is not None and answers:
        cpu_per_answer = (cpu_after - cpu_before) / answers
        limit = (os.cpu_count() or 1) / cpu_per_answer
        server_cpu = cpu_after - cpu_before
        # Cores' worth of CPU that neither the server nor this load test used: other work on the machine.
        result["other_work_cores"] = round(max(0.0, busy - server_cpu - result["client_cpu_s"]) / wall, 2)
        result |= {
            "server_cpu_s": round(server_cpu, 1),
            "cpu_ms_per_answer": round(cpu_per_answer * 1000, 1),
            "cores_limit_answers_per_s": round(limit, 2),
            "share_of_cores_limit": round(result["answers_per_s"] / limit, 2),
        }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<28} {value}")
        for error in run.errors[:5]:
            print("error:", error, file=sys.stderr)
    return 1 if run.errors else 0


if __name__ == "__main__":
    sys.exit(main())
