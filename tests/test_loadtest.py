"""scripts/loadtest.py against a real ui.py (the shared app of conftest.py): the simulated users'
REST calls get the answers asked alone, and the server's CPU time is what is measured."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scripts import loadtest

QUESTIONS = ["Wat is een Gideonsbende?", "Welke fasen zijn er?", "Hoe heet de kantoorkat van Kattendorp?"]


@pytest.mark.slow
def test_two_users_get_the_answers_asked_alone(
    app_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "questions.jsonl"
    rows = [{"question": q} for q in QUESTIONS] + [{"question": "En daarna?", "history": [["Wat?", "Dit."]]}]
    questions.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    argv = ["--url", app_url, "--users", "2", "--seconds", "3", "--questions", str(questions), "--json"]
    # In a thread of its own, as in its own process: a browser test's sync Playwright may leave an
    # event loop running in this one, where asyncio.run() refuses to start.
    with ThreadPoolExecutor(1) as pool:
        code = pool.submit(loadtest.main, argv).result()
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["errors"] == 0 and result["different_from_alone"] == 0
    assert result["answers"] > 0
    # The server found by its port did the answering; the load test's own client is the smaller part.
    assert result["cpu_ms_per_answer"] > 0
    assert result["client_cpu_s"] < result["server_cpu_s"]


def test_only_loopback_and_bounded_runs() -> None:
    for argv in (
        ["--url", "http://example.org/"],
        ["--url", "http://10.0.0.1:7860/"],
        ["--users", "0"],
        ["--users", str(loadtest.MAX_USERS + 1)],
        ["--seconds", "0"],
        ["--think", "-1"],
    ):
        with pytest.raises(SystemExit) as stopped:
            loadtest.main(argv)
        assert stopped.value.code == 2, argv
