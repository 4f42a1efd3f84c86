"""Check the question bank (eval/bank/*.jsonl): every line parses, has the fields it needs, and
every expected phrase of an answerable item occurs in the corpus (`expect`: the passage the writer
had in mind; `expect_also`: other passages that give the same answer on their own, added when the
labels were completed; `near_miss`: passages that look like the answer but are not, which must
not come first and must not overlap an answering phrase) (letters and digits only,
case- and accent-insensitive, so PDF hyphenation and punctuation do not matter).

Standard library only, so it runs before the project is installed:
    python3 scripts/check_bank.py [FILE ...]
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS_UNANSWERABLE = {"near_domain", "off_topic", "later_than_sources", "adjacent_procedure"}
STYLES = {"council", "onboarding", "adviser", "short", "long", "english", "lowercase", "typo", "synonym", "followup"}


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch.isalnum())


def corpus_texts() -> dict[str, str]:
    texts = {}
    for path in sorted((ROOT / "corpus").rglob("*")):
        if path.suffix in {".txt", ".md"}:
            texts[str(path.relative_to(ROOT / "corpus"))] = normalize(path.read_text("utf-8"))
    return texts


def check(paths: list[Path]) -> int:
    texts = corpus_texts()
    errors = 0
    counts: Counter[str] = Counter()
    ids: set[str] = set()
    for path in paths:
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{where}: not JSON: {error}")
                errors += 1
                continue
            for field in ("id", "question", "answerable", "lang", "style"):
                if field not in item:
                    print(f"{where}: missing {field!r}")
                    errors += 1
            if item.get("id") in ids:
                print(f"{where}: duplicate id {item.get('id')}")
                errors += 1
            ids.add(item.get("id"))
            if item.get("style") not in STYLES:
                print(f"{where}: style {item.get('style')!r} not in {sorted(STYLES)}")
                errors += 1
            if item.get("answerable"):
                expect = item.get("expect") or []
                if not expect:
                    print(f"{where}: answerable item without expect phrases")
                    errors += 1
                also = item.get("expect_also") or []
                if not isinstance(also, list) or any(p in expect for p in also):
                    print(f"{where}: expect_also must be a list of phrases not already in expect")
                    errors += 1
                    also = []
                for phrase in expect + also + (item.get("near_miss") or []):
                    if len(normalize(phrase)) < 12:
                        print(f"{where}: phrase too short to be specific: {phrase!r}")
                        errors += 1
                    found = [doc for doc, text in texts.items() if normalize(phrase) in text]
                    if not found:
                        print(f"{where}: phrase not in corpus: {phrase!r}")
                        errors += 1
                    elif item.get("doc") and phrase in expect and item["doc"] not in found:
                        print(f"{where}: phrase {phrase!r} not in doc {item['doc']} (found in {found})")
                        errors += 1
                answering = [normalize(p) for p in expect + also]
                for phrase in item.get("near_miss") or []:
                    # A near miss is a passage that must not come first: one that holds (part of)
                    # an answering phrase would mark a right answer wrong.
                    near = normalize(phrase)
                    if any(near in a or a in near for a in answering):
                        print(f"{where}: near_miss overlaps an answering phrase: {phrase!r}")
                        errors += 1
                counts["answerable"] += 1
                counts["answerable with a near miss"] += bool(item.get("near_miss"))
            else:
                if item.get("kind") not in KINDS_UNANSWERABLE:
                    print(f"{where}: unanswerable item needs kind in {sorted(KINDS_UNANSWERABLE)}")
                    errors += 1
                counts["unanswerable"] += 1
                counts[f"unanswerable:{item.get('kind')}"] += 1
            counts[f"style:{item.get('style')}"] += 1
            counts[f"lang:{item.get('lang')}"] += 1
    for key, value in sorted(counts.items()):
        print(f"{key:<32} {value}")
    print(f"{errors} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    files = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "eval" / "bank").glob("*.jsonl"))
    sys.exit(check(files))
