"""What a running worker tells the others: that it lives, which queues it takes, and (as a
process that is not crawling) what operators should hear about sources.

``zonewatch crawl --now`` queues a crawl and must say so when nobody will take it. Celery's
``inspect`` asks workers over a broadcast, which the embedded (SQLite) broker cannot carry, so
each worker writes a row instead, renewed every :data:`BEAT_SECONDS` and removed when it stops;
a row older than :data:`ALIVE_BEATS` beats belongs to a worker that died without a word.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.models import WorkerHeartbeat
from zonewatch.models.base import utcnow

BEAT_SECONDS = 20.0
ALIVE_BEATS = 3

log = logging.getLogger(__name__)


def record_beat(session: Session, name: str, queues: Iterable[str], now: dt.datetime) -> None:
    row = session.get(WorkerHeartbeat, name)
    if row is None:
        row = WorkerHeartbeat(
            name=name, host=socket.gethostname(), pid=os.getpid(), started_at=now, queues=[]
        )
        session.add(row)
    row.queues = sorted(set(queues))
    row.pid = os.getpid()
    row.beat_at = now
    session.flush()


def forget(session: Session, name: str) -> None:
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def live_consumers(
    session: Session, queue: str, now: dt.datetime, beat_seconds: float = BEAT_SECONDS
) -> list[str]:
    """Names of the workers that took ``queue`` and beat recently."""
    cutoff = now - dt.timedelta(seconds=beat_seconds * ALIVE_BEATS)
    rows = session.scalars(
        select(WorkerHeartbeat)
        .where(WorkerHeartbeat.beat_at >= cutoff)
        .order_by(WorkerHeartbeat.name)
    )
    return [row.name for row in rows if queue in row.queues]


class WorkerWatch:
    """A thread of the worker's main process: beats, and tells operators of source health
    changes (see :mod:`zonewatch.crawlers.operators`) after each beat."""

    def __init__(self, app: App, name: str, queues: Iterable[str]) -> None:
        self.app = app
        self.name = name
        self.queues = tuple(queues)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="zonewatch-watch", daemon=True)

    def start(self) -> None:
        """Beat once at once (a crawl queued right after start-up must see this worker), then
        leave the rest, mail included, to the thread: start-up never waits on SMTP."""
        self._record()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=BEAT_SECONDS)
        try:
            with self.app.session() as session:
                forget(session, self.name)
        except SQLAlchemyError as exc:
            log.warning("could not remove the heartbeat of %s: %s", self.name, exc)

    def _run(self) -> None:
        self._sweep()
        while not self._stop.wait(BEAT_SECONDS):
            self._record()
            self._sweep()

    def _record(self) -> None:
        """A beat that cannot be written is logged and written at the next one."""
        try:
            with self.app.session() as session:
                record_beat(session, self.name, self.queues, utcnow())
        except SQLAlchemyError as exc:
            log.warning("heartbeat of %s not written: %s", self.name, exc)

    def _sweep(self) -> None:
        """Whatever goes wrong telling operators is logged and tried again at the next beat:
        it must never stop the worker."""
        from zonewatch.crawlers.operators import notify_health_changes

        try:
            notify_health_changes(self.app)
        except Exception:
            log.exception("telling operators of source health failed; tried again next beat")
