"""Runs whose crawl process is gone without a word are finalised, never left running."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.crawlers.health import abandon_stalled_runs
from zonewatch.models import CrawlRun
from zonewatch.models.base import utcnow

BEAT = 15.0


def running(session: Session, silent_for: float, **fields: object) -> CrawlRun:
    source = factories.source(session, f"s-{utcnow().timestamp()}")
    run = factories.crawl_run(session, source)
    run.started_at = utcnow() - dt.timedelta(hours=1)
    run.heartbeat_at = utcnow() - dt.timedelta(seconds=silent_for)
    run.child_pid, run.child_host = 4242, "crawler-1"
    for name, value in fields.items():
        setattr(run, name, value)
    session.flush()
    return run


def test_a_silent_run_is_finalised_as_failed_with_why(db_session: Session) -> None:
    run = running(db_session, silent_for=BEAT * 5)

    assert abandon_stalled_runs(db_session, utcnow(), BEAT) == [run.id]

    assert run.status == "failed"
    assert run.finished_at is not None
    (error,) = run.errors
    assert error["kind"] == "abandoned"
    assert "pid 4242 on crawler-1" in error["message"]
    assert abandon_stalled_runs(db_session, utcnow(), BEAT) == []


def test_a_beating_run_and_an_ingesting_run_are_left_alone(db_session: Session) -> None:
    running(db_session, silent_for=BEAT)
    # Its process ended and said so; the run waits for ingest, which is not a heartbeat.
    running(db_session, silent_for=BEAT * 100, finished_at=utcnow() - dt.timedelta(hours=1))
    assert abandon_stalled_runs(db_session, utcnow(), BEAT) == []


def test_only_the_given_source_is_looked_at(db_session: Session) -> None:
    run = running(db_session, silent_for=BEAT * 5)
    other = running(db_session, silent_for=BEAT * 5)
    assert abandon_stalled_runs(db_session, utcnow(), BEAT, other.source_id) == [other.id]
    assert run.status == "running"
