"""How each source is doing, for operators: last and next run, streaks, items, durations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import CrawlRun, Source
from zonewatch.models.base import utcnow
from zonewatch.models.enums import CrawlRunStatus
from zonewatch.timefmt import KST, iso_local, local_minutes

RECENT_RUNS = 20
SUCCESS = (CrawlRunStatus.OK,)
FINISHED = (CrawlRunStatus.OK, CrawlRunStatus.PARTIAL, CrawlRunStatus.FAILED)


MAX_PAUSE_REASON = 500


def set_paused(
    session: Session,
    source_id: str,
    paused: bool,
    reason: str | None = None,
    by: str | None = None,
) -> Source:
    """Pause (with the reason other operators will read) or resume a source; resuming
    forgets the reason, so a stale one never explains a source that runs again."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    reason = " ".join((reason or "").split()) or None
    if reason is not None and len(reason) > MAX_PAUSE_REASON:
        raise InputError(f"pause reason longer than {MAX_PAUSE_REASON} characters")
    source.paused = paused
    source.pause_reason = reason if paused else None
    source.paused_by = by if paused else None
    source.paused_at = utcnow() if paused else None
    session.flush()
    return source


@dataclass(frozen=True)
class SourceStatus:
    """One source as operators see it; ``health`` is what its last finished run left (see
    :class:`~zonewatch.crawlers.health.SourceHealth`), ``state`` what the operator set."""

    id: str
    state: str
    health: str
    reason: str | None
    last_run: dt.datetime | None
    last_status: str | None
    next_run: dt.datetime | None
    streak: str | None
    items_found: int | None
    mean_duration_seconds: float | None
    pause_reason: str | None = None
    paused_by: str | None = None
    last_errors: int | None = None

    def as_json(self, tz: ZoneInfo = KST) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "health": self.health,
            "reason": self.reason,
            "last_run": iso_local(self.last_run, tz),
            "last_status": self.last_status,
            "next_run": iso_local(self.next_run, tz),
            "streak": self.streak,
            "items_found": self.items_found,
            "mean_duration_seconds": self.mean_duration_seconds,
            "pause_reason": self.pause_reason,
            "paused_by": self.paused_by,
            "last_errors": self.last_errors,
        }

    def when(self, tz: ZoneInfo = KST) -> tuple[str, str]:
        """Last and next run for a person: local time, to the minute."""
        return local_minutes(self.last_run, tz) or "-", local_minutes(self.next_run, tz) or "-"


def source_status(session: Session, source: Source) -> SourceStatus:
    runs = list(
        session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source.id, CrawlRun.status.in_(FINISHED))
            .order_by(CrawlRun.id.desc())
            .limit(RECENT_RUNS)
        )
    )
    streak_kind = None
    streak = 0
    for run in runs:
        kind = "success" if run.status in SUCCESS else "failure"
        if streak_kind in (None, kind):
            streak_kind, streak = kind, streak + 1
        else:
            break
    durations = [run.duration_seconds for run in runs if run.duration_seconds is not None]
    last = runs[0] if runs else None
    mean = sum(durations) / len(durations) if durations else None
    return SourceStatus(
        id=source.id,
        state="paused" if source.paused else ("disabled" if not source.enabled else "active"),
        health=source.health,
        reason=source.health_reason,
        last_run=last.finished_at if last else None,
        last_status=last.status if last else None,
        next_run=source.next_run_at,
        streak=f"{streak} {streak_kind}" if streak_kind else None,
        items_found=last.items_found if last else None,
        mean_duration_seconds=round(mean, 1) if mean is not None else None,
        pause_reason=source.pause_reason,
        paused_by=source.paused_by,
        last_errors=last.error_count if last else None,
    )


def all_statuses(session: Session) -> list[SourceStatus]:
    return [
        source_status(session, source)
        for source in session.scalars(select(Source).order_by(Source.id))
    ]


def source_as_json(source: Source) -> dict[str, object]:
    """A source as ``zonewatch sources list --json`` and the API show it."""
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "language": source.language,
        "owner": source.owner_id,
        "url": source.url,
        "enabled": source.enabled,
        "paused": source.paused,
        "health": source.health,
    }
