"""Where the manifests live: which index version is live, the kept versions' manifests, and which
versions an ingest is writing right now.

- Embedded index (`FileManifests`): files in the index folder. `current.json` names the live
  version and is replaced atomically (os.replace); `versions/<version>.json` keeps a copy of each
  kept version's manifest for the fallback; `<version>.writing` holds the pid of the ingest
  writing it.
- Chroma server (`ServerManifests`): rows of one small collection on the server, so that every
  app process on every host sees the same ones: `version:<v>` per kept version, `writing:<v>` per
  version being written (host and pid), and `live`, a copy of the live version's manifest with
  its name in the metadata. Switching is one upsert of `live`; a worker's check for a new version
  reads that row's metadata only.

Both are written only after the version's collections are complete, so no reader ever opens a
half-built version.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from assistant.index.records import Manifest
from assistant.index.versions import newest_first, version_key

MANIFEST = "current.json"
VERSIONS = "versions"
WRITER_SUFFIX = ".writing"  # index/<version>.writing holds the pid of the ingest writing it
COLLECTION = "fusiewijzer-manifests"
LIVE = "live"
# Chroma stores a vector with every row; these rows are looked up by id, never searched.
NO_VECTOR = [1.0]


class Manifests(Protocol):
    def live(self) -> Manifest | None: ...
    def live_version(self) -> str | None: ...
    def kept(self) -> list[Manifest]: ...
    def publish(self, manifest: Manifest) -> None: ...
    def forget_except(self, keep: set[str]) -> None: ...
    def writing(self, version: str) -> Any: ...
    def writer_alive(self, version: str) -> bool: ...
    def writers(self) -> list[str]: ...
    def clear_writer(self, version: str) -> None: ...


def to_json(manifest: Manifest) -> str:
    return json.dumps(asdict(manifest), ensure_ascii=False, indent=2)


def _parse(text: str | None) -> Manifest | None:
    try:
        return Manifest.from_json(json.loads(text or ""))
    except (json.JSONDecodeError, TypeError, KeyError):
        return None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class FileManifests:
    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        # (inode, mtime, size) of the manifest last parsed by live_version, and its version
        self._seen: tuple[tuple[int, int, int], str | None] | None = None

    def live(self) -> Manifest | None:
        try:
            return _parse((self.index_dir / MANIFEST).read_text("utf-8"))
        except OSError:
            return None

    def live_version(self) -> str | None:
        """Asked before every question: the manifest is parsed again only when the file changed
        (publishing renames a new file into place). Parsing it, with every document listed, took
        20 ms per question at 100k chunks."""
        try:
            stat = (self.index_dir / MANIFEST).stat()
        except OSError:
            return None
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        seen = self._seen
        if seen is not None and seen[0] == key:
            return seen[1]
        live = self.live()
        version = live.version if live else None
        self._seen = (key, version)
        return version

    def kept(self) -> list[Manifest]:
        found = [m for p in (self.index_dir / VERSIONS).glob("*.json") if (m := self._read(p)) is not None]
        return sorted(found, key=lambda m: version_key(m.version), reverse=True)

    @staticmethod
    def _read(path: Path) -> Manifest | None:
        try:
            return _parse(path.read_text("utf-8"))
        except OSError:
            return None

    def publish(self, manifest: Manifest) -> None:
        text = to_json(manifest)
        _write_atomic(self.index_dir / VERSIONS / f"{manifest.version}.json", text)
        _write_atomic(self.index_dir / MANIFEST, text)

    def forget_except(self, keep: set[str]) -> None:
        for path in (self.index_dir / VERSIONS).glob("*.json"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)

    @contextmanager
    def writing(self, version: str) -> Iterator[None]:
        """Mark `version` as being written by this process while the block runs."""
        marker = self.index_dir / f"{version}{WRITER_SUFFIX}"
        self.index_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()), "utf-8")
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)

    def writer_alive(self, version: str) -> bool:
        try:
            pid = int((self.index_dir / f"{version}{WRITER_SUFFIX}").read_text("utf-8").strip())
        except (OSError, ValueError):
            return False
        return pid_alive(pid)

    def writers(self) -> list[str]:
        return [p.name[: -len(WRITER_SUFFIX)] for p in self.index_dir.glob(f"*{WRITER_SUFFIX}")]

    def clear_writer(self, version: str) -> None:
        (self.index_dir / f"{version}{WRITER_SUFFIX}").unlink(missing_ok=True)


class ServerManifests:
    def __init__(self, client: Any) -> None:
        self.rows = client.get_or_create_collection(COLLECTION, embedding_function=None)

    def _upsert(self, row_id: str, document: str, metadata: dict[str, Any]) -> None:
        self.rows.upsert(ids=[row_id], documents=[document], metadatas=[metadata], embeddings=[NO_VECTOR])

    def live(self) -> Manifest | None:
        got = self.rows.get(ids=[LIVE], include=["documents"])
        return _parse(got["documents"][0]) if got["ids"] else None

    def live_version(self) -> str | None:
        got = self.rows.get(ids=[LIVE], include=["metadatas"])
        return str(got["metadatas"][0]["version"]) if got["ids"] else None

    def kept(self) -> list[Manifest]:
        got = self.rows.get(where={"kind": "version"}, include=["documents"])
        found = {m.version: m for text in got["documents"] if (m := _parse(text)) is not None}
        return [found[v] for v in newest_first(found)]

    def publish(self, manifest: Manifest) -> None:
        text = to_json(manifest)
        self._upsert(f"version:{manifest.version}", text, {"kind": "version", "version": manifest.version})
        self._upsert(LIVE, text, {"kind": LIVE, "version": manifest.version})  # the switch: one write

    def forget_except(self, keep: set[str]) -> None:
        got = self.rows.get(where={"kind": "version"}, include=["metadatas"])
        drop = [i for i, meta in zip(got["ids"], got["metadatas"], strict=True) if meta["version"] not in keep]
        if drop:
            self.rows.delete(ids=drop)

    @contextmanager
    def writing(self, version: str) -> Iterator[None]:
        since = time.strftime("%Y-%m-%dT%H:%M:%S")
        meta = {"kind": "writing", "version": version, "host": socket.gethostname(), "pid": os.getpid(), "since": since}
        self._upsert(f"writing:{version}", "", meta)
        try:
            yield
        finally:
            self.clear_writer(version)

    def writer_alive(self, version: str) -> bool:
        """A writer on this host is checked by its pid; one on another host cannot be, so it
        counts as alive: its version goes once a newer version is live (sweep.orphan_versions)."""
        got = self.rows.get(ids=[f"writing:{version}"], include=["metadatas"])
        if not got["ids"]:
            return False
        meta = got["metadatas"][0]
        if meta.get("host") != socket.gethostname():
            return True
        pid = int(meta.get("pid", 0))
        return pid > 0 and pid_alive(pid)

    def writers(self) -> list[str]:
        got = self.rows.get(where={"kind": "writing"}, include=["metadatas"])
        return [str(meta["version"]) for meta in got["metadatas"]]

    def clear_writer(self, version: str) -> None:
        self.rows.delete(ids=[f"writing:{version}"])


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
