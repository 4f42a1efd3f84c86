"""The engine and sessions for `ASSISTANT_DB` (default: SQLite in var/fusiewijzer.db).

SQLite runs in WAL mode (set on every connection by a connect event), so readers do not block
the one writer and a second worker process can share the file. Tables are created on first use.
Every call opens a short session: nothing a second process would need is kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import Settings
from assistant.state.models import Base

BUSY_TIMEOUT_MS = 5000  # a second process writing at the same moment waits instead of failing


def database_url(settings: Settings) -> str:
    """ASSISTANT_DB as a SQLAlchemy URL ("postgresql+psycopg://..."), or a file path for SQLite."""
    value = settings.database.strip()
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve() if value else settings.var_dir / "fusiewijzer.db"
    return f"sqlite:///{path}"


def _sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001 (DB-API connection)
    cursor = connection.cursor()
    # The wait first: switching a new file to WAL needs a lock another process may hold.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@cache
def engine_for(url: str) -> Engine:
    """One engine (connection pool) per URL and process; the schema is created on first use."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _create_schema(engine)
    return engine


def _create_schema(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables. Several processes starting on a new file at once (ten `assistant users
    add`) race between "does the table exist" and "create it": the loser sees "already exists"
    and checks again, finding it there."""
    for attempt in range(attempts):
        try:
            Base.metadata.create_all(engine)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise


class Database:
    """Sessions on the settings' database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = database_url(settings)
        self._sessions = sessionmaker(engine_for(self.url), expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits at the end of the block, or rolls back on an error."""
        with self._sessions() as session, session.begin():
            yield session
