"""Where the database is, read from its URL without SQLAlchemy (which costs most of a second
to import): a SQLite file, or a PostgreSQL server as libpq names it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zonewatch.errors import ZonewatchError

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite reader or writer waits for another writer: the engine's connections and
the compiled read path's alike."""


@dataclass(frozen=True)
class SqliteFile:
    path: Path


@dataclass(frozen=True)
class PostgresServer:
    conninfo: str
    """The URL as libpq reads it (SQLAlchemy's ``+driver`` dropped)."""


DatabaseLocation = SqliteFile | PostgresServer


def database_location(url: str) -> DatabaseLocation | None:
    """The file or server of ``url``; None for what only SQLAlchemy opens (an in-memory
    database, SQLite URL options or escapes, another backend)."""
    scheme, found, rest = url.partition("://")
    if not found:
        return None
    backend = scheme.partition("+")[0]
    if backend == "sqlite":
        path = rest[1:]
        if not rest.startswith("/") or path in ("", ":memory:") or any(m in path for m in "?%"):
            return None
        return SqliteFile(Path(path))
    if backend in ("postgresql", "postgres"):
        return PostgresServer(f"postgresql://{rest}")
    return None


class DatabaseProblemError(ZonewatchError):
    """The database cannot answer: missing, not initialised, or unreachable."""


def describe_database_problem(error_text: str) -> str:
    """Say what is wrong with the database, from a driver's error text, in words an operator
    can act on (the ORM's errors and the compiled read path's alike)."""
    reason = (error_text.strip().splitlines() or ["?"])[0]
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return "the database is not initialised: run `zonewatch init` first"
    return f"database unavailable: {reason}"
