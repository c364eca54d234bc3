"""A source is slow when its crawl takes far longer than it usually does, or than its
schedule's budget; a few seconds more on a short crawl is not news."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.config.sources import load_sources
from zonewatch.crawlers.health import SourceHealth, finalize_run, slow_reason
from zonewatch.models import CrawlRun, Source
from zonewatch.models.base import utcnow

START = utcnow() - dt.timedelta(days=2)
NUMBERS = itertools.count(1)


def board(session: Session, every: str = "6h", **schedule: str) -> Source:
    """A source stored as `zonewatch init` stores one: its whole entry, with this schedule."""
    source_id = f"slow-{next(NUMBERS)}"
    entry = load_sources().by_id()["daegu-press"].model_dump(mode="json", exclude_none=True)
    spec = {**entry, "id": source_id, "schedule": {"every": every, **schedule}}
    return factories.source(session, source_id, spec=spec)


def finished(session: Session, source: Source, seconds: float, status: str = "ok") -> CrawlRun:
    number = session.query(CrawlRun).filter_by(source_id=source.id).count()
    started = START + dt.timedelta(hours=number)
    run = CrawlRun(
        source_id=source.id,
        status=status,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=seconds),
        items_found=5,
    )
    session.add(run)
    session.flush()
    return run


def test_a_crawl_far_above_its_usual_duration_is_slow(db_session: Session) -> None:
    source = board(db_session)
    for seconds in (40, 50, 45, 60, 42):
        finished(db_session, source, seconds)
    run = finished(db_session, source, 400, status="running")

    finalize_run(db_session, run.id)

    assert source.health == SourceHealth.SLOW
    assert source.health_reason == (
        "took 7 min, 9× its usual 45 s (median of its last 5 successful crawls)"
    )


@pytest.mark.parametrize(
    ("usual", "took", "slow"),
    [
        (10, 45, False),  # 4.5× but only 35 s more: not worth anyone's attention
        (10, 75, True),  # 7.5× and a minute more
        (100, 290, False),  # under 3×
        (100, 310, True),
    ],
)
def test_slow_needs_both_the_factor_and_the_margin(
    db_session: Session, usual: float, took: float, slow: bool
) -> None:
    source = board(db_session)
    for _ in range(3):
        finished(db_session, source, usual)
    run = finished(db_session, source, took)
    assert (slow_reason(db_session, source, run) is not None) is slow


def test_too_little_history_says_nothing_and_failed_runs_are_not_history(
    db_session: Session,
) -> None:
    source = board(db_session)
    finished(db_session, source, 10)
    finished(db_session, source, 10)
    finished(db_session, source, 1, status="failed")
    run = finished(db_session, source, 600)
    assert slow_reason(db_session, source, run) is None


def test_a_crawl_over_its_schedules_budget_is_slow_whatever_its_history(
    db_session: Session,
) -> None:
    every_hour = board(db_session, every="1h")  # budget: half the interval
    assert slow_reason(db_session, every_hour, finished(db_session, every_hour, 1700)) is None
    reason = slow_reason(db_session, every_hour, finished(db_session, every_hour, 1900))
    assert reason == "took 32 min, over its budget of 30 min"

    explicit = board(db_session, every="6h", budget="5m")
    assert slow_reason(db_session, explicit, finished(db_session, explicit, 301)) is not None


def test_errors_outrank_slowness(db_session: Session) -> None:
    source = board(db_session, every="1h")
    run = finished(db_session, source, 3000, status="running")
    run.errors = [{"kind": "fetch", "message": "HTTP 500 on one article", "url": None}]
    run.error_count = 1
    finalize_run(db_session, run.id)
    assert source.health == SourceHealth.DEGRADED
