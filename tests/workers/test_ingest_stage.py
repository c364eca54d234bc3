"""The ingest stage marks a batch's rows, points its documents to their new versions and
releases the payloads in one statement each (each was a statement per item), with every row's
own values, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.classify.test_batch import made_app, statements, written
from tests.testkit import factories
from zonewatch.app import App
from zonewatch.models import (
    Announcement,
    Document,
    DocumentVersion,
    FetchedItem,
    FetchedPayload,
    Source,
)
from zonewatch.models.enums import FetchedItemStatus, IngestOutcome, ItemOutcome
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import StageName

NOW = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[App]:
    built = made_app(tmp_path, migrated_database_url)
    yield built
    built.dispose()


def staged(app: App) -> list[int]:
    """Two new releases, an older fetch of the second (stale once the newer is applied) and a
    list sighting of a third."""
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        rows = [
            factories.fetched(session, run, "a", title="송도 바이오 클러스터 조성", fetched_at=NOW),
            factories.fetched(session, run, "b", title="청라 의료복합단지 공모", fetched_at=NOW),
            factories.fetched(
                session,
                run,
                "b",
                title="청라 의료복합단지 공모 (예고)",
                fetched_at=NOW - dt.timedelta(hours=1),
            ),
            factories.fetched(session, run, "c", ItemOutcome.LISTED, fetched_at=NOW),
        ]
        return [row.id for row in rows]


def test_a_batch_is_marked_in_one_update_and_released_in_one_delete(app: App) -> None:
    ids = staged(app)
    seen = statements(app.engine)
    done = drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    assert not done.errors
    assert (
        written(seen, "UPDATE", "fetched_items")
        + sum(1 for s in seen if s.startswith("WITH given") and "UPDATE fetched_items" in s)
        == 1
    )
    assert written(seen, "DELETE FROM", "fetched_payloads") == 1
    # New documents get their version and their announcement in one UPDATE of each row: a
    # second one left a second dead copy on PostgreSQL.
    pointers = [s for s in seen if s.startswith("WITH given") and "UPDATE documents" in s]
    assert [p.split(")")[0] for p in pointers] == [
        "WITH given(id, current_version_id, announcement_id"
    ]
    assert not [s for s in seen if s.startswith("UPDATE documents SET")]
    assert written(seen, "INSERT INTO", "announcements") == 1
    with app.session() as session:
        rows = {
            row.id: row
            for row in session.scalars(select(FetchedItem).where(FetchedItem.id.in_(ids)))
        }
        kept = set(session.scalars(select(FetchedPayload.item_id)))
        outcomes = [(rows[i].status, rows[i].result, rows[i].version_id is not None) for i in ids]
        assert all(rows[i].ingested_at is not None for i in ids)
        pointed = set(session.execute(select(Document.id, Document.current_version_id)))
        versions = set(session.execute(select(DocumentVersion.document_id, DocumentVersion.id)))
    assert pointed == versions | {(document_id, None) for document_id, _ in pointed - versions}
    assert len(versions) == 2
    assert outcomes == [
        (FetchedItemStatus.INGESTED, IngestOutcome.NEW, True),
        (FetchedItemStatus.INGESTED, IngestOutcome.NEW, True),
        (FetchedItemStatus.SUPERSEDED, IngestOutcome.SUPERSEDED, False),
        (FetchedItemStatus.INGESTED, IngestOutcome.SEEN, False),
    ]
    assert kept == {ids[2]}, "only the superseded item keeps its payload"


def test_a_redelivered_batch_changes_no_row(app: App) -> None:
    ids = staged(app)
    drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    with app.session() as session:
        before = session.execute(
            select(FetchedItem.id, FetchedItem.ingested_at).where(FetchedItem.id.in_(ids))
        ).all()
    seen = statements(app.engine)
    again = drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    assert again.made.get(StageName.INGEST, []) == []
    assert not [s for s in seen if "UPDATE fetched_items" in s or "DELETE FROM fetched_" in s]
    with app.session() as session:
        after = session.execute(
            select(FetchedItem.id, FetchedItem.ingested_at).where(FetchedItem.id.in_(ids))
        ).all()
    assert sorted(after) == sorted(before)


def test_two_appearances_in_one_batch_share_one_announcement(app: App) -> None:
    """Two sources publishing one release, ingested in one batch: one announcement, named by
    the first, and both documents linked to it."""
    title = "산업통상자원부, 경제자유구역 신규 지정 결과 발표"
    with app.session() as session:
        ids = []
        for source_id in ("ifez-press", "daegu-press"):
            source = session.get(Source, source_id)
            assert source is not None
            run = factories.crawl_run(session, source)
            ids.append(factories.fetched(session, run, "9", title=title, fetched_at=NOW).id)
    done = drive(app, {StageName.INGEST: ids}, stages={StageName.INGEST})
    assert not done.errors
    with app.session() as session:
        announcements = session.execute(select(Announcement.id, Announcement.title)).all()
        linked = session.scalars(select(Document.announcement_id)).all()
    assert [row.title for row in announcements] == [title]
    assert linked == [announcements[0].id] * 2
