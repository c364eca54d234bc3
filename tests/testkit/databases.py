"""Databases made once per run and copied for each test.

Migrating an empty database runs every Alembic revision (seconds), and loading the shipped
zone model into it inserts hundreds of entities one by one (several seconds more); doing
that for each of a thousand tests was most of the suite's time. The tests still get a
database of their own, so nothing one test writes is seen by another: a SQLite file is
copied with SQLite's backup API, and a PostgreSQL database is created from a template.
Tests of migrations and of ``zonewatch init`` keep using an empty ``fresh_database_url``.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

from zonewatch.app import configure
from zonewatch.bootstrap import initialize
from zonewatch.models.db import make_engine
from zonewatch.models.migrate import upgrade

DATABASE_FILE = "zonewatch.sqlite"
"""The file name of the default SQLite database in a data directory (see Settings)."""


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a whole SQLite database consistently, whatever its journal mode."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def migrate_database(url: str) -> None:
    """Bring the database at ``url`` to the head revision and close every connection to it
    (PostgreSQL copies a template only while nobody is connected to it)."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def initialize_data_dir(data_dir: Path) -> Path:
    """``initialize`` a zonewatch with default settings in ``data_dir``; its database file.

    This is the state every test fixture that calls ``initialize`` on default settings
    reaches; as ``initialize`` is idempotent, calling it again on a copy changes nothing."""
    app = configure(data_dir=data_dir, database_url=sqlite_url(data_dir / DATABASE_FILE))
    try:
        initialize(app)
    finally:
        app.dispose()
    return data_dir / DATABASE_FILE


def unique_database_name() -> str:
    return f"zw_{uuid.uuid4().hex[:12]}"
