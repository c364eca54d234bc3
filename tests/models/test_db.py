"""How SQLite engines store JSON columns and give freed pages back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.orm import Session

from zonewatch.models.db import make_engine, release_free_pages, vacuum_on_postgres


def test_sqlite_stores_json_compact_with_korean_as_written(tmp_path: Path) -> None:
    """Evidence is most of the classification rows: escaped Korean took twice the bytes."""
    engine = make_engine(f"sqlite:///{tmp_path / 'json.sqlite'}")
    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    rows.create(engine)
    evidence = [{"text": "송도 국제도시", "start": 3, "end": 10, "rule": "name"}]
    with engine.begin() as connection:
        connection.execute(insert(rows).values(id=1, doc=evidence))
        stored = connection.execute(text("SELECT doc FROM rows")).scalar_one()
        read = connection.execute(select(rows.c.doc)).scalar_one()
    engine.dispose()
    assert stored == '[{"text":"송도 국제도시","start":3,"end":10,"rule":"name"}]'
    assert read == evidence


def test_a_new_sqlite_file_hands_freed_pages_back(tmp_path: Path) -> None:
    """Merging the search indexes frees megabytes at once: without giving them back, the
    file stays that much larger although its tables shrank."""
    path = tmp_path / "free.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    rows.create(engine)
    with Session(engine) as session:
        session.execute(insert(rows), [{"id": n, "doc": "x" * 3000} for n in range(500)])
        session.commit()
        session.execute(rows.delete())
        session.commit()
        grown = path.stat().st_size + Path(f"{path}-wal").stat().st_size
        free = session.execute(text("PRAGMA freelist_count")).scalar_one()

        released = release_free_pages(session)
        session.commit()
        left = session.execute(text("PRAGMA freelist_count")).scalar_one()
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert (released, left) == (free, 0)
    assert free > 300
    assert path.stat().st_size < grown / 10


def test_vacuum_on_postgres_cuts_a_table_of_dead_rows_back(fresh_database_url: str) -> None:
    """Released payloads left the table at its largest crawl's size until autovacuum: a
    third of a run's growth on PostgreSQL. SQLite hands its pages back another way."""
    engine = make_engine(fresh_database_url)
    rows = Table("rows", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    rows.create(engine)
    size = text("SELECT pg_relation_size('rows')")
    with Session(engine) as session:
        session.execute(insert(rows), [{"id": n, "doc": "x" * 3000} for n in range(500)])
        session.commit()
        session.execute(rows.delete())
        session.commit()
        postgres = engine.dialect.name == "postgresql"
        grown = session.execute(size).scalar_one() if postgres else 0
        session.commit()

        vacuumed = vacuum_on_postgres(session, "rows")
        left = session.execute(size).scalar_one() if postgres else 0
    engine.dispose()
    assert vacuumed is postgres
    assert (grown > 0, left) == (postgres, 0)
