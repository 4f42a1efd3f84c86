"""`assistant bench --scale N --json`: the real and a synthetic corpus's figures in one object."""

from __future__ import annotations

import json

import pytest

from assistant.config import Settings
from assistant.index.store import IndexStore
from tests.test_cli import run_cli

FIGURES = {"chunks", "query_ms_p50", "query_ms_p95", "peak_rss_mb", "ingest_chunks_per_s"}


@pytest.mark.slow
def test_scale_bench_prints_base_and_scaled_figures(handbook_settings: Settings) -> None:
    real = len(IndexStore(handbook_settings.index_dir).open_reader().chunks)
    result = run_cli(handbook_settings, "bench", "--scale", str(real + 150), "--skip-ingest", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"base", "scaled"}
    assert set(data["base"]) >= FIGURES and set(data["scaled"]) >= FIGURES
    assert data["base"]["chunks"] == real and data["scaled"]["chunks"] == real + 150
    assert data["scaled"]["ingest_chunks_per_s"] > 0 and "derived" in data["scaled"]["vectors"]
    # The scaled index was temporary; the real one is untouched.
    assert len(IndexStore(handbook_settings.index_dir).open_reader().chunks) == real


@pytest.mark.slow
def test_scale_bench_refuses_a_scale_below_one_in_dutch(handbook_settings: Settings) -> None:
    result = run_cli(handbook_settings, "bench", "--scale", "0")
    assert result.returncode == 2 and "positief aantal" in result.stderr and "Traceback" not in result.stderr
