"""Retention: old raw page bodies and delivered outbox rows go; what anything still needs stays.

What may go:

- a raw snapshot's body (its gzip file) once the snapshot is older than the cut-off. The row
  stays, marked ``pruned_at``: its sha256 is what tells a re-extraction from a changed page,
  and the stored-page view says the page was removed rather than lost. A file shared by a
  snapshot that is kept stays, and so does one a crawl reused after the cut-off (its file time
  is its last use) whose row ingest has not written yet.
- an outbox row delivered (``sent``) before the cut-off. Its mail has gone; the row only kept
  the same event from being sent twice, which a match re-run months later is not.

What never goes: change records, versions, the page of a document's current version, the pages
of the versions an undelivered alert shows (every record of its event), undelivered rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from zonewatch.crawlers.snapshots import stored_path
from zonewatch.models.alerts import AlertDelivery
from zonewatch.models.base import utcnow
from zonewatch.models.changes import ChangeRecord
from zonewatch.models.documents import Document, DocumentVersion, Snapshot

DELIVERED = "sent"
CHUNK = 500
"""Ids per ``IN (...)``: well under SQLite's bound-parameter limit."""
T = TypeVar("T")


@dataclass(frozen=True)
class Cutoffs:
    """What is old enough to go, per kind; None keeps that kind whatever its age."""

    snapshots: dt.datetime | None
    deliveries: dt.datetime | None


@dataclass(frozen=True)
class PrunePlan:
    snapshot_ids: tuple[int, ...]
    files: tuple[Path, ...]
    file_bytes: int
    deliveries: int


def plan_prune(session: Session, data_dir: Path, cutoffs: Cutoffs) -> PrunePlan:
    """What :func:`prune` removes at these cut-offs, changing nothing (``--dry-run``)."""
    snapshot_ids: tuple[int, ...] = ()
    files: tuple[Path, ...] = ()
    if cutoffs.snapshots is not None:
        snapshot_ids = tuple(session.scalars(_old_snapshots(cutoffs.snapshots)))
        files = tuple(_unshared_files(session, data_dir, snapshot_ids, cutoffs.snapshots))
    deliveries = 0
    if cutoffs.deliveries is not None:
        deliveries = (
            session.scalar(
                select(func.count())
                .select_from(AlertDelivery)
                .where(_delivered(cutoffs.deliveries))
            )
            or 0
        )
    size = sum(path.stat().st_size for path in files)
    return PrunePlan(snapshot_ids, files, size, deliveries)


def prune(session: Session, data_dir: Path, cutoffs: Cutoffs) -> PrunePlan:
    """Remove what :func:`plan_prune` names: rows in the session's transaction, then (after
    the commit, so a rolled back prune never leaves a kept row without its file) the files."""
    plan = plan_prune(session, data_dir, cutoffs)
    now = utcnow()
    for chunk in _chunks(plan.snapshot_ids):
        session.execute(update(Snapshot).where(Snapshot.id.in_(chunk)).values(pruned_at=now))
    if cutoffs.deliveries is not None:
        session.execute(delete(AlertDelivery).where(_delivered(cutoffs.deliveries)))
    session.commit()
    for path in plan.files:
        path.unlink(missing_ok=True)
    return plan


def _old_snapshots(cutoff: dt.datetime) -> Select[tuple[int]]:
    return (
        select(Snapshot.id)
        .where(
            Snapshot.pruned_at.is_(None),
            Snapshot.fetched_at < cutoff,
            Snapshot.id.not_in(_needed_snapshots()),
        )
        .order_by(Snapshot.id)
    )


def _needed_snapshots() -> CompoundSelect[tuple[int | None]]:
    """Snapshots of current versions and of the versions an undelivered alert shows."""
    current = (
        select(DocumentVersion.snapshot_id)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(DocumentVersion.snapshot_id.is_not(None))
    )
    waiting = AlertDelivery.status != DELIVERED
    alerted = select(ChangeRecord.old_version_id, ChangeRecord.new_version_id).where(
        or_(
            ChangeRecord.id.in_(select(AlertDelivery.change_id).where(waiting)),
            ChangeRecord.event_key.in_(select(AlertDelivery.event_key).where(waiting)),
        )
    )
    shown = alerted.subquery()
    versions = select(DocumentVersion.snapshot_id).where(
        DocumentVersion.snapshot_id.is_not(None),
        or_(
            DocumentVersion.id.in_(select(shown.c.old_version_id)),
            DocumentVersion.id.in_(select(shown.c.new_version_id)),
        ),
    )
    return current.union(versions)


def _unshared_files(
    session: Session, data_dir: Path, snapshot_ids: tuple[int, ...], cutoff: dt.datetime
) -> list[Path]:
    """The files of the pruned snapshots that no kept snapshot shows and no crawl reused since
    the cut-off (see the module docstring)."""
    pruned = set(snapshot_ids)
    bodies: dict[str, str] = {}
    for chunk in _chunks(snapshot_ids):
        bodies.update(
            session.execute(select(Snapshot.sha256, Snapshot.path).where(Snapshot.id.in_(chunk)))
            .tuples()
            .all()
        )
    kept: set[str] = set()
    for shas in _chunks(tuple(bodies)):
        rows = session.execute(
            select(Snapshot.id, Snapshot.sha256).where(
                Snapshot.sha256.in_(shas), Snapshot.pruned_at.is_(None)
            )
        ).tuples()
        kept.update(sha for snapshot_id, sha in rows if snapshot_id not in pruned)
    files = []
    for sha, relative in sorted(bodies.items()):
        path = stored_path(data_dir, relative)
        if sha in kept or path is None or not path.is_file():
            continue
        if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) < cutoff:
            files.append(path)
    return files


def _delivered(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(
        AlertDelivery.status == DELIVERED,
        func.coalesce(AlertDelivery.sent_at, AlertDelivery.created_at) < cutoff,
    )


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
