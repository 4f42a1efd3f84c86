"""Index version names that sort in the order the versions were made.

A name is `<local time to the second>-<sequence>-<random tag>`, e.g. `20261203T081500-000042-3fa9c1`.
The sequence is one more than the highest any known version carries (ingests are serialised by
the ingest lock), so two versions made within the same second, or on hosts whose clocks differ,
still sort by the order they were made; the tag keeps names unique if two writers ever raced.
Names from before the sequence (`<time>-<tag>`) count as sequence 0 and sort by their time.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable

NAME_RE = re.compile(r"(?P<stamp>\d{8}T\d{6})-(?:(?P<seq>\d{6,})-)?(?P<tag>[0-9a-z]+)")


def sequence_of(version: str) -> int:
    match = NAME_RE.fullmatch(version)
    return int(match["seq"]) if match and match["seq"] else 0


def version_key(version: str) -> tuple[int, str]:
    """Sort key: by sequence, then by name (the time, for names without a sequence)."""
    return sequence_of(version), version


def newest_first(versions: Iterable[str]) -> list[str]:
    return sorted(set(versions), key=version_key, reverse=True)


def next_version(known: Iterable[str], now: float | None = None) -> str:
    """A name that sorts after every one of `known`."""
    sequence = max((sequence_of(v) for v in known), default=0) + 1
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now))
    return f"{stamp}-{sequence:06d}-{uuid.uuid4().hex[:6]}"
