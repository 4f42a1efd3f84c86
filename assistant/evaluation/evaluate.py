"""`assistant eval`: score the pipeline on a question file or on the question bank's splits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from assistant.answers.chat import ChatSession
from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.evaluation.bank import Split, load_bank, select
from assistant.evaluation.metrics import SUMMARY_KEYS, score_answer, summarise
from assistant.evaluation.variants import MAKERS, unrelated_turn
from assistant.search.scope import implied_scope
from assistant.types import AnswerStyle


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def run_items(
    assistant: Assistant, items: list[dict[str, Any]], rewrite: bool = True, style: AnswerStyle = "uitgebreid"
) -> list[dict[str, Any]]:
    """Ask every item (with its history, if any) and score the answer."""
    rows = []
    settings = assistant.settings
    for item in items:
        session = ChatSession.from_history(assistant, item.get("history") or [], rewrite=rewrite)
        started = time.perf_counter()
        answer = session.ask(item["question"], style=style)
        latency = (time.perf_counter() - started) * 1000
        # The ranking the answer rested on: its search text within the scope the question implies.
        scope = implied_scope(item["question"])
        retrieval = assistant.retriever.search(answer.query, settings.k_dense, settings.k_lexical, scope)
        row = score_answer(item, answer, [h.chunk for h in retrieval.hits])
        row["latency_ms"] = round(latency, 1)
        rows.append(row)
    return rows


def variant_consistency(
    assistant: Assistant, items: list[dict[str, Any]], rows: list[dict[str, Any]], style: AnswerStyle
) -> dict[str, float | None]:
    """Per variant, the share of answerable single-turn questions whose first cited passage (or
    abstention) stays the same when the question is lower-cased, loses its "?", gets a typo or is
    asked after a turn about another section."""
    by_id = {r["id"]: r for r in rows}
    base = [it for it in items if it.get("answerable") and not it.get("history")]
    out: dict[str, float | None] = {}
    for variant, make in MAKERS.items():
        changed = [it for it in base if make(it["question"]) != it["question"]]
        same = 0
        for item in changed:
            answer = assistant.ask(make(item["question"]), style=style)
            first = answer.sources[0].chunk.id if answer.sources else None
            same += first == by_id[item["id"]]["first_chunk"]
        out[f"same_first_{variant.value}"] = round(same / len(changed), 3) if changed else None
    same = asked = 0
    for item in base:
        other = unrelated_turn(item, base)
        if other is None:
            continue
        session = ChatSession(assistant)
        session.ask(other["question"], style=style)
        answer = session.ask(item["question"], style=style)
        first = answer.sources[0].chunk.id if answer.sources else None
        same += first == by_id[item["id"]]["first_chunk"]
        asked += 1
    out["same_first_after_other_topic"] = round(same / asked, 3) if asked else None
    return out


def evaluate(
    settings: Settings,
    path: Path,
    rewrite: bool = True,
    style: AnswerStyle = "uitgebreid",
    variants: bool = True,
) -> dict[str, Any]:
    """The figures for one question file, with the same lower-case / no "?" / typo consistency as
    the bank's: a file of new questions is where those matter most."""
    assistant = Assistant(settings)
    items = load_questions(path)
    for number, item in enumerate(items, start=1):
        # The variants find a question's own row by id; files without ids get their line number.
        item.setdefault("id", f"line-{number}")
    rows = run_items(assistant, items, rewrite, style)
    return {"file": str(path), **_figures(assistant, items, rows, style, variants), "rows": rows}


def evaluate_bank(
    settings: Settings, split: Split, style: AnswerStyle = "uitgebreid", variants: bool = True
) -> dict[str, Any]:
    """The figures per part of the question bank (train, validation and test side by side for
    `Split.ALL`), with the lower-case / no "?" / typo consistency."""
    assistant = Assistant(settings)
    items = select(load_bank(), split)
    rows = run_items(assistant, items, True, style)
    parts = [Split.TRAIN, Split.VALIDATION, Split.TEST] if split is Split.ALL else [split]
    report: dict[str, Any] = {"file": "eval/bank", "splits": {}, "rows": rows}
    for part in parts:
        part_items = [it for it in items if it["split"] == part.value]
        part_rows = [r for r in rows if r["split"] == part.value]
        report["splits"][part.value] = _figures(assistant, part_items, part_rows, style, variants)
    return report


def _figures(
    assistant: Assistant, items: list[dict[str, Any]], rows: list[dict[str, Any]], style: AnswerStyle, variants: bool
) -> dict[str, Any]:
    """The summary of `rows`, with the variant consistency of `items` when asked for."""
    summary = summarise(rows)
    if variants:
        summary.update(variant_consistency(assistant, items, rows, style))
    return summary


def print_report(report: dict[str, Any]) -> None:
    print(f"{'question':<60} {'rank':>4} {'answered':>8} {'cited':>5} {'terms':>6} {'ms':>7}")
    for r in report["rows"]:
        mark = "" if (r["answerable"] == r["answered"]) else "  <-"
        terms = f"{r['terms_covered']}/{r['terms']}" if r["terms"] else "-"
        cited = ("yes" if r["cited_hit"] else "no") if r["answerable"] and r["answered"] else "-"
        print(
            f"{r['question'][:60]:<60} {r['rank'] or '-':>4} {str(r['answered']):>8} {cited:>5} {terms:>6} "
            f"{r['latency_ms']:>7}{mark}"
        )
    print()
    columns = report.get("splits") or {"": report}
    print(f"{'':<28}" + "".join(f"{name:>12}" for name in columns))
    for key in SUMMARY_KEYS:
        if any(key in summary for summary in columns.values()):
            values = "".join(f"{str(summary.get(key, '-')):>12}" for summary in columns.values())
            print(f"{key:<28}{values}")
