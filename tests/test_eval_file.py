"""`assistant eval FILE` on a file of new questions reports what the bank's report does: the case
figures for questions naming a case document, and the lower-case / no "?" / typo consistency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.test_cli import run_cli

pytestmark = pytest.mark.slow

QUESTIONS = [
    {
        "id": "new-case",
        "question": "Wanneer is HLTsamen van start gegaan?",
        "answerable": True,
        "expect": ["HLTsamen ging van start op 1 januari 2017"],
        "doc": "cases/hltsamen.md",
        "answer_terms": ["2017"],
    },
    # No id, as in files written by hand: the variants still find its row.
    {
        "question": "Welke rol heeft de ondernemingsraad bij een ambtelijke fusie?",
        "answerable": True,
        "expect": ["ondernemingsraad"],
    },
    {"question": "Hoe lang moet een zacht gekookt ei koken?", "answerable": False},
]


def test_eval_of_a_file_reports_case_figures_and_variants(corpus_settings: Settings, tmp_path: Path) -> None:
    questions = tmp_path / "new.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS) + "\n", "utf-8")
    out = tmp_path / "report.json"

    result = run_cli(corpus_settings, "eval", str(questions), "--out", str(out))

    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text("utf-8"))
    assert [row["case"] for row in report["rows"]] == [True, False, False]
    assert report["case_cited_hit"] is not None
    for variant in ("lowercase", "no_question_mark", "typo"):
        assert 0.0 <= report[f"same_first_{variant}"] <= 1.0
    assert "same_first_typo" in result.stdout


def test_eval_of_a_file_can_skip_the_variants(corpus_settings: Settings, tmp_path: Path) -> None:
    questions = tmp_path / "new.jsonl"
    questions.write_text(json.dumps(QUESTIONS[0], ensure_ascii=False) + "\n", "utf-8")
    out = tmp_path / "report.json"

    result = run_cli(corpus_settings, "eval", str(questions), "--no-variants", "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert "same_first_typo" not in json.loads(out.read_text("utf-8"))
