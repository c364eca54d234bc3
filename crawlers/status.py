"""How each source is doing, for operators: last and next run, streaks, items, durations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.errors import NotFoundError
from zonewatch.models import CrawlRun, Source

RECENT_RUNS = 20
SUCCESS = ("ok",)
FINISHED = ("ok", "partial", "failed")


def set_paused(session: Session, source_id: str, paused: bool) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    source.paused = paused
    session.flush()
    return source


def source_status(session: Session, source: Source) -> dict[str, Any]:
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
    slow = bool(last and mean and last.duration_seconds and last.duration_seconds > 3 * mean)
    return {
        "id": source.id,
        "state": "paused" if source.paused else ("disabled" if not source.enabled else "active"),
        "health": "slow" if slow and source.health == "healthy" else source.health,
        "reason": source.health_reason,
        "last_run": last.finished_at.isoformat() if last and last.finished_at else None,
        "last_status": last.status if last else None,
        "next_run": source.next_run_at.isoformat() if source.next_run_at else None,
        "streak": f"{streak} {streak_kind}" if streak_kind else None,
        "items_found": last.items_found if last else None,
        "mean_duration_seconds": round(mean, 1) if mean is not None else None,
    }


def all_statuses(session: Session) -> list[dict[str, Any]]:
    return [
        source_status(session, source)
        for source in session.scalars(select(Source).order_by(Source.id))
    ]
