"""Retention removes a page's file only when no kept snapshot shows it and no crawl reused it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.models import Document, Snapshot
from zonewatch.models.retention import Cutoffs, plan_prune, prune

NOW = dt.datetime.now(dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=200)
CUTOFF = Cutoffs(snapshots=NOW - dt.timedelta(days=90), deliveries=None)


def snapshot(
    session: Session, data_dir: Path, document: Document, body: bytes, fetched: dt.datetime
) -> Snapshot:
    digest, relative = store_snapshot(data_dir, body)
    row = Snapshot(
        document_id=document.id,
        fetched_at=fetched,
        url=document.url,
        http_status=200,
        sha256=digest,
        size=len(body),
        path=relative,
    )
    session.add(row)
    session.flush()
    return row


def age(data_dir: Path, row: Snapshot) -> Path:
    path = data_dir / row.path
    os.utime(path, (LONG_AGO.timestamp(), LONG_AGO.timestamp()))
    return path


def documents(session: Session) -> tuple[Document, Document]:
    factories.source(session, "board-a")
    pair = (
        Document(source_id="board-a", external_id="1", url="https://x.kr/1"),
        Document(source_id="board-a", external_id="2", url="https://x.kr/2"),
    )
    session.add_all(pair)
    session.flush()
    return pair


def test_a_file_a_kept_snapshot_shares_stays(db_session: Session, tmp_path: Path) -> None:
    first, second = documents(db_session)
    old = snapshot(db_session, tmp_path, first, b"<p>same page</p>", LONG_AGO)
    recent = snapshot(db_session, tmp_path, second, b"<p>same page</p>", NOW)
    path = age(tmp_path, old)

    plan = prune(db_session, tmp_path, CUTOFF)

    assert (plan.snapshot_ids, plan.files) == ((old.id,), ())
    assert path.is_file()
    db_session.refresh(old)
    db_session.refresh(recent)
    assert (old.pruned_at is not None, recent.pruned_at) == (True, None)


def test_a_file_a_crawl_reused_since_the_cutoff_stays(db_session: Session, tmp_path: Path) -> None:
    """The crawl stored the same page again (ingest has not written its row yet)."""
    first, _ = documents(db_session)
    old = snapshot(db_session, tmp_path, first, b"<p>page</p>", LONG_AGO)
    path = age(tmp_path, old)
    store_snapshot(tmp_path, b"<p>page</p>")

    assert plan_prune(db_session, tmp_path, CUTOFF).files == ()
    age(tmp_path, old)
    assert plan_prune(db_session, tmp_path, CUTOFF).files == (path.resolve(),)


def test_a_plan_changes_nothing(db_session: Session, tmp_path: Path) -> None:
    first, _ = documents(db_session)
    old = snapshot(db_session, tmp_path, first, b"<p>page</p>", LONG_AGO)
    path = age(tmp_path, old)
    db_session.commit()

    plan = plan_prune(db_session, tmp_path, CUTOFF)
    db_session.commit()

    assert (plan.snapshot_ids, plan.file_bytes) == ((old.id,), path.stat().st_size)
    db_session.refresh(old)
    assert old.pruned_at is None
    assert path.is_file()
