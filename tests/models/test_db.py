"""How SQLite engines store JSON columns."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import JSON, Column, Integer, MetaData, Table, insert, select, text

from zonewatch.models.db import make_engine


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
