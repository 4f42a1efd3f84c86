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


@pytest.mark.parametrize("question", ["   ", "?", " ...!? ", "👍"])
def test_empty_question_is_a_clear_error(handbook_settings: Settings, question: str) -> None:
    result = run_cli(handbook_settings, "ask", question)
    assert result.returncode == 2
    assert result.stderr.strip() == "Error: Stel een vraag: de vraag is leeg."
    assert "Traceback" not in result.stderr


def test_output_piped_into_a_reader_that_stops_early_ends_without_a_traceback(handbook_settings: Settings) -> None:
    # `assistant ask ... | head -1`: the reader closes the pipe before the answer is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ask", "Wat zijn de drie fasen?"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **handbook_settings.paths_env()},
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=300)
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr, stderr.decode()
    assert process.returncode == 141


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
    # Markup is dropped before searching (its text would pull the search away), so the script
    # never reaches the answer.
    assert "<script>" not in data["question"] and "alert" not in data["question"]
    assert "Wat is een Gideonsbende?" in data["question"]
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


BAD_LINES: list[bytes] = [
    b"{not json",
    b'{"question": null}',
    b'{"question": 123}',
    b'{"question": ["a"]}',
    b'{"question": {"x": 1}}',
    b'{"history": [["a", "b"]]}',
    b'{"question": "Wat is een bestuurspunt?", "history": "abc"}',
    b'{"question": "Wat is een bestuurspunt?", "history": [["a"]]}',
    b'{"question": "Wat is een bestuurspunt?", "history": [[1, 2]]}',
    b'{"question": "Wat is een bestuurspunt?", "history": [["a", "b", "c"]]}',
    b'{"question": "Wat is een bestuurspunt?", "history": {"a": "b"}}',
    b'{"question": "Wat is een bestuurspunt?", "history": [null]}',
    b'{"question": ""}',
    b'{"question": "   "}',
    b"[1, 2, 3]",
    b'"just a string"',
    b"{" + b'"a":' * 5000 + b"1" + b"}" * 5000,
    b"[" * 100_000 + b"]" * 100_000,
    b"caf\xe9 in Laren",
    b"\xff\xfe\x00\x01",
    b'{"question": "\\ud800 bestuurspunt"}',
    b'{"question": "Wat is een bestuurspunt?", "history": [["\\udfff", "x"]]}',
    b"{" + b" " * 10 + b"}",
    b'{"question": "' + b"x" * 2_000_000 + b'"}',
]


def run_json_stream(settings: Settings, payload: bytes, timeout: float = 1200) -> list[dict]:
    """`assistant ask --json -` fed raw bytes: its JSON objects, after checking it ended cleanly."""
    env = {**os.environ, **settings.paths_env()}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "--json", "-"],
        input=payload,
        capture_output=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


@pytest.mark.slow
def test_malformed_lines_get_an_error_object_and_the_stream_goes_on(handbook_settings: Settings) -> None:
    good = b"Wat is een Gideonsbende?"
    payload = b"\n".join([good, *[line for bad in BAD_LINES for line in (bad, good)]]) + b"\n"
    rows = run_json_stream(handbook_settings, payload)
    assert len(rows) == 1 + 2 * len(BAD_LINES)  # one object per non-empty line, in order
    goods, bads = rows[0::2], rows[1::2]
    assert all(row.get("answered") and row["question"] == "Wat is een Gideonsbende?" for row in goods)
    for bad, row in zip(BAD_LINES, bads, strict=True):
        # Every bad line gets a Dutch error or, where it still holds a readable question (a lone
        # surrogate replaced, a raw byte replaced), an answer; never a crash or a silent skip.
        assert "error" in row or "answer" in row, (bad[:60], row)
    errors = {row["error"] for row in bads if "error" in row}
    assert "Het veld question ontbreekt." in errors and "question moet tekst zijn." in errors
    assert "history moet een lijst van [vraag, antwoord]-paren zijn." in errors
    assert "De regel is geen geldige UTF-8-tekst." in errors and "Ongeldige JSON-regel." in errors


@pytest.mark.slow
def test_an_argument_that_is_not_utf8_is_asked_without_a_traceback(handbook_settings: Settings) -> None:
    env = {**os.environ, **handbook_settings.paths_env()}
    result = subprocess.run(
        [sys.executable.encode(), b"-m", b"assistant.cli", b"ask", b"--json", b"caf\xe9 bestuurspunt"],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr[-2000:]
    assert "\ufffd" in json.loads(result.stdout)["question"]


def test_ingest_leaves_every_derived_file_an_app_process_would_otherwise_make(tmp_path: Path) -> None:
    """App workers load these with the version (memory-mapped) instead of each making them at its
    first question: at 100k chunks that cost ~1.2 GB more memory and a minute per worker."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# Alpha\n\n## Start\n\nAlpha begon in 2013 met twee gemeenten.\n", "utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", var_dir=tmp_path / "var")
    result = run_cli(settings, "ingest")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((settings.index_dir / "current.json").read_text("utf-8"))
    versions = list((settings.index_dir / "derived" / "embedded").iterdir())
    assert [v.name for v in versions] == [manifest["version"]]
    saved = {p.name for p in versions[0].iterdir()}
    assert {"sentences", "centroids.npy", "bm25-words", "bm25-subwords"} <= saved
    answer = run_cli(settings, "ask", "--json", "Wanneer begon Alpha?")
    assert answer.returncode == 0 and "2013" in json.loads(answer.stdout)["answer"]
