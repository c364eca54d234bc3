"""A value the database refuses (a figure beyond a numeric column, a name beyond a column's
length) is one id's bad input: that id fails with a one-line error and the rest of its batch is
stored. Before, ingest and change building took it for a database error and failed the whole
batch, and every retry of the message failed the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.classify.test_batch import (
    RELEASES,
    TOO_LARGE,
    expected,
    findings,
    made_app,
    store_versions,
)
from tests.testkit import factories
from tests.testkit.databases import unique_database_name
from tests.testkit.servers import PostgresServer
from zonewatch.app import App
from zonewatch.models import DocumentVersion, FetchedItem, Source
from zonewatch.models.enums import FetchedItemStatus
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import StageName

pytestmark = pytest.mark.integration


@pytest.fixture
def app(tmp_path: Path, postgres_server: PostgresServer, migrated_postgres: str) -> Iterator[App]:
    url = postgres_server.create_database(unique_database_name(), template=migrated_postgres)
    built = made_app(tmp_path, url)
    yield built
    built.dispose()


def test_a_figure_beyond_its_column_fails_its_version_alone_in_the_classify_stage(
    app: App,
) -> None:
    ids = store_versions(app, [RELEASES[0], (RELEASES[0][0], TOO_LARGE), RELEASES[2]])
    done = drive(app, {StageName.CLASSIFY: ids}, stages={StageName.CLASSIFY})
    assert list(done.errors[StageName.CLASSIFY]) == [ids[1]]
    assert "numeric field overflow" in done.errors[StageName.CLASSIFY][ids[1]]
    assert "\n" not in done.errors[StageName.CLASSIFY][ids[1]]
    assert done.results[StageName.CLASSIFY][ids[0]] == "classified"
    assert done.results[StageName.CLASSIFY][ids[2]] == "classified"
    assert findings(app, ids[1]) == (set(), set(), 0)
    for version_id, (title, text) in ((ids[0], RELEASES[0]), (ids[2], RELEASES[2])):
        assert findings(app, version_id) == expected(app, title, text)
    with app.session() as session:
        refused = session.get(DocumentVersion, ids[1])
        assert refused is not None
        assert refused.classified_at is None


def stage_items(app: App, departments: list[str]) -> list[int]:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        return [
            factories.fetched(session, run, str(index), department=department).id
            for index, department in enumerate(departments)
        ]


def test_an_item_with_a_value_beyond_its_column_fails_alone_and_keeps_its_payload(
    app: App,
) -> None:
    ids = stage_items(app, ["투자유치과", "부" * 400, "산업입지과"])
    done = drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    assert list(done.errors[StageName.INGEST]) == [ids[1]]
    assert "DataError" in done.errors[StageName.INGEST][ids[1]]
    assert done.results[StageName.INGEST][ids[0]] == "new"
    assert done.results[StageName.INGEST][ids[2]] == "new"
    with app.session() as session:
        rows = {
            row.id: row
            for row in session.scalars(select(FetchedItem).where(FetchedItem.id.in_(ids)))
        }
        assert [rows[i].status for i in ids] == [
            FetchedItemStatus.INGESTED,
            FetchedItemStatus.FAILED,
            FetchedItemStatus.INGESTED,
        ]
        assert "too long" in (rows[ids[1]].error or "")
        assert rows[ids[1]].payload is not None
        assert rows[ids[0]].payload is None
        departments = session.scalars(
            select(DocumentVersion.department).order_by(DocumentVersion.id)
        )
        assert list(departments) == ["투자유치과", "산업입지과"]


def test_a_refused_item_is_not_taken_again_by_a_second_run_of_its_batch(app: App) -> None:
    """A redelivered message finds the refused item failed, not pending: nothing loops."""
    ids = stage_items(app, ["투자유치과", "부" * 400])
    drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    again = drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    assert again.results[StageName.INGEST][ids[0]] == "already"
    with app.session() as session:
        refused = session.get(FetchedItem, ids[1])
        assert refused is not None
        assert refused.status == FetchedItemStatus.FAILED
