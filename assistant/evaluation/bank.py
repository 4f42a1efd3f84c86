"""The question bank (eval/bank/*.jsonl) and its fixed train/validation/test split.

The bank is written from the corpus, not from any evaluation set (scripts/check_bank.py checks
that every expected phrase occurs in the corpus). The split is stratified by file (which part of
the corpus), answerability and kind of unanswerable question, and it is fixed: it lives in
eval/bank/splits.tsv, so adding questions never moves existing ones between parts. Nobody tunes on
the test part: decisions are fitted on train and chosen on validation.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT

BANK_DIR = PROJECT_ROOT / "eval" / "bank"
SPLITS_FILE = "splits.tsv"
# Share of each stratum per part, in order: 3 of 5 train, 1 validation, 1 test.
PATTERN = ("train", "train", "validation", "train", "test")


class Split(StrEnum):
    TRAIN = "train"
    VALIDATION = "validation"
    TEST = "test"
    ALL = "all"


def _stratum(item: dict[str, Any]) -> str:
    return f"{item['_file']}|{bool(item.get('answerable'))}|{item.get('kind', '')}"


def _order(item_id: str) -> str:
    return hashlib.sha256(item_id.encode("utf-8")).hexdigest()


def load_bank(bank_dir: Path = BANK_DIR) -> list[dict[str, Any]]:
    """Every bank item, each with `_file` (its file's stem) and `split` (from splits.tsv; an item
    that is not in it yet gets its part from the hash of its id)."""
    items = []
    for path in sorted(bank_dir.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                item["_file"] = path.stem
                items.append(item)
    fixed = read_splits(bank_dir)
    for item in items:
        item["split"] = fixed.get(item["id"]) or PATTERN[int(_order(item["id"]), 16) % len(PATTERN)]
    return items


def read_splits(bank_dir: Path = BANK_DIR) -> dict[str, str]:
    path = bank_dir / SPLITS_FILE
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#"))
    return {item_id: split for item_id, split in pairs}


def write_splits(bank_dir: Path = BANK_DIR) -> dict[str, int]:
    """Assign every item not yet in splits.tsv, stratum by stratum in hash order, so each stratum
    is divided 3:1:1; existing assignments are kept. Returns the count per part."""
    items = load_bank(bank_dir)
    fixed = read_splits(bank_dir)
    strata: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        strata.setdefault(_stratum(item), []).append(item)
    for members in strata.values():
        members.sort(key=lambda it: _order(it["id"]))
        taken = sum(1 for it in members if it["id"] in fixed)
        for it in members:
            if it["id"] not in fixed:
                fixed[it["id"]] = PATTERN[taken % len(PATTERN)]
                taken += 1
    lines = ["# id<TAB>split: fixed once, see assistant/evaluation/bank.py"]
    lines += [f"{item_id}\t{split}" for item_id, split in sorted(fixed.items())]
    (bank_dir / SPLITS_FILE).write_text("\n".join(lines) + "\n", "utf-8")
    counts: dict[str, int] = {}
    for split in fixed.values():
        counts[split] = counts.get(split, 0) + 1
    return counts


def select(items: list[dict[str, Any]], split: Split) -> list[dict[str, Any]]:
    return items if split is Split.ALL else [it for it in items if it["split"] == split.value]
