"""``zonewatch prune``: old raw pages and delivered outbox rows go; what is still needed stays."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli.conftest import Run
from zonewatch.app import App, configure
from zonewatch.changes.versions import stored_page
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.errors import NotFoundError
from zonewatch.models import (
    AlertDelivery,
    ChangeRecord,
    Document,
    DocumentVersion,
    Snapshot,
    Subscriber,
)

LONG_AGO = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)


@pytest.fixture
def app(tmp_path: Path, fresh_database_url: str) -> Iterator[App]:
    built = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    yield built
    built.dispose()


@dataclass(frozen=True)
class World:
    """A document edited twice 200 days ago: the first edit's alert was sent, the second's
    still waits. Ids of what prune must tell apart."""

    snapshots: tuple[int, int, int]
    """Of versions 1 (only an old, alerted version), 2 (shown by the waiting alert), 3 (current)."""
    records: tuple[int, int]
    sent: int
    waiting: int


def old_snapshot(app: App, document: Document, body: bytes) -> Snapshot:
    digest, relative = store_snapshot(app.settings.data_dir, body)
    stamp = LONG_AGO.timestamp()
    os.utime(app.settings.data_dir / relative, (stamp, stamp))
    return Snapshot(
        document_id=document.id,
        fetched_at=LONG_AGO,
        url=document.url,
        http_status=200,
        content_type="text/html",
        encoding="utf-8",
        sha256=digest,
        size=len(body),
        path=relative,
    )


@pytest.fixture
def world(zonewatch: Run, app: App) -> World:
    zonewatch("init")
    with app.session() as session:
        document = Document(source_id="ifez-press", external_id="42", url="https://x.kr/42")
        session.add(document)
        session.flush()
        snapshots = [old_snapshot(app, document, f"<p>{n}차 계획</p>".encode()) for n in (1, 2, 3)]
        session.add_all(snapshots)
        session.flush()
        versions = [
            DocumentVersion(
                document_id=document.id,
                number=n,
                snapshot_id=snapshot.id,
                title="계획",
                text=f"{n}차 계획",
                content_hash=f"h{n}",
                extractor_version="1",
                created_at=LONG_AGO,
            )
            for n, snapshot in enumerate(snapshots, start=1)
        ]
        session.add_all(versions)
        session.flush()
        document.current_version_id = versions[2].id
        records = [
            ChangeRecord(
                kind="changed_document",
                dedupe_key=f"edit-{n}",
                event_key=f"version:{versions[n].id}",
                document_id=document.id,
                old_version_id=versions[n - 1].id,
                new_version_id=versions[n].id,
                title="계획",
                occurred_at=LONG_AGO,
            )
            for n in (1, 2)
        ]
        reader = Subscriber(email="reader@example.kr")
        session.add_all([*records, reader])
        session.flush()
        deliveries = [
            AlertDelivery(
                subscriber_id=reader.id,
                change_id=record.id,
                event_key=record.event_key or "",
                channel="email",
                delivery="immediate",
                status=status,
                created_at=LONG_AGO,
                sent_at=LONG_AGO if status == "sent" else None,
            )
            for record, status in zip(records, ("sent", "pending"), strict=True)
        ]
        session.add_all(deliveries)
        session.commit()
        first, second, third = (snapshot.id for snapshot in snapshots)
        return World(
            snapshots=(first, second, third),
            records=(records[0].id, records[1].id),
            sent=deliveries[0].id,
            waiting=deliveries[1].id,
        )


def state(app: App) -> tuple[dict[int, bool], list[int], list[int]]:
    """(snapshot id -> body still readable, delivery ids, change record ids)."""
    with app.session() as session:
        readable = {}
        for snapshot in session.scalars(select(Snapshot)):
            try:
                stored_page(session, app.settings.data_dir, snapshot.id)
                readable[snapshot.id] = True
            except NotFoundError:
                readable[snapshot.id] = False
        deliveries = list(session.scalars(select(AlertDelivery.id).order_by(AlertDelivery.id)))
        records = list(session.scalars(select(ChangeRecord.id).order_by(ChangeRecord.id)))
        return readable, deliveries, records


def test_prune_removes_old_pages_and_sent_rows_only(zonewatch: Run, app: App, world: World) -> None:
    result = zonewatch("prune", "--older-than", "90d")

    first, second, third = world.snapshots
    readable, deliveries, records = state(app)
    assert readable == {first: False, second: True, third: True}
    assert deliveries == [world.waiting]
    assert records == list(world.records)
    assert "removed 1 raw snapshots" in result.stdout
    assert "(1 files," in result.stdout
    assert "removed 1 delivered alert rows" in result.stdout
    with app.session() as session, pytest.raises(NotFoundError, match="removed by retention"):
        stored_page(session, app.settings.data_dir, first)
    again = zonewatch("prune", "--older-than", "90d")
    assert "removed 0 raw snapshots" in again.stdout


def test_nothing_is_younger_than_the_cutoff(zonewatch: Run, app: App, world: World) -> None:
    zonewatch("prune", "--older-than", "365d")

    assert state(app) == (
        dict.fromkeys(world.snapshots, True),
        [world.sent, world.waiting],
        list(world.records),
    )


def test_dry_run_says_what_would_go_and_removes_nothing(
    zonewatch: Run, app: App, world: World
) -> None:
    before = state(app)

    result = zonewatch("prune", "--older-than", "90d", "--dry-run")

    assert state(app) == before
    assert "would remove 1 raw snapshots" in result.stdout
    assert "would remove 1 delivered alert rows" in result.stdout
    assert "nothing was removed" in result.stdout


def test_the_settings_give_each_kind_its_own_retention(
    zonewatch: Run, app: App, world: World
) -> None:
    result = zonewatch("prune", env={"ZONEWATCH_DELIVERED_ALERT_RETENTION_DAYS": "30"})

    _, deliveries, _ = state(app)
    assert deliveries == [world.waiting]
    assert "raw snapshots" not in result.stdout  # no snapshot retention set: all kept
    assert state(app)[0] == dict.fromkeys(world.snapshots, True)


@pytest.mark.parametrize("duration", ["90", "ninety days", "90x", "0d", "-5d"])
def test_a_bad_duration_is_one_line_and_exit_2(zonewatch: Run, duration: str) -> None:
    result = zonewatch("prune", "--older-than", duration, check=False)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --older-than")


def test_without_a_duration_or_a_setting_nothing_is_pruned(zonewatch: Run) -> None:
    result = zonewatch("prune", check=False)

    assert result.returncode == 2
    assert result.stderr.startswith("error: nothing to prune")
