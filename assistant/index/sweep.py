"""Sweep what dropped and killed index versions leave behind, and measure the index folder.

Two kinds of leftovers pile up:
- collections of an ingest that was killed before it switched the manifest (the previous version
  keeps answering, but the half-written one stays in Chroma);
- HNSW segment folders (one UUID-named folder per vector segment) of collections Chroma deleted:
  Chroma drops the collection's rows but leaves its folder on disk, embedded or as a server.

A version is swept only when it is neither the live one nor the previous one (kept for a grace
period: a reader that opened it before the switch keeps answering from it) and nobody can still be
writing it: it is older than the live version (version names sort in the order they were made,
versions.py), or the ingest that was writing it has died (its marker names a process that no
longer runs, manifests.py). An ingest in progress has a live writer, so it is never swept; this
also holds beside a lock file that serialises ingests. The same rules hold with a Chroma server;
its segment folders are swept only when its data folder is on this machine (ASSISTANT_CHROMA_PATH).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.index.manifests import WRITER_SUFFIX, Manifests
from assistant.index.records import Manifest
from assistant.index.versions import version_key

__all__ = ["WRITER_SUFFIX", "SweepReport", "folder_size", "orphan_versions", "sweep"]

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VERSION_RE = re.compile(r"(?:chunks|sentences)-(?P<version>.+)")


@dataclass(frozen=True)
class SweepReport:
    collections: list[str]
    folders: list[str]
    versions: list[str]  # versions whose collections went (for their derived files)


def version_of(collection: str) -> str | None:
    match = VERSION_RE.fullmatch(collection)
    return match["version"] if match else None


def orphan_versions(names: list[str], manifest: Manifest | None, manifests: Manifests) -> list[str]:
    """The collections among `names` that belong to no version anyone can still use."""
    if manifest is None:
        return []  # nothing is live yet: the first ingest may be writing, leave everything
    keep = {manifest.version, manifest.previous_version}
    out = []
    for name in names:
        version = version_of(name)
        if version is None or version in keep:
            continue  # not one of ours, or in use
        if version_key(version) < version_key(manifest.version) or not manifests.writer_alive(version):
            out.append(name)
    return out


def sweep(client: Any, manifests: Manifests, data_dir: Path | None) -> SweepReport:
    """Delete orphan collections, then segment folders no collection owns (when Chroma's data
    folder `data_dir` is known); markers of writers that died or whose version is older than
    the live one go too."""
    manifest = manifests.live()
    names = sorted(_names(client))
    dropped = []
    for name in orphan_versions(names, manifest, manifests):
        try:
            client.delete_collection(name)
        except Exception:  # noqa: BLE001 - app workers starting together sweep at once: one of them wins
            if name in _names(client):
                raise
        dropped.append(name)
    folders = _orphan_folders(data_dir) if data_dir is not None else []
    for folder in folders:
        shutil.rmtree(data_dir / folder, ignore_errors=True)  # type: ignore[operator]
    for version in manifests.writers():
        older = manifest is not None and version_key(version) < version_key(manifest.version)
        if older or not manifests.writer_alive(version):
            manifests.clear_writer(version)
    versions = sorted({v for name in dropped if (v := version_of(name))})
    return SweepReport(dropped, folders, versions)


def _names(client: Any) -> set[str]:
    return {c if isinstance(c, str) else c.name for c in client.list_collections()}


def _orphan_folders(data_dir: Path) -> list[str]:
    """UUID-named folders that are no segment of any collection in Chroma's catalogue. A folder
    only appears after its segment's row exists, so a version being written is never among them."""
    catalogue = data_dir / "chroma.sqlite3"
    if not catalogue.exists():
        return []
    # Folders first, the catalogue second: a folder listed here had its row before we read them.
    folders = [p.name for p in data_dir.iterdir() if p.is_dir() and UUID_RE.fullmatch(p.name)]
    with closing(sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True, timeout=10)) as db:
        segments = {row[0] for row in db.execute("SELECT id FROM segments")}
    return sorted(name for name in folders if name not in segments)


def folder_size(index_dir: Path) -> int:
    """Bytes the index folder takes on disk."""
    return sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
