"""Sweep what dropped and killed index versions leave behind, and measure the index folder.

Two kinds of leftovers pile up in the index folder:
- collections of an ingest that was killed before it switched the manifest (the previous version
  keeps answering, but the half-written one stays in Chroma);
- HNSW segment folders (one UUID-named folder per vector segment) of collections Chroma deleted:
  Chroma drops the collection's rows but leaves its folder on disk.

A version is swept only when it is neither the live one nor the previous one (kept for a grace
period: a reader that opened it before the switch keeps answering from it) and nobody can still be
writing it: it is older than the live version, or the ingest that was writing it has died (its
marker file names a process that no longer runs). An ingest in progress has a live writer, so it is
never swept; this also holds beside a lock file that serialises ingests.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.index.records import Manifest

WRITER_SUFFIX = ".writing"  # index/<version>.writing holds the pid of the ingest writing it
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VERSION_RE = re.compile(r"(?:chunks|sentences)-(?P<version>.+)")


@dataclass(frozen=True)
class SweepReport:
    collections: list[str]
    folders: list[str]


@contextmanager
def writing(index_dir: Path, version: str) -> Any:
    """Mark `version` as being written by this process while the block runs."""
    marker = index_dir / f"{version}{WRITER_SUFFIX}"
    index_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()), "utf-8")
    try:
        yield
    finally:
        marker.unlink(missing_ok=True)


def _writer_alive(index_dir: Path, version: str) -> bool:
    marker = index_dir / f"{version}{WRITER_SUFFIX}"
    try:
        pid = int(marker.read_text("utf-8").strip())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def orphan_versions(index_dir: Path, names: list[str], manifest: Manifest | None) -> list[str]:
    """The collections among `names` that belong to no version anyone can still use."""
    if manifest is None:
        return []  # nothing is live yet: the first ingest may be writing, leave everything
    keep = {manifest.version, manifest.previous_version}
    out = []
    for name in names:
        match = VERSION_RE.fullmatch(name)
        if match is None:
            continue  # not one of ours
        version = match["version"]
        if version in keep:
            continue
        if version < manifest.version or not _writer_alive(index_dir, version):
            out.append(name)
    return out


def sweep(client: Any, index_dir: Path, manifest: Manifest | None) -> SweepReport:
    """Delete orphan collections, then segment folders no collection owns; stale writer markers
    of dead ingests go too."""
    names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    dropped = orphan_versions(index_dir, names, manifest)
    for name in dropped:
        client.delete_collection(name)
    folders = _orphan_folders(index_dir)
    for folder in folders:
        shutil.rmtree(index_dir / folder, ignore_errors=True)
    for marker in index_dir.glob(f"*{WRITER_SUFFIX}"):
        version = marker.name[: -len(WRITER_SUFFIX)]
        if not _writer_alive(index_dir, version):
            marker.unlink(missing_ok=True)
    return SweepReport(dropped, folders)


def _orphan_folders(index_dir: Path) -> list[str]:
    """UUID-named folders that are no segment of any collection in Chroma's catalogue. A folder
    only appears after its segment's row exists, so a version being written is never among them."""
    catalogue = index_dir / "chroma.sqlite3"
    if not catalogue.exists():
        return []
    # Folders first, the catalogue second: a folder listed here had its row before we read them.
    folders = [p.name for p in index_dir.iterdir() if p.is_dir() and UUID_RE.fullmatch(p.name)]
    with closing(sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True, timeout=10)) as db:
        segments = {row[0] for row in db.execute("SELECT id FROM segments")}
    return sorted(name for name in folders if name not in segments)


def folder_size(index_dir: Path) -> int:
    """Bytes the index folder takes on disk."""
    return sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
