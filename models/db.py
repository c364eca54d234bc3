"""Engines and sessions: one place that knows how to talk to SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from zonewatch.config.database import SQLITE_BUSY_TIMEOUT_MS
from zonewatch.packing import UNPACK_SQL, unpack_sql

SQLITE_CACHE_KIB = 65_536
SQLITE_INCREMENTAL_VACUUM = 2
"""``PRAGMA auto_vacuum`` of a file that can hand free pages back (``release_free_pages``)."""
"""Page cache per connection: the default 2 MB holds less than one batch's indexes, so every
batch read the same pages again from the file."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys for concurrent workers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("json_serializer", compact_json)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            **kwargs,
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    kwargs.setdefault("json_serializer", compact_json)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def compact_json(value: Any) -> str:
    """JSON as it is stored: Korean as UTF-8 (3 bytes, not a 6-byte escape) and no spaces,
    which halves the evidence columns. PostgreSQL keeps a ``json`` column's text as sent (the
    evidence, ``models.compact``) and parses JSONB columns whatever the spacing."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy manage transactions (pysqlite's own handling is off) so that BEGIN
    # IMMEDIATE below takes the write lock up front: no "database is locked" mid-transaction.
    dbapi_connection.isolation_level = None
    dbapi_connection.create_function(UNPACK_SQL, 1, unpack_sql, deterministic=True)
    cursor = dbapi_connection.cursor()
    # Takes effect only when the file is created (before its first table); see release_free_pages.
    cursor.execute("PRAGMA auto_vacuum=INCREMENTAL")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def release_free_pages(session: Session) -> int:
    """Give a SQLite file's free pages back to the file system; return how many went.

    Deleted rows' pages are reused by later writes, but a step that frees many at once
    (merging the search indexes, releasing a batch's payloads) would leave the file that
    much larger for good. Databases created before incremental auto-vacuum was turned on
    keep their pages until a ``VACUUM``; PostgreSQL's autovacuum does this itself."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return 0
    if connection.exec_driver_sql("PRAGMA auto_vacuum").scalar() != SQLITE_INCREMENTAL_VACUUM:
        return 0
    free = int(connection.exec_driver_sql("PRAGMA freelist_count").scalar() or 0)
    for _ in range(free):
        # Python's sqlite3 steps a statement without result columns once: one page per call.
        connection.exec_driver_sql("PRAGMA incremental_vacuum(1)")
    return free


def vacuum_on_postgres(session: Session, table: str) -> bool:
    """``VACUUM`` one PostgreSQL table now, on a connection of its own; False elsewhere.

    For a table whose rows all die soon after they are written (the payloads ingest
    releases): until autovacuum comes by, its dead rows keep the files at the size of the
    largest crawl. A vacuum that finds every page empty also cuts the files back, which needs
    a moment with no other transaction reading the table: so it runs before ``session``
    touches it, and outside any transaction (``VACUUM`` cannot run in one). SQLite hands
    pages back itself (``release_free_pages``)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    engine = bind if isinstance(bind, Engine) else bind.engine
    with engine.connect() as connection:
        autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.exec_driver_sql(f'VACUUM "{table}"')
    return True


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session, one transaction: committed when the block ends, rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
