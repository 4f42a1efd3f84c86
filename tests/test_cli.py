"""The command-line contract, run as a user runs it: a subprocess of `assistant`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings

pytestmark = pytest.mark.slow

JSON_KEYS = {"question", "answer", "answered", "mode", "sources", "timings_ms"}
SOURCE_KEYS = {"n", "doc", "title", "section", "text", "quote", "score"}


def run_cli(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **settings.paths_env(),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_ask_json_follows_the_contract(handbook_settings: Settings) -> None:
    result = run_cli(handbook_settings, "ask", "--json", "Wat is een Gideonsbende?")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= JSON_KEYS
    assert data["answered"] is True and data["mode"] == "extractive"
    assert data["sources"] and set(data["sources"][0]) >= SOURCE_KEYS
    for source in data["sources"]:
        assert source["quote"] in source["text"]
        assert f"[{source['n']}]" in data["answer"]


def test_ask_text_prints_answer_and_sources(handbook_settings: Settings) -> None:
    result = run_cli(handbook_settings, "ask", "Wat is een bestuurspunt?")
    assert result.returncode == 0, result.stderr
    assert "Bronnen:" in result.stdout and "[1] Handreiking ambtelijke fusie: GROEI" in result.stdout


def test_json_lines_from_stdin_with_history(handbook_settings: Settings) -> None:
    lines = "\n".join(
        [
            "Wat is een Gideonsbende?",
            json.dumps({"question": "En in fase 3?", "history": [["Welke fasen zijn er?", ""]]}),
            "",
            "   ",
            "{not json",
        ]
    )
    result = run_cli(handbook_settings, "ask", "--json", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0]["answered"] and rows[0]["question"] == "Wat is een Gideonsbende?"
    assert rows[1]["answered"] and any("Fase 3" in s["section"] for s in rows[1]["sources"])
    assert rows[2] == {"question": "{not json", "error": "Ongeldige JSON-regel."}


def test_empty_question_is_a_clear_error(handbook_settings: Settings) -> None:
    result = run_cli(handbook_settings, "ask", "   ")
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: Stel een vraag: de vraag is leeg."
    assert "Traceback" not in result.stderr


def test_very_long_question_is_answered_on_a_truncated_form(handbook_settings: Settings) -> None:
    question = "Wat is een bestuurspunt? " + "bla " * 5000
    result = run_cli(handbook_settings, "ask", "--json", question)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert any("alleen de eerste" in n for n in data["notices"])
    assert len(data["question"]) <= 1000


def test_html_control_characters_and_other_scripts_are_plain_text(handbook_settings: Settings) -> None:
    question = "<script>alert(1)</script>\x07\x1b[31m Wat is een Gideonsbende? 合并 слияние"
    result = run_cli(handbook_settings, "ask", "--json", question)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"].startswith("<script>alert(1)</script>")
    assert "\x07" not in data["question"] and "\x1b" not in data["question"]
    assert "слияние" in data["question"]


def test_missing_index_names_the_ingest_command(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "geen-index", var_dir=tmp_path)
    result = run_cli(settings, "ask", "Wat is een Gideonsbende?")
    assert result.returncode == 2
    assert "assistant ingest" in result.stderr and "Traceback" not in result.stderr


def test_toc_prints_the_tree(handbook_settings: Settings) -> None:
    result = run_cli(handbook_settings, "toc")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  I · Inrichting ambtelijke fusieorganisatie" in out
    assert "    Fase 2: Besluiten en inrichten  (fase 2)" in out
    assert "[kader] Dilemma’s bij ambtelijke fusie" in out


@pytest.mark.slow
def test_bench_reports_cold_start_warm_latency_and_memory(handbook_settings: Settings, tmp_path: Path) -> None:
    from assistant.evaluation.bench import run_bench

    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "Wat is een Gideonsbende?"}\n{"question": "Welke fasen zijn er?"}\n', "utf-8")
    results = run_bench(handbook_settings, rounds=1, skip_ingest=True, questions_file=questions)
    assert results["warm_queries"] == 2
    assert results["cold_start_s_median"] > 0 and results["warm_query_ms_p95"] >= results["warm_query_ms_p50"] > 0
    assert results["query_peak_rss_mb"] > 0
