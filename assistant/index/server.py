"""Chroma as a server (`chroma run`) shared by several app processes: the client for it, and the
Dutch error a user gets when it does not answer.

Chroma 1.x has no authentication of its own; a deployment puts an authenticating proxy in front
of it, and `ASSISTANT_CHROMA_TOKEN` is sent to that proxy as a bearer token (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from assistant.config import Settings
from assistant.errors import ConfigurationError, IndexUnavailable


@dataclass(frozen=True)
class ChromaServer:
    url: str  # http(s)://host:port
    token: str = field(default="", repr=False)
    data_path: Path | None = None  # the server's --path, when it is on this machine (for the sweep)

    @staticmethod
    def from_settings(settings: Settings) -> ChromaServer | None:
        if not settings.chroma_url:
            return None
        path = Path(settings.chroma_path).expanduser().resolve() if settings.chroma_path else None
        return ChromaServer(settings.chroma_url.rstrip("/"), settings.chroma_token, path)

    @property
    def key(self) -> str:
        """A folder name for this server: files derived from its versions are kept apart from
        the embedded index's (versions of different servers may share a name)."""
        parsed = urlparse(self.url)
        return f"{parsed.hostname}-{parsed.port or ''}".replace(":", "_")

    def connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        parsed = urlparse(self.url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.path not in ("", "/"):
            raise ConfigurationError(
                f"ASSISTANT_CHROMA_URL '{self.url}' is geen geldig adres; verwacht zoiets als http://127.0.0.1:8000."
            )
        ssl = parsed.scheme == "https"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if ssl else 80),
                ssl=ssl,
                headers=headers,
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
        except (ValueError, httpx.HTTPError) as error:  # chromadb raises ValueError when it cannot connect
            # A proxy that refuses the token answers 401 or 403; chromadb passes on its page as the message.
            refused = any(f"{code} " in str(error) for code in (401, 403))
            raise IndexUnavailable(self.url, refused=refused) from error


@contextmanager
def reachable(url: str) -> Iterator[None]:
    """Turn a lost connection to the Chroma server into the Dutch message a user sees."""
    try:
        yield
    except httpx.TransportError as error:
        raise IndexUnavailable(url) from error
