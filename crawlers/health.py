"""Close a crawl run: its status, its counts, and what it says about the source's health.

A source whose selectors match nothing, or that returns no items where it used to return some,
is marked broken for operators instead of looking like a quiet news day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.models import CrawlRun, FetchedItem, Source

BROKEN_KINDS = ("selector", "feed", "api")
HEARTBEAT_MISSES = 4
"""A crawl process that missed this many heartbeats in a row is taken for dead."""


def finalize_run(session: Session, run_id: int) -> CrawlRun:
    """Counts come from the run's staged items, so this can run again at any time."""
    run = session.get(CrawlRun, run_id)
    assert run is not None
    counts = Counter(
        session.scalars(
            select(FetchedItem.result).where(
                FetchedItem.run_id == run_id, FetchedItem.result.is_not(None)
            )
        )
    )
    run.items_new = counts["new"]
    run.items_changed = counts["changed"] + counts["technical"] + counts["gone"]
    run.items_unchanged = counts["unchanged"] + counts["seen"] + counts["not_modified"]
    run.stats = {**run.stats, "ingest": dict(counts)}
    if run.status != "skipped":
        run.status = run_status(run)
    source = session.get(Source, run.source_id)
    assert source is not None
    source.health, source.health_reason = source_health(session, source, run)
    session.flush()
    return run


def run_status(run: CrawlRun) -> str:
    kinds = {error.get("kind") for error in run.errors}
    if "abandoned" in kinds:
        return "failed"  # nobody knows what the lost process did not get to
    if run.error_count == 0 or kinds <= {"feed_warning", "attachment", "notice"}:
        return "ok"
    found_something = run.items_found > 0 or run.items_new or run.items_unchanged
    return "partial" if found_something else "failed"


def source_health(session: Session, source: Source, run: CrawlRun) -> tuple[str, str | None]:
    if run.status == "skipped":
        return "skipped", run.errors[0]["message"] if run.errors else None
    for error in run.errors:
        if error.get("kind") in BROKEN_KINDS:
            return "broken", error["message"]
    if run.items_found == 0 and not run.stats.get("zonewatch/feed_not_modified"):
        earlier = session.scalars(
            select(CrawlRun.items_found)
            .where(CrawlRun.source_id == source.id, CrawlRun.id < run.id)
            .where(CrawlRun.status.in_(("ok", "partial")))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        if earlier:
            return "broken", f"no items found where the last run found {earlier}"
    if run.status == "failed":
        first = run.errors[0]["message"] if run.errors else "crawl failed"
        return "failing", first
    if run.status == "partial":
        return "degraded", f"{run.error_count} errors in the last run"
    return "healthy", None


def abandon_stalled_runs(
    session: Session, now: dt.datetime, heartbeat_seconds: float, source_id: str | None = None
) -> list[int]:
    """Finalise, as failed, the runs whose crawl process died without anyone recording it.

    The parent records how its child ended; when the parent died too (``kill -9`` of
    ``zonewatch crawl``, a lost worker) the run would stay ``running`` for ever. Its crawl
    process beats every ``heartbeat_seconds`` from whichever machine it runs on, so a run
    still running whose last beat is older than a few beats has lost its process.
    """
    cutoff = now - dt.timedelta(seconds=heartbeat_seconds * HEARTBEAT_MISSES)
    last_sign = func.coalesce(CrawlRun.heartbeat_at, CrawlRun.started_at, CrawlRun.queued_at)
    query = (
        select(CrawlRun)
        .where(CrawlRun.status == "running", CrawlRun.finished_at.is_(None))
        .where(last_sign < cutoff)
        .order_by(CrawlRun.id)
        .with_for_update()
    )
    if source_id is not None:
        query = query.where(CrawlRun.source_id == source_id)
    abandoned = []
    for run in session.scalars(query).all():
        run.errors = [*run.errors, _abandoned_error(run)]
        run.error_count = len(run.errors)
        run.finished_at = now
        finalize_run(session, run.id)
        abandoned.append(run.id)
    return abandoned


def _abandoned_error(run: CrawlRun) -> dict[str, str | None]:
    last = run.heartbeat_at or run.started_at or run.queued_at
    where = f"pid {run.child_pid} on {run.child_host}" if run.child_pid else "never started"
    return {
        "kind": "abandoned",
        "message": f"crawl abandoned: its process ({where}) has given no sign of life "
        f"since {last.isoformat()}",
        "url": None,
    }
