"""Close a crawl run: its status, its counts, and what it says about the source's health.

A source whose selectors match nothing, or that returns no items where it used to return some,
is marked broken for operators instead of looking like a quiet news day; one whose crawl took
far longer than it usually does, or than its schedule allows, is marked slow.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.config.sources import SLOW_RULE, Schedule, SlowRule
from zonewatch.crawlers.run_errors import BROKEN_KINDS, QUIET_KINDS, RunError, RunErrorKind
from zonewatch.models import CrawlRun, FetchedItem, Source
from zonewatch.models.enums import CrawlRunStatus, IngestOutcome
from zonewatch.models.enums import SourceHealth as SourceHealth

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
    run.items_new = counts[IngestOutcome.NEW]
    run.items_changed = sum(
        counts[outcome]
        for outcome in (IngestOutcome.CHANGED, IngestOutcome.TECHNICAL, IngestOutcome.GONE)
    )
    run.items_unchanged = sum(
        counts[outcome]
        for outcome in (IngestOutcome.UNCHANGED, IngestOutcome.SEEN, IngestOutcome.NOT_MODIFIED)
    )
    run.stats = {**run.stats, "ingest": dict(counts)}
    if run.status != CrawlRunStatus.SKIPPED:
        run.status = run_status(run)
    source = session.get(Source, run.source_id)
    assert source is not None
    source.health, source.health_reason = source_health(session, source, run)
    session.flush()
    return run


def run_status(run: CrawlRun) -> CrawlRunStatus:
    kinds = {error.get("kind") for error in run.errors}
    if RunErrorKind.ABANDONED in kinds:
        return CrawlRunStatus.FAILED  # nobody knows what the lost process did not get to
    if run.error_count == 0 or kinds <= QUIET_KINDS:
        return CrawlRunStatus.OK
    found_something = run.items_found > 0 or run.items_new or run.items_unchanged
    return CrawlRunStatus.PARTIAL if found_something else CrawlRunStatus.FAILED


def source_health(
    session: Session, source: Source, run: CrawlRun
) -> tuple[SourceHealth, str | None]:
    if run.status == CrawlRunStatus.SKIPPED:
        return SourceHealth.SKIPPED, run.errors[0]["message"] if run.errors else None
    for error in run.errors:
        if error.get("kind") in BROKEN_KINDS:
            return SourceHealth.BROKEN, error["message"]
    if run.items_found == 0 and not run.stats.get("zonewatch/feed_not_modified"):
        earlier = session.scalars(
            select(CrawlRun.items_found)
            .where(CrawlRun.source_id == source.id, CrawlRun.id < run.id)
            .where(CrawlRun.status.in_((CrawlRunStatus.OK, CrawlRunStatus.PARTIAL)))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        if earlier:
            return SourceHealth.BROKEN, f"no items found where the last run found {earlier}"
    if run.status == CrawlRunStatus.FAILED:
        first = run.errors[0]["message"] if run.errors else "crawl failed"
        return SourceHealth.FAILING, first
    if run.status == CrawlRunStatus.PARTIAL:
        return SourceHealth.DEGRADED, f"{run.error_count} errors in the last run"
    slow = slow_reason(session, source, run)
    if slow is not None:
        return SourceHealth.SLOW, slow
    return SourceHealth.HEALTHY, None


def slow_reason(
    session: Session, source: Source, run: CrawlRun, rule: SlowRule = SLOW_RULE
) -> str | None:
    """Why ``run`` was slow for its source (see :class:`SlowRule`), or None."""
    took = run.duration_seconds
    if took is None:
        return None
    budget = _budget(source)
    if budget is not None and took > budget.total_seconds():
        return f"took {_minutes(took)}, over its budget of {_minutes(budget.total_seconds())}"
    earlier = [
        earlier_run.duration_seconds
        for earlier_run in session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source.id, CrawlRun.id < run.id)
            .where(CrawlRun.status == CrawlRunStatus.OK, CrawlRun.finished_at.is_not(None))
            .order_by(CrawlRun.id.desc())
            .limit(rule.history)
        )
    ]
    durations = [seconds for seconds in earlier if seconds is not None]
    if len(durations) < rule.min_history:
        return None
    usual = statistics.median(durations)
    if took > usual * rule.factor and took - usual >= rule.margin.total_seconds():
        return (
            f"took {_minutes(took)}, {took / max(usual, 1):.0f}× its usual {_minutes(usual)} "
            f"(median of its last {len(durations)} successful crawls)"
        )
    return None


def _budget(source: Source) -> dt.timedelta | None:
    """The budget of the schedule the source was crawled with. A schedule that no longer
    validates is one the scheduler cannot use either: it marks the source broken itself."""
    try:
        return Schedule.model_validate(source.spec.get("schedule")).budget_delta
    except ValidationError:
        return None


def _minutes(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


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
        .where(CrawlRun.status == CrawlRunStatus.RUNNING, CrawlRun.finished_at.is_(None))
        .where(last_sign < cutoff)
        .order_by(CrawlRun.id)
        .with_for_update()
    )
    if source_id is not None:
        query = query.where(CrawlRun.source_id == source_id)
    abandoned = []
    for run in session.scalars(query).all():
        run.errors = [*run.errors, _abandoned_error(run).as_json()]
        run.error_count = len(run.errors)
        run.finished_at = now
        finalize_run(session, run.id)
        abandoned.append(run.id)
    return abandoned


def _abandoned_error(run: CrawlRun) -> RunError:
    last = run.heartbeat_at or run.started_at or run.queued_at
    where = f"pid {run.child_pid} on {run.child_host}" if run.child_pid else "never started"
    return RunError(
        RunErrorKind.ABANDONED,
        f"crawl abandoned: its process ({where}) has given no sign of life "
        f"since {last.isoformat()}",
    )
