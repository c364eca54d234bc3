"""Which crawls are due, and dispatching each exactly once.

Every source has its own schedule (an interval or a cron line) plus random jitter, so that a
restart does not fire every source at once. The beat dispatches due crawls from the database
under a lease, and each dispatch is a compare-and-set on the source's ``next_run_at``: even two
beats started by mistake cannot queue the same crawl twice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import CursorResult, Result, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zonewatch.config.cron import next_cron_time
from zonewatch.config.sources import Schedule, SourceSpec
from zonewatch.models import CrawlRun, SchedulerLease, Source
from zonewatch.models.enums import CrawlRunStatus, RunTrigger, SourceHealth

DISPATCH_LEASE = "crawl-dispatch"


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE changed (the compare-and-set answer)."""
    return int(cast(CursorResult[Any], result).rowcount)


def next_run(
    schedule: Schedule, after: dt.datetime, tz: ZoneInfo, rng: random.Random
) -> dt.datetime:
    """When a source runs next: its interval or cron time, plus up to ``jitter`` at random."""
    base = (
        after + schedule.interval
        if schedule.interval
        else next_cron_time(schedule.cron or "", after, tz)
    )
    jitter = schedule.jitter_delta.total_seconds()
    return (base + dt.timedelta(seconds=rng.uniform(0, jitter))).astimezone(dt.UTC)


def acquire_lease(
    session: Session, name: str, holder: str, now: dt.datetime, ttl: dt.timedelta
) -> bool:
    """Take or renew the named lease; False while another holder's lease is still valid."""
    taken = rowcount(
        session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name)
            .where(or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        )
    )
    if taken:
        return True
    if session.get(SchedulerLease, name) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SchedulerLease(name=name, holder=holder, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class Dispatch:
    source_id: str
    run_id: int


def claim_due_crawls(
    session: Session, now: dt.datetime, tz: ZoneInfo, rng: random.Random | None = None
) -> list[Dispatch]:
    """Create a queued run for every due source, moving its next_run_at on atomically."""
    rng = rng or random.Random()
    due = session.execute(
        select(Source.id, Source.next_run_at, Source.spec)
        .where(Source.enabled.is_(True), Source.paused.is_(False))
        .where(or_(Source.next_run_at.is_(None), Source.next_run_at <= now))
        .order_by(Source.next_run_at.is_(None).desc(), Source.next_run_at, Source.id)
    ).all()
    dispatches = []
    for source_id, previous, spec in due:
        try:
            schedule = SourceSpec.model_validate(spec).schedule
            following = _following(schedule, previous, now, tz, rng)
        except (ValueError, ValidationError) as exc:
            # One bad schedule must not stop every other source's crawls.
            _mark_unschedulable(session, source_id, exc)
            continue
        condition = (
            Source.next_run_at.is_(None) if previous is None else Source.next_run_at == previous
        )
        moved = rowcount(
            session.execute(
                update(Source)
                .where(Source.id == source_id, condition)
                .values(next_run_at=following)
            )
        )
        if not moved:
            continue  # another dispatcher got there first
        if previous is None and following > now:
            continue
        run = CrawlRun(
            source_id=source_id,
            trigger=RunTrigger.SCHEDULE,
            status=CrawlRunStatus.QUEUED,
            queued_at=now,
        )
        session.add(run)
        session.flush()
        dispatches.append(Dispatch(source_id, run.id))
    return dispatches


def _following(
    schedule: Schedule,
    previous: dt.datetime | None,
    now: dt.datetime,
    tz: ZoneInfo,
    rng: random.Random,
) -> dt.datetime:
    if previous is None:
        # First sight (or a restart): spread sources over their jitter instead of all now.
        return now + dt.timedelta(seconds=rng.uniform(0, schedule.jitter_delta.total_seconds()))
    return next_run(schedule, now, tz, rng)


def _mark_unschedulable(session: Session, source_id: str, exc: Exception) -> None:
    reason = f"schedule cannot be computed: {str(exc).splitlines()[0]}"
    session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(health=SourceHealth.BROKEN, health_reason=reason)
    )
