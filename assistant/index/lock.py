"""One ingest at a time per index folder, across processes (the CLI, the app's Beheer tab).

Two ingests at once could each drop the collections the other had just written, leaving a live
manifest that names collections which no longer exist. `ingest_lock` holds an OS file lock
(`filelock`) on `<index>/ingest.lock` for the whole build, and writes the owner's pid and start
time to `<index>/ingest.owner.json` so that a second ingest can say who it is waiting for. The OS
releases the lock when its owner dies, even by SIGKILL, so a stale owner file never blocks.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import IngestBusy

LOCK_NAME = "ingest.lock"
OWNER_NAME = "ingest.owner.json"
POLL_S = 0.5  # a bounded wait per attempt: filelock refuses an unbounded one within one process


@dataclass(frozen=True)
class LockOwner:
    pid: int | None
    since: str


def read_owner(index_dir: Path) -> LockOwner:
    try:
        data = json.loads((index_dir / OWNER_NAME).read_text("utf-8"))
        return LockOwner(int(data["pid"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return LockOwner(None, "")  # the owner has the lock but has not written its name yet


@contextmanager
def ingest_lock(
    index_dir: Path, wait: bool = True, on_wait: Callable[[LockOwner], None] | None = None
) -> Iterator[None]:
    """Hold the index folder's ingest lock for the block. Busy: with `wait`, call `on_wait` once
    with the owner and wait until it is done; without, raise IngestBusy at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / LOCK_NAME), thread_local=False)
    told = False
    while True:
        try:
            lock.acquire(timeout=POLL_S if wait else 0)
            break
        except Timeout:
            owner = read_owner(index_dir)
            if not wait:
                raise IngestBusy(owner.pid) from None
            if not told and on_wait is not None:
                on_wait(owner)
                told = True
    owner_file = index_dir / OWNER_NAME
    try:
        owner_file.write_text(json.dumps({"pid": os.getpid(), "since": time.strftime("%Y-%m-%dT%H:%M:%S")}), "utf-8")
        yield
    finally:
        owner_file.unlink(missing_ok=True)
        lock.release()
