"""Upkeep: sending what the outbox holds, the safety net for lost messages, and keeping
the search indexes compact."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import timedelta

from celery import Celery
from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.crawlers.health import abandon_stalled_runs
from zonewatch.models import CrawlRun, DocumentVersion, FetchedItem
from zonewatch.models.base import utcnow
from zonewatch.models.db import release_free_pages
from zonewatch.models.search import optimize_search
from zonewatch.workers.base import DbTask
from zonewatch.workers.pipeline import Advance, StageName

OPTIMIZE_SEARCH_TASK = "zonewatch.optimize_search"
STALLED_AFTER = timedelta(minutes=10)
STALLED_LIMIT = 1000
"""Ids of each kind sent again per sweep: the next sweep takes the rest."""


def register(celery: Celery) -> None:
    @celery.task(base=DbTask, bind=True, shared=False, name=StageName.SEND.task_name)
    def send_deliveries(self: DbTask) -> dict[str, int]:
        """Send what the outbox holds that is due; the outbox keeps what could not go."""
        from zonewatch.alerts.sender import send_all_due

        return dataclasses.asdict(send_all_due(self.zonewatch))

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.requeue_stalled")
    def requeue_stalled(self: DbTask) -> dict[str, int]:
        """The safety net: work whose message was lost (a broker without redelivery) is sent
        again; every stage is idempotent, so a duplicate is harmless. Runs whose crawl process
        is gone without a word (its parent was killed too) are finalised as abandoned; their
        staged items are ingested like any others, and cannot replace newer content."""
        now = utcnow()
        with self.unit_of_work() as work:
            abandoned = abandon_stalled_runs(
                work.session, now, self.zonewatch.settings.crawl_heartbeat_seconds
            )
            advance = stalled_work(work.session, now - STALLED_AFTER)
            work.then_all(self.stage_messages(advance.next))
        counts = {name: len(advance.next.get(stage, [])) for name, stage in _REPORTED.items()}
        return {**counts, "abandoned": len(abandoned)}

    @celery.task(base=DbTask, bind=True, shared=False, name=OPTIMIZE_SEARCH_TASK)
    def optimize_search_indexes(self: DbTask) -> list[str]:
        """Merge the full-text indexes' segments (see ``models.search.optimize_search``) and
        hand the pages the merge freed back to the file system."""
        with self.unit_of_work() as work:
            merged = optimize_search(work.session)
            release_free_pages(work.session)
            return merged

    @celery.task(shared=False, name="zonewatch.ping")
    def ping() -> str:
        return "pong"


_REPORTED = {
    "items": StageName.INGEST,
    "versions": StageName.CLASSIFY,
    "runs": StageName.FINALIZE_RUNS,
}


def stalled_work(session: Session, cutoff: dt.datetime) -> Advance:
    """Unfinished work older than ``cutoff``: staged items, unclassified versions, and runs
    whose items are all ingested but which were never finalised."""
    advance = Advance()
    items = session.scalars(
        select(FetchedItem.id)
        .where(FetchedItem.status == "pending", FetchedItem.fetched_at < cutoff)
        .order_by(FetchedItem.id)
        .limit(STALLED_LIMIT)
    )
    versions = session.scalars(
        select(DocumentVersion.id)
        .where(DocumentVersion.classified_at.is_(None))
        .where(DocumentVersion.technical.is_(False))
        .where(DocumentVersion.created_at < cutoff)
        .order_by(DocumentVersion.id)
        .limit(STALLED_LIMIT)
    )
    runs = session.scalars(
        select(CrawlRun.id)
        .where(CrawlRun.status == "running", CrawlRun.finished_at < cutoff)
        .where(
            CrawlRun.id.not_in(select(FetchedItem.run_id).where(FetchedItem.status == "pending"))
        )
        .order_by(CrawlRun.id)
        .limit(STALLED_LIMIT)
    )
    for stage, ids in (
        (StageName.INGEST, items),
        (StageName.CLASSIFY, versions),
        (StageName.FINALIZE_RUNS, runs),
    ):
        for key in ids:
            advance.then(stage, key)
    return advance
