"""`assistant eval` and `assistant calibrate`: score the pipeline on a question file."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from assistant.answers.chat import ChatSession
from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.search.abstain import AbstainFeatures, unknown_terms
from assistant.search.scope import implied_scope
from assistant.text.tokens import fold, is_english, normalize_for_match
from assistant.types import Chunk

RANKS_CHECKED = 10


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def phrase_in_chunk(phrase: str, chunk: Chunk) -> bool:
    """Expected phrases are matched on letters and digits only, so that a phrase copied from the
    raw handbook ("centrale dan wel de-") matches its cleaned form ("centrale dan wel decentrale")."""
    return normalize_for_match(phrase) in normalize_for_match(chunk.search_text)


def first_relevant_rank(expect: list[str], chunks: list[Chunk]) -> int | None:
    for rank, chunk in enumerate(chunks[:RANKS_CHECKED], start=1):
        if any(phrase_in_chunk(p, chunk) for p in expect):
            return rank
    return None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate(settings: Settings, path: Path, rewrite: bool = True, style: str = "uitgebreid") -> dict[str, Any]:
    assistant = Assistant(settings)
    rows = []
    for item in load_questions(path):
        session = ChatSession.from_history(assistant, item.get("history") or [], rewrite=rewrite)
        started = time.perf_counter()
        answer = session.ask(item["question"], style=style)
        latency = (time.perf_counter() - started) * 1000
        # The ranking the answer rested on: its search text within the scope the question implies.
        scope = implied_scope(item["question"])
        retrieval = assistant.retriever.search(answer.query, settings.k_dense, settings.k_lexical, scope)
        chunks = [h.chunk for h in retrieval.hits]
        answerable = bool(item.get("answerable", bool(item.get("expect"))))
        rank = first_relevant_rank(item.get("expect") or [], chunks) if answerable else None
        terms = item.get("answer_terms") or []
        folded = fold(answer.answer)
        covered = sum(fold(t) in folded for t in terms)
        rows.append(
            {
                "id": item.get("id"),
                "question": item["question"],
                "answerable": answerable,
                "answered": answer.answered,
                "rank": rank,
                "terms": len(terms),
                "terms_covered": covered,
                "latency_ms": round(latency, 1),
                "top_section": chunks[0].section_label if chunks else None,
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    with_terms = [r for r in answerable if r["terms"]]

    def hit_at(k: int) -> float:
        return sum(1 for r in answerable if r["rank"] and r["rank"] <= k) / len(answerable) if answerable else 0.0

    latencies = [r["latency_ms"] for r in rows]
    return {
        "file": str(path),
        "questions": len(rows),
        "answerable": len(answerable),
        "hit@1": round(hit_at(1), 3),
        "hit@3": round(hit_at(3), 3),
        "hit@5": round(hit_at(5), 3),
        "mrr": round(sum(1 / r["rank"] for r in answerable if r["rank"]) / len(answerable), 3) if answerable else 0.0,
        "abstention_accuracy": round(sum(not r["answered"] for r in unanswerable) / len(unanswerable), 3)
        if unanswerable
        else None,
        "answered_rate_answerable": round(sum(r["answered"] for r in answerable) / len(answerable), 3)
        if answerable
        else None,
        "answer_term_coverage": round(sum(r["terms_covered"] / r["terms"] for r in with_terms) / len(with_terms), 3)
        if with_terms
        else None,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_ms_p95": round(_percentile(latencies, 0.95), 1),
        "rows": rows,
    }


def print_report(report: dict[str, Any]) -> None:
    print(f"{'question':<60} {'rank':>4} {'answered':>8} {'terms':>6} {'ms':>7}")
    for r in report["rows"]:
        mark = "" if (r["answerable"] == r["answered"]) else "  <-"
        terms = f"{r['terms_covered']}/{r['terms']}" if r["terms"] else "-"
        print(
            f"{r['question'][:60]:<60} {r['rank'] or '-':>4} {str(r['answered']):>8} {terms:>6} "
            f"{r['latency_ms']:>7}{mark}"
        )
    print()
    for key in (
        "questions",
        "answerable",
        "hit@1",
        "hit@3",
        "hit@5",
        "mrr",
        "abstention_accuracy",
        "answered_rate_answerable",
        "answer_term_coverage",
        "latency_ms_p50",
        "latency_ms_p95",
    ):
        print(f"{key:<26} {report[key]}")


def calibrate(settings: Settings, path: Path) -> None:
    """Grid-search the abstain constants on a labelled file; print the best and its accuracy."""
    assistant = Assistant(settings)
    samples = []
    for item in load_questions(path):
        retrieval = assistant.retriever.search(item["question"], settings.k_dense, settings.k_lexical)
        features = AbstainFeatures.of(
            retrieval.hits,
            unknown_terms(retrieval.query_tokens, assistant.retriever.lexical),
            retrieval.query_tokens,
            is_english(item["question"]),
        )
        samples.append((features, bool(item["answerable"])))
        print(
            f"{features.top_dense:.3f} {features.unknown_ratio:.2f} {'en' if features.english else 'nl'} "
            f"{item['answerable']!s:5} {item['question']}"
        )
    best: tuple[float, float, float, float] | None = None
    for penalty in [x / 100 for x in range(0, 31, 2)]:
        for threshold_nl in [x / 1000 for x in range(760, 900, 2)]:
            dutch = [(f, y) for f, y in samples if not f.english]
            accuracy = sum((f.confidence(penalty) >= threshold_nl) == y for f, y in dutch) / max(1, len(dutch))
            if best is None or accuracy > best[0]:
                best = (accuracy, penalty, threshold_nl, 0.0)
    english = [(f, y) for f, y in samples if f.english]
    best_en = max(
        (
            (sum((f.top_dense >= t) == y for f, y in english) / max(1, len(english)), t)
            for t in [x / 1000 for x in range(740, 880, 2)]
        ),
        key=lambda pair: pair[0],
    )
    assert best is not None
    print(f"\nDutch: accuracy {best[0]:.3f} with UNKNOWN_PENALTY={best[1]} MIN_DENSE_DUTCH={best[2]}")
    print(f"English: accuracy {best_en[0]:.3f} with MIN_DENSE_ENGLISH={best_en[1]}")
