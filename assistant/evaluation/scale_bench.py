"""`assistant bench --scale N`: the real corpus's and a synthetic N-chunk corpus's figures in one run.

Each part runs in a child process of its own, so that each peak RSS is that part's alone:
- base: a fresh ingest of the real corpus into a temporary index (e5 embeds every chunk and
  sentence: the ingest rate), then warm questions against the real index;
- scaled: a synthetic corpus built from the real index (scale.py; vectors derived from the real
  ones, so its ingest rate is Chroma's writing speed without embedding) with the files `assistant
  ingest` saves beside a version (sentence table, centroids, BM25 tables: build_peak_rss_mb), then
  the same warm questions against it.
Figures are printed, never asserted (the machines are noisy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.evaluation.bench import peak_rss_mb, warm_latencies
from assistant.evaluation.metrics import percentile

FALLBACK_QUESTIONS = ["Wat is een Gideonsbende?", "Welke fasen zijn er?", "Wat is een bestuurspunt?"]
DERIVED_NOTE = (
    "vectors of synthetic chunks derived from the real chunks' e5 vectors (not embedded): "
    "ingest_chunks_per_s is Chroma + BM25 writing speed; embedding adds ingest_embed_hours_estimate"
)


def _child(mode: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.evaluation.scale_bench", mode, *args],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _questions(path: Path) -> list[str]:
    if not path.exists():
        return FALLBACK_QUESTIONS
    return [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines() if line.strip()]


def query_figures(settings: Settings, questions: list[str], rounds: int) -> dict[str, Any]:
    """Load the index (BM25 built), answer every question `rounds` times, warm."""
    from assistant.answers.pipeline import Assistant

    started = time.perf_counter()
    assistant = Assistant(settings)
    assistant.ask(questions[0])
    load_s = time.perf_counter() - started
    latencies = warm_latencies(assistant, questions, rounds)
    return {
        "chunks": len(assistant.retriever.reader.chunks),
        "load_s": round(load_s, 2),
        "query_ms_p50": round(percentile(latencies, 0.5), 1),
        "query_ms_p95": round(percentile(latencies, 0.95), 1),
        "queries": len(latencies),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _ingest_rate(settings: Settings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant.cli", "ingest"],
            env={**os.environ, "ASSISTANT_CORPUS": str(settings.corpus_dir), "ASSISTANT_INDEX": tmp},
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        manifest = json.loads((Path(tmp) / "current.json").read_text("utf-8"))
    chunks = sum(d["chunks"] for d in manifest["documents"])
    return {"ingest_chunks_per_s": round(chunks / seconds, 2), "ingest_s": round(seconds, 1)}


def run_scale_bench(
    settings: Settings, n: int, questions_file: Path, rounds: int = 1, skip_ingest: bool = False
) -> dict[str, dict[str, Any]]:
    env = {"ASSISTANT_INDEX": str(settings.index_dir), "ASSISTANT_CORPUS": str(settings.corpus_dir)}
    base = _child("query", env, str(questions_file), str(rounds))
    base["ingest_chunks_per_s"] = None
    if not skip_ingest:
        base.update(_ingest_rate(settings))
    with tempfile.TemporaryDirectory() as tmp:
        scaled_dir = Path(tmp) / "index"
        built = _child("build", env, str(scaled_dir), str(n))
        scaled = _child("query", {**env, "ASSISTANT_INDEX": str(scaled_dir)}, str(questions_file), str(rounds))
    scaled["ingest_chunks_per_s"] = round(built["chunks"] / built["write_s"], 1)
    scaled["build_peak_rss_mb"] = built["peak_rss_mb"]
    scaled["sentences"] = built["sentences"]
    if base["ingest_chunks_per_s"]:
        scaled["ingest_embed_hours_estimate"] = round(n / base["ingest_chunks_per_s"] / 3600, 1)
    scaled["vectors"] = DERIVED_NOTE
    return {"base": base, "scaled": scaled}


def print_table(result: dict[str, dict[str, Any]]) -> None:
    keys = list(dict.fromkeys(k for part in result.values() for k in part if k != "vectors"))
    print(f"{'':<28} {'base':>12} {'scaled':>12}")
    for key in keys:
        cells = [result[part].get(key) for part in ("base", "scaled")]
        print(f"{key:<28} " + " ".join(f"{'-' if c is None else c:>12}" for c in cells))
    print(f"\nscaled: {result['scaled']['vectors']}")


def _main(argv: list[str]) -> None:
    settings = Settings()
    if argv[0] == "query":
        figures = query_figures(settings, _questions(Path(argv[1])), int(argv[2]))
    else:
        from assistant.evaluation.scale import build_scaled_index
        from assistant.index.embeddings import get_embedder
        from assistant.index.store import IndexStore
        from assistant.search.tables import prepare_search_tables

        built = build_scaled_index(settings.index_dir, Path(argv[1]), int(argv[2]), settings.chunk_chars)
        # as `assistant ingest` does after writing a version (search/tables.py)
        reader = IndexStore(Path(argv[1])).open_reader()
        prepare_search_tables(reader, get_embedder(reader.manifest.embedder_spec))
        figures = {
            "chunks": built.chunks,
            "sentences": built.sentences,
            "write_s": built.write_seconds,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    _main(sys.argv[1:])
