"""Which crawls are due: cron times, jitter, claiming each due crawl once, the beat's lease."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.config.cron import next_cron_time
from zonewatch.config.sources import Schedule
from zonewatch.models import CrawlRun, SchedulerLease, Source
from zonewatch.workers.scheduling import (
    DISPATCH_LEASE,
    acquire_lease,
    claim_due_crawls,
    next_run,
)

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 2026-03-02 10:00 in Seoul


def kst(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)


def spec(source_id: str, **schedule: str) -> dict[str, Any]:
    return {
        "id": source_id,
        "name": f"Source {source_id}",
        "owner": "motie",
        "language": "ko",
        "kind": "feed",
        "url": f"https://{source_id}.go.kr/rss",
        "schedule": schedule or {"every": "1h", "jitter": "5m"},
    }


def add_source(
    session: Session, source_id: str, next_run_at: dt.datetime | None, **fields: Any
) -> Source:
    schedule = fields.pop("schedule", {})
    return factories.source(
        session,
        source_id,
        kind="feed",
        spec=spec(source_id, **schedule),
        next_run_at=next_run_at,
        **fields,
    )


def runs_of(session: Session, source_id: str) -> list[CrawlRun]:
    return list(
        session.scalars(
            select(CrawlRun).where(CrawlRun.source_id == source_id).order_by(CrawlRun.id)
        )
    )


def next_run_at(session: Session, source_id: str) -> dt.datetime | None:
    session.expire_all()
    source = session.get(Source, source_id)
    assert source is not None
    return source.next_run_at


# --- next_cron_time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # every three hours on the hour
        ("0 */3 * * *", kst(2026, 3, 2, 1, 10), kst(2026, 3, 2, 3, 0)),
        ("0 */3 * * *", kst(2026, 3, 2, 2, 59, 59), kst(2026, 3, 2, 3, 0)),
        # strictly after: a matching minute is not its own successor
        ("0 */3 * * *", kst(2026, 3, 2, 3, 0), kst(2026, 3, 2, 6, 0)),
        ("0 */3 * * *", kst(2026, 3, 2, 3, 0, 30), kst(2026, 3, 2, 6, 0)),
        # day, month and year roll over
        ("0 */3 * * *", kst(2026, 3, 2, 22, 30), kst(2026, 3, 3, 0, 0)),
        ("0 */3 * * *", kst(2026, 3, 31, 21, 1), kst(2026, 4, 1, 0, 0)),
        ("0 */3 * * *", kst(2026, 12, 31, 23, 59, 30), kst(2027, 1, 1, 0, 0)),
        # Mondays at 08:30 in Seoul (2026-03-02 is a Monday)
        ("30 8 * * 1", kst(2026, 3, 2, 8, 29), kst(2026, 3, 2, 8, 30)),
        ("30 8 * * 1", kst(2026, 3, 2, 8, 30), kst(2026, 3, 9, 8, 30)),
        ("30 8 * * 1", kst(2026, 3, 1, 23, 0), kst(2026, 3, 2, 8, 30)),
        ("30 8 * * 1", kst(2026, 12, 29, 0, 0), kst(2027, 1, 4, 8, 30)),
        # Sunday is 0
        ("0 6 * * 0", kst(2026, 3, 2, 0, 0), kst(2026, 3, 8, 6, 0)),
        # several minutes and hours, weekdays only
        ("15,45 9-10 * * 1-5", kst(2026, 3, 6, 10, 45), kst(2026, 3, 9, 9, 15)),
        ("15,45 9-10 * * 1-5", kst(2026, 3, 6, 9, 20), kst(2026, 3, 6, 9, 45)),
        # day of month: April has no 31st, and 29 February waits for a leap year
        ("0 9 31 * *", kst(2026, 4, 1, 0, 0), kst(2026, 5, 31, 9, 0)),
        ("0 0 29 2 *", kst(2026, 3, 1, 0, 0), kst(2028, 2, 29, 0, 0)),
        ("0 0 1 1 *", kst(2026, 1, 1, 0, 0), kst(2027, 1, 1, 0, 0)),
    ],
)
def test_next_cron_time(expression: str, after: dt.datetime, expected: dt.datetime) -> None:
    found = next_cron_time(expression, after, SEOUL)
    assert found == expected
    assert found.utcoffset() == dt.timedelta(hours=9)  # given in the schedule's time zone


def test_next_cron_time_reads_the_line_in_the_given_time_zone() -> None:
    # 23:30 UTC on Sunday is 08:30 on Monday in Seoul: the next Monday 08:30 KST is a week on.
    after = dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert next_cron_time("30 8 * * 1", after, SEOUL) == kst(2026, 3, 9, 8, 30)
    # One minute earlier it is this very Monday's 08:30 KST (Sunday 23:30 UTC).
    assert next_cron_time("30 8 * * 1", after - dt.timedelta(minutes=1), SEOUL) == after
    # The same line in UTC means 08:30 UTC.
    assert next_cron_time("30 8 * * 1", after, ZoneInfo("UTC")) == dt.datetime(
        2026, 3, 2, 8, 30, tzinfo=UTC
    )


# --- next_run and jitter ----------------------------------------------------------------------


def test_next_run_adds_jitter_to_an_interval_within_bounds() -> None:
    schedule = Schedule(every="1h", jitter="5m")
    rng = random.Random(1234)
    times = [next_run(schedule, NOW, SEOUL, rng) for _ in range(200)]
    earliest, latest = NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=1, minutes=5)
    assert all(earliest <= moment <= latest for moment in times)
    assert all(moment.tzinfo == UTC for moment in times)
    spread = max(times) - min(times)
    assert spread > dt.timedelta(minutes=4)  # the jitter is really used, not a constant offset
    # Seeded: the same random state gives the same times.
    assert next_run(schedule, NOW, SEOUL, random.Random(1234)) == times[0]


def test_next_run_adds_jitter_to_a_cron_time() -> None:
    schedule = Schedule(cron="30 8 * * 1", jitter="10m")
    base = kst(2026, 3, 9, 8, 30)
    rng = random.Random(7)
    times = [next_run(schedule, NOW, SEOUL, rng) for _ in range(100)]
    assert all(base <= moment <= base + dt.timedelta(minutes=10) for moment in times)
    assert len(set(times)) > 90


def test_next_run_without_jitter_is_exact() -> None:
    schedule = Schedule(every="6h", jitter="0s")
    assert next_run(schedule, NOW, SEOUL, random.Random(1)) == NOW + dt.timedelta(hours=6)


@pytest.mark.parametrize("line", ["0 25 * * *", "61 * * * *", "0 0 * * 7", "0 0 31 2 *"])
def test_a_cron_line_the_scheduler_cannot_use_is_refused_with_the_configuration(line: str) -> None:
    """Configuration validation must refuse what ``next_cron_time`` cannot compute, or the
    mistake only shows when the beat dispatches (see the test below)."""
    with pytest.raises(ValueError, match=r"never matches|Invalid"):
        next_cron_time(line, NOW, SEOUL)
    with pytest.raises(ValidationError):
        Schedule(cron=line)


# --- claim_due_crawls -------------------------------------------------------------------------


def test_claim_due_crawls_queues_one_run_per_due_source(db_session: Session) -> None:
    hour_ago = NOW - dt.timedelta(hours=1)
    add_source(db_session, "due-a", hour_ago)
    add_source(db_session, "due-b", NOW)  # due exactly now
    add_source(db_session, "later", NOW + dt.timedelta(seconds=1))
    add_source(db_session, "paused", hour_ago, paused=True)
    add_source(db_session, "disabled", hour_ago, enabled=False)

    dispatches = claim_due_crawls(db_session, NOW, SEOUL, random.Random(3))

    assert sorted(d.source_id for d in dispatches) == ["due-a", "due-b"]
    for dispatch in dispatches:
        (run,) = runs_of(db_session, dispatch.source_id)
        assert run.id == dispatch.run_id
        assert (run.status, run.trigger, run.queued_at) == ("queued", "schedule", NOW)
        moved = next_run_at(db_session, dispatch.source_id)
        assert moved is not None
        assert NOW + dt.timedelta(hours=1) <= moved <= NOW + dt.timedelta(hours=1, minutes=5)
    for untouched, previous in [
        ("later", NOW + dt.timedelta(seconds=1)),
        ("paused", hour_ago),
        ("disabled", hour_ago),
    ]:
        assert runs_of(db_session, untouched) == []
        assert next_run_at(db_session, untouched) == previous


def test_a_second_claim_at_the_same_time_claims_nothing(db_session: Session) -> None:
    add_source(db_session, "due-a", NOW - dt.timedelta(minutes=1))
    add_source(db_session, "due-b", NOW - dt.timedelta(days=3))  # long overdue: still one run

    first = claim_due_crawls(db_session, NOW, SEOUL, random.Random(1))
    moved = {d.source_id: next_run_at(db_session, d.source_id) for d in first}
    second = claim_due_crawls(db_session, NOW, SEOUL, random.Random(2))

    assert len(first) == 2
    assert second == []
    assert len(db_session.scalars(select(CrawlRun)).all()) == 2
    assert {s: next_run_at(db_session, s) for s in moved} == moved

    # Once the new time comes, the source is due again: one more run.
    later = max(moment for moment in moved.values() if moment is not None)
    third = claim_due_crawls(db_session, later, SEOUL, random.Random(3))
    assert sorted(d.source_id for d in third) == ["due-a", "due-b"]
    assert len(db_session.scalars(select(CrawlRun)).all()) == 4


def test_a_source_seen_first_is_spread_over_its_jitter(db_session: Session) -> None:
    add_source(db_session, "new-feed", None, schedule={"every": "1h", "jitter": "10m"})

    dispatches = claim_due_crawls(db_session, NOW, SEOUL, random.Random(5))

    # Not crawled at once (a restart must not fire every source together) ...
    assert dispatches == []
    assert runs_of(db_session, "new-feed") == []
    first = next_run_at(db_session, "new-feed")
    assert first is not None
    assert NOW < first <= NOW + dt.timedelta(minutes=10)
    # ... but when its time comes, exactly once.
    assert claim_due_crawls(db_session, first - dt.timedelta(seconds=1), SEOUL) == []
    (dispatch,) = claim_due_crawls(db_session, first, SEOUL, random.Random(6))
    assert dispatch.source_id == "new-feed"
    assert claim_due_crawls(db_session, first, SEOUL, random.Random(7)) == []


def test_a_source_seen_first_without_jitter_is_crawled_at_once(db_session: Session) -> None:
    add_source(db_session, "eager", None, schedule={"every": "1h", "jitter": "0s"})
    (dispatch,) = claim_due_crawls(db_session, NOW, SEOUL, random.Random(1))
    assert dispatch.source_id == "eager"
    assert next_run_at(db_session, "eager") == NOW


def test_a_cron_source_moves_to_its_next_cron_time(db_session: Session) -> None:
    add_source(
        db_session,
        "weekly",
        NOW - dt.timedelta(minutes=2),
        schedule={"cron": "30 8 * * 1", "jitter": "5m"},
    )
    (dispatch,) = claim_due_crawls(db_session, NOW, SEOUL, random.Random(1))
    moved = next_run_at(db_session, dispatch.source_id)
    assert moved is not None
    assert kst(2026, 3, 9, 8, 30) <= moved <= kst(2026, 3, 9, 8, 35)


def test_one_bad_schedule_does_not_stop_every_other_dispatch(db_session: Session) -> None:
    """A schedule that passes validation but that crontab rejects ('7' for Sunday is common
    cron) must not make every beat tick fail for all sources."""
    add_source(db_session, "good", NOW - dt.timedelta(minutes=1))
    factories.source(
        db_session,
        "bad-cron",
        kind="feed",
        spec=spec("bad-cron", cron="0 6 * * 7"),  # accepted by Schedule today
        next_run_at=NOW - dt.timedelta(minutes=1),
    )
    dispatches = claim_due_crawls(db_session, NOW, SEOUL, random.Random(1))
    assert [d.source_id for d in dispatches] == ["good"]


# --- the lease ------------------------------------------------------------------------------


def test_a_second_holder_is_refused_while_the_lease_is_valid(db_session: Session) -> None:
    ttl = dt.timedelta(minutes=2)
    minute = dt.timedelta(minutes=1)

    assert acquire_lease(db_session, DISPATCH_LEASE, "beat-a", NOW, ttl)
    assert not acquire_lease(db_session, DISPATCH_LEASE, "beat-b", NOW, ttl)
    assert not acquire_lease(db_session, DISPATCH_LEASE, "beat-b", NOW + minute, ttl)
    # The holder renews it ...
    assert acquire_lease(db_session, DISPATCH_LEASE, "beat-a", NOW + minute, ttl)
    # ... so it is still refused where the first lease would have run out.
    assert not acquire_lease(
        db_session, DISPATCH_LEASE, "beat-b", NOW + 2 * minute + minute / 2, ttl
    )
    # At the very moment it expires it is still held (expires_at < now), a second later not.
    renewed_until = NOW + minute + ttl
    assert not acquire_lease(db_session, DISPATCH_LEASE, "beat-b", renewed_until, ttl)
    later = renewed_until + dt.timedelta(seconds=1)
    assert acquire_lease(db_session, DISPATCH_LEASE, "beat-b", later, ttl)
    assert not acquire_lease(db_session, DISPATCH_LEASE, "beat-a", later, ttl)

    db_session.expire_all()
    lease = db_session.get(SchedulerLease, DISPATCH_LEASE)
    assert lease is not None
    assert (lease.holder, lease.expires_at) == ("beat-b", later + ttl)


def test_leases_are_independent_by_name(db_session: Session) -> None:
    ttl = dt.timedelta(minutes=2)
    assert acquire_lease(db_session, "one", "beat-a", NOW, ttl)
    assert acquire_lease(db_session, "two", "beat-b", NOW, ttl)
    assert not acquire_lease(db_session, "one", "beat-b", NOW, ttl)
