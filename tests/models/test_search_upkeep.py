"""Merging the full-text indexes keeps what they find and frees the duplicated segments."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models.search import (
    CHANGE_SEARCH,
    VERSION_SEARCH,
    optimize_search,
    search_index_names,
)


def _stored_rows(session: Session) -> int:
    return int(session.scalar(text(f"SELECT count(*) FROM {VERSION_SEARCH}_data")) or 0)


def _found(session: Session, term: str) -> set[int]:
    query = text(f"SELECT rowid FROM {VERSION_SEARCH} WHERE {VERSION_SEARCH} MATCH :q")
    return set(session.scalars(query, {"q": term}))


def test_optimizing_merges_segments_and_finds_the_same_rows(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    for number in range(8):
        row = factories.fetched(db_session, run, str(number), text=f"송도 바이오 {number}번 단지")
        ingest_fetched_item(db_session, row.id)
        db_session.commit()
    if db_session.get_bind().dialect.name != "sqlite":
        assert optimize_search(db_session) == []
        return
    before = (_stored_rows(db_session), _found(db_session, "바이오"))

    assert set(optimize_search(db_session)) == {VERSION_SEARCH, CHANGE_SEARCH}

    assert _found(db_session, "바이오") == before[1] != set()
    assert _stored_rows(db_session) < before[0]
    db_session.execute(
        text(f"INSERT INTO {VERSION_SEARCH}({VERSION_SEARCH}) VALUES('integrity-check')")
    )


def test_trigram_indexes_insert_directly_on_postgresql(db_session: Session) -> None:
    """A pending list leaves pages only a vacuum frees: the indexes grew to twice their size."""
    if db_session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite has no GIN indexes")
    rows = db_session.execute(
        text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
        {"names": sorted(search_index_names())},
    )
    options = {str(name): list(values) for name, values in rows}

    assert options == {name: ["fastupdate=off"] for name in search_index_names()}
