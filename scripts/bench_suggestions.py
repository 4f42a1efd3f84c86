"""How long the suggested next questions take after an answer (answers/suggestions.py): per question
of a question file, the answer's own time (`Assistant.ask`, warm) and the added time of `suggest`,
with their medians. The suggestions are computed after the answer is on screen, so this is the time
until they appear under it, not a delay of the answer.

    .venv/bin/python scripts/bench_suggestions.py [QUESTIONS.jsonl] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from assistant.answers.pipeline import Assistant
from assistant.answers.suggestions import suggest
from assistant.config import PROJECT_ROOT

DEFAULT = PROJECT_ROOT.parent / "shared" / "eval" / "questions.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in args.questions.read_text("utf-8").splitlines() if line]
    engine = Assistant()
    engine.ask(questions[0])  # warm: index, models, BM25
    answer_ms, suggest_ms, counts = [], [], []
    for _ in range(args.rounds):
        for question in questions:
            started = time.perf_counter()
            answer = engine.ask(question)
            answered = time.perf_counter()
            found = suggest(engine, answer)
            done = time.perf_counter()
            answer_ms.append((answered - started) * 1000)
            if answer.answered:
                suggest_ms.append((done - answered) * 1000)
                counts.append(len(found))
    print(f"{len(questions)} questions x {args.rounds} rounds, load average {os.getloadavg()[0]:.1f}")
    print(f"answer: median {statistics.median(answer_ms):.0f} ms")
    print(f"suggestions (answered questions): median {statistics.median(suggest_ms):.0f} ms")
    shown = sum(1 for c in counts if c) / len(counts)
    print(f"suggestions per answered question: mean {statistics.mean(counts):.2f}, share with any {shown:.2f}")


if __name__ == "__main__":
    main()
