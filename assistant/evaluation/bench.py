"""`assistant bench`: ingest time and throughput, cold start, warm query latency, peak memory.
Medians and percentiles, printed; never asserted (the machines are noisy)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import PROJECT_ROOT, Settings
from assistant.evaluation.evaluate import load_questions
from assistant.evaluation.metrics import percentile

if TYPE_CHECKING:
    from assistant.answers.pipeline import Assistant

DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"
HANDBOOK_FILES = ("handreiking-ambtelijke-fusie-groei.txt", "handreiking-ambtelijke-fusie-groei.meta.yaml")


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _bench_ingest(settings: Settings) -> dict[str, float]:
    """Handbook-only ingest into a fresh temp index, in a child process (clean memory figure)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name in HANDBOOK_FILES:
            shutil.copy(settings.corpus_dir / name, corpus / name)
        env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(Path(tmp) / "index")}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest"], env=env, check=True, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        manifest = json.loads((Path(tmp) / "index" / "current.json").read_text("utf-8"))
        chunks = sum(d["chunks"] for d in manifest["documents"])
    return {
        "ingest_handbook_s": seconds,
        "ingest_chunks": chunks,
        "ingest_chunks_per_s": chunks / seconds,
        "ingest_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
    }


def _bench_cold_start(settings: Settings, rounds: int) -> dict[str, float]:
    """A fresh `assistant ask` process with a built index: import, load, answer."""
    env = {**os.environ, "ASSISTANT_INDEX": str(settings.index_dir), "ASSISTANT_CORPUS": str(settings.corpus_dir)}
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ask", "--json", "Wat is een Gideonsbende?"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
    return {"cold_start_s_median": statistics.median(times)}


def warm_latencies(assistant: Assistant, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per answer, every question `rounds` times, on a loaded assistant."""
    latencies = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _bench_warm(settings: Settings, questions: list[str], rounds: int) -> dict[str, float]:
    from assistant.answers.pipeline import Assistant

    assistant = Assistant(settings)
    assistant.ask(questions[0])  # load models and index
    latencies = warm_latencies(assistant, questions, rounds)
    return {
        "warm_query_ms_p50": statistics.median(latencies),
        "warm_query_ms_p95": percentile(latencies, 0.95),
        "warm_queries": len(latencies),
        "query_peak_rss_mb": peak_rss_mb(),
    }


def run_bench(
    settings: Settings, rounds: int = 3, skip_ingest: bool = False, questions_file: Path = DEFAULT_QUESTIONS
) -> dict[str, float]:
    questions = (
        [q["question"] for q in load_questions(questions_file)]
        if questions_file.exists()
        else ["Wat is een Gideonsbende?", "Welke fasen zijn er?", "Wat is een bestuurspunt?"]
    )
    results: dict[str, float] = {}
    if not skip_ingest:
        results.update(_bench_ingest(settings))
    results.update(_bench_cold_start(settings, rounds))
    results.update(_bench_warm(settings, questions, rounds))
    for key, value in results.items():
        print(f"{key:<24} {value:10.1f}" if isinstance(value, float) else f"{key:<24} {value:>10}")
    return results
