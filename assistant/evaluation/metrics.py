"""What a question's answer is scored on, and the figures over a set of questions.

An answerable item names phrases of the passage(s) that answer it (`expect`: the passage its writer
had in mind; `expect_also`: other passages that give the same answer on their own, added when the
labels were completed) and may name near-misses: passages that share its words but not its point
(`near_miss`). Phrases are matched on letters and digits only, so a phrase copied from the raw
handbook ("centrale dan wel de-") matches the cleaned chunk ("centrale dan wel decentrale").
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from assistant.text.tokens import fold, normalize_for_match
from assistant.types import Answer, Chunk

RANKS_CHECKED = 10


def holds(phrases: Sequence[str], text: str) -> bool:
    """Does `text` contain one of `phrases` (letters and digits only, case-folded)?"""
    return holds_normalized([normalize_for_match(p) for p in phrases if p], normalize_for_match(text))


def holds_normalized(phrases: Sequence[str], normal_text: str) -> bool:
    """`holds` for phrases and a text already passed through normalize_for_match: matching one
    question against every chunk of the corpus normalises each chunk once, not once a question."""
    return any(p in normal_text for p in phrases if p)


def answering_phrases(item: dict[str, Any]) -> list[str]:
    """Phrases of every passage that answers the item: a case's opening summary restates the facts
    of its sections, and a citation of either answers the reader."""
    return list(item.get("expect") or []) + list(item.get("expect_also") or [])


def first_relevant_rank(expect: Sequence[str], chunks: Sequence[Chunk]) -> int | None:
    for rank, chunk in enumerate(chunks[:RANKS_CHECKED], start=1):
        if holds(expect, chunk.search_text):
            return rank
    return None


def score_answer(item: dict[str, Any], answer: Answer, ranking: Sequence[Chunk]) -> dict[str, Any]:
    """One question's row: retrieval rank, whether it was answered, and what the cited sources hold."""
    answerable = bool(item.get("answerable", bool(item.get("expect"))))
    expect = answering_phrases(item)
    near_miss = item.get("near_miss") or []
    sources = list(answer.sources)
    holding = [holds(expect, s.chunk.search_text) for s in sources] if answerable else []
    terms = item.get("answer_terms") or []
    folded = fold(answer.answer)
    first = sources[0].chunk if sources else None
    return {
        "id": item.get("id"),
        "question": item["question"],
        "split": item.get("split"),
        "style": item.get("style"),
        "file": item.get("_file"),
        "kind": item.get("kind"),
        "followup": bool(item.get("history")),
        # A question about a case or the law: from the bank's case file, or naming such a document.
        "case": item.get("_file") == "cases_law" or str(item.get("doc", "")).startswith(("cases/", "law/")),
        "answerable": answerable,
        "answered": answer.answered,
        "rank": first_relevant_rank(expect, ranking) if answerable else None,
        "sources": len(sources),
        "cited_hit": any(holding),
        "first_hit": bool(holding and holding[0]),
        "sources_holding": sum(holding),
        # The quoted sentences themselves, not only their chunk: a chunk can hold the answer while
        # the sentence chosen from it says something else.
        "first_quote_hit": bool(answerable and sources and holds(expect, sources[0].quote)),
        "near_miss_first": bool(
            answerable and first is not None and not holding[0] and near_miss and holds(near_miss, first.search_text)
        ),
        "terms": len(terms),
        "terms_covered": sum(fold(t) in folded for t in terms),
        "first_chunk": first.id if first else None,
        "top_section": ranking[0].section_label if ranking else None,
    }


def _share(rows: list[dict[str, Any]], test: Any) -> float | None:
    return round(sum(1 for r in rows if test(r)) / len(rows), 3) if rows else None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures over `rows` (see README for what each means)."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    answered = [r for r in answerable if r["answered"]]
    # The row's own flag: rows carry no "doc", so testing it here counted only the bank's
    # cases_law file and no case question of any other file.
    cases = [r for r in answerable if r["case"]]
    followups = [r for r in answerable if r["followup"]]
    with_terms = [r for r in answerable if r["terms"]]
    cited = sum(r["sources"] for r in answered)
    latencies = [r["latency_ms"] for r in rows if "latency_ms" in r]
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "hit@1": _share(answerable, lambda r: r["rank"] and r["rank"] <= 1) or 0.0,
        "hit@3": _share(answerable, lambda r: r["rank"] and r["rank"] <= 3) or 0.0,
        "hit@5": _share(answerable, lambda r: r["rank"] and r["rank"] <= 5) or 0.0,
        "mrr": round(sum(1 / r["rank"] for r in answerable if r["rank"]) / len(answerable), 3) if answerable else 0.0,
        "answered_rate_answerable": _share(answerable, lambda r: r["answered"]),
        "abstention_accuracy": _share(unanswerable, lambda r: not r["answered"]),
        "cited_source_hit": _share(answerable, lambda r: r["cited_hit"]),
        "first_source_hit": _share(answered, lambda r: r["first_hit"]),
        "first_quote_hit": _share(answered, lambda r: r["first_quote_hit"]),
        "quote_precision": round(sum(r["sources_holding"] for r in answered) / cited, 3) if cited else None,
        "near_miss_first": sum(1 for r in answered if r["near_miss_first"]),
        "case_cited_hit": _share(cases, lambda r: r["cited_hit"]),
        "followup_cited_hit": _share(followups, lambda r: r["cited_hit"]),
        "answer_term_coverage": round(sum(r["terms_covered"] / r["terms"] for r in with_terms) / len(with_terms), 3)
        if with_terms
        else None,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_ms_p95": round(percentile(latencies, 0.95), 1),
    }


SUMMARY_KEYS = (
    "questions",
    "answerable",
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "answered_rate_answerable",
    "abstention_accuracy",
    "cited_source_hit",
    "first_source_hit",
    "first_quote_hit",
    "quote_precision",
    "near_miss_first",
    "case_cited_hit",
    "followup_cited_hit",
    "same_first_lowercase",
    "same_first_no_question_mark",
    "same_first_typo",
    "same_first_after_other_topic",
    "answer_term_coverage",
    "latency_ms_p50",
    "latency_ms_p95",
)
