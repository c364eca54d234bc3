"""The pipeline's tasks: crawl -> ingest -> classify -> diff -> match, plus the beat's jobs.

Each task takes ids, looks its input up again and returns early when the work is done; the
next stage is sent only after the transaction that created its input has committed. Matching
takes a document event (all the records one version or one withdrawal made), so that a
subscriber gets one alert per event.
"""

from __future__ import annotations

import dataclasses
import os
import random
import socket
from datetime import timedelta
from typing import Any

from celery import Celery
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.alerts.events import events_to_match
from zonewatch.alerts.services import match_event
from zonewatch.changes.services import record_version_changes, record_withdrawal
from zonewatch.classify.services import classify_version
from zonewatch.crawlers.health import abandon_stalled_runs, finalize_run
from zonewatch.crawlers.runner import run_child
from zonewatch.ingest.services import IngestResult, ingest_fetched_item, pending_items
from zonewatch.models import CrawlRun, DocumentVersion, FetchedItem
from zonewatch.models.base import utcnow
from zonewatch.models.enums import CrawlRunStatus, FetchedItemStatus, IngestOutcome
from zonewatch.workers.base import DbTask
from zonewatch.workers.scheduling import DISPATCH_LEASE, acquire_lease, claim_due_crawls

CRAWL_QUEUE = "crawl"
STALLED_AFTER = timedelta(minutes=10)


def register_tasks(celery: Celery) -> None:
    """Define every task on ``celery`` (called by the Celery app factory)."""

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.crawl_source")
    def crawl_source(self: DbTask, run_id: int) -> str:
        with self.unit_of_work() as work:
            run = work.session.get(CrawlRun, run_id)
            if run is None or run.status not in (CrawlRunStatus.QUEUED, CrawlRunStatus.RUNNING):
                return "done already"
        run_child(self.zonewatch, run_id)
        with self.unit_of_work() as work:
            items = pending_items(work.session, run_id)
            for item_id in items:
                work.then(self.signature_for("zonewatch.ingest_item", item_id))
            if not items:
                work.then(self.signature_for("zonewatch.finalize_run", run_id))
        return f"{len(items)} items to ingest"

    crawl_source.time_limit = None  # bounded by the crawl process's own time limit

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.ingest_item")
    def ingest_item(self: DbTask, fetched_item_id: int) -> str:
        with self.unit_of_work() as work:
            result = ingest_fetched_item(work.session, fetched_item_id)
            row = work.session.get(FetchedItem, fetched_item_id)
            assert row is not None
            for followup in _ingest_followups(work.session, result):
                work.then(self.signature_for(*followup))
            # Locking the run makes concurrent last items count one after the other, so
            # that at least one of them sees nothing pending and finalizes the run.
            work.session.get(CrawlRun, row.run_id, with_for_update=True)
            remaining = work.session.scalar(
                select(func.count())
                .select_from(FetchedItem)
                .where(
                    FetchedItem.run_id == row.run_id,
                    FetchedItem.status == FetchedItemStatus.PENDING,
                )
            )
            if not remaining:
                work.then(self.signature_for("zonewatch.finalize_run", row.run_id))
        return "already" if result.repeated else result.result

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.finalize_run")
    def finalize_run_task(self: DbTask, run_id: int) -> str:
        with self.unit_of_work() as work:
            return finalize_run(work.session, run_id).status

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.classify_version")
    def classify_version_task(self: DbTask, version_id: int) -> bool:
        with self.unit_of_work() as work:
            outcome = classify_version(work.session, version_id, self.zonewatch.classifier)
            if outcome is None:
                return False
            work.then(self.signature_for("zonewatch.build_changes", version_id))
        return outcome.classified

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.build_changes")
    def build_changes(self: DbTask, version_id: int) -> list[int]:
        with self.unit_of_work() as work:
            change_ids = record_version_changes(work.session, version_id)
            for event_key in events_to_match(work.session, change_ids):
                work.then(self.signature_for("zonewatch.match_event", event_key))
        return change_ids

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.record_withdrawal")
    def record_withdrawal_task(self: DbTask, document_id: int) -> list[int]:
        with self.unit_of_work() as work:
            change_ids = record_withdrawal(work.session, document_id)
            for event_key in events_to_match(work.session, change_ids):
                work.then(self.signature_for("zonewatch.match_event", event_key))
        return change_ids

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.match_event")
    def match_event_task(self: DbTask, event_key: str) -> list[int]:
        with self.unit_of_work() as work:
            immediate = match_event(work.session, event_key)
            if immediate:
                work.then(self.signature_for("zonewatch.send_deliveries"))
            return immediate

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.send_deliveries")
    def send_deliveries(self: DbTask) -> dict[str, int]:
        """Send what the outbox holds that is due; the outbox keeps what could not go."""
        from zonewatch.alerts.sender import send_all_due

        return dataclasses.asdict(send_all_due(self.zonewatch))

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.dispatch_digests")
    def dispatch_digests_task(self: DbTask) -> dict[str, int]:
        """Digests whose hour has come in their subscriber's timezone (the beat, every 15 min)."""
        from zonewatch.alerts.digests import dispatch_digests

        totals: dict[str, int] = {}
        for period in ("daily", "weekly"):
            report = dispatch_digests(self.zonewatch, period)
            for key, value in dataclasses.asdict(report).items():
                totals[key] = totals.get(key, 0) + value
        return totals

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.dispatch_due_crawls")
    def dispatch_due_crawls(self: DbTask) -> list[int]:
        settings = self.zonewatch.settings
        holder = f"{socket.gethostname()}:{os.getpid()}"
        with self.unit_of_work() as work:
            now = utcnow()
            if not acquire_lease(work.session, DISPATCH_LEASE, holder, now, timedelta(minutes=2)):
                return []
            dispatches = claim_due_crawls(work.session, now, settings.tz, random.Random())
            for dispatch in dispatches:
                work.then(self.signature_for("zonewatch.crawl_source", dispatch.run_id))
        return [dispatch.run_id for dispatch in dispatches]

    @celery.task(base=DbTask, bind=True, shared=False, name="zonewatch.requeue_stalled")
    def requeue_stalled(self: DbTask) -> dict[str, int]:
        """The safety net: work whose message was lost (a broker without redelivery) is sent
        again; every task is idempotent, so a duplicate is harmless. Runs whose crawl process
        is gone without a word (its parent was killed too) are finalised as abandoned; their
        staged items are ingested like any others, and cannot replace newer content."""
        now = utcnow()
        cutoff = now - STALLED_AFTER
        with self.unit_of_work() as work:
            abandoned = abandon_stalled_runs(
                work.session, now, self.zonewatch.settings.crawl_heartbeat_seconds
            )
            items = work.session.scalars(
                select(FetchedItem.id)
                .where(
                    FetchedItem.status == FetchedItemStatus.PENDING, FetchedItem.fetched_at < cutoff
                )
                .limit(1000)
            ).all()
            versions = work.session.scalars(
                select(DocumentVersion.id)
                .where(DocumentVersion.classified_at.is_(None))
                .where(DocumentVersion.technical.is_(False))
                .where(DocumentVersion.created_at < cutoff)
                .limit(1000)
            ).all()
            runs = work.session.scalars(
                select(CrawlRun.id)
                .where(CrawlRun.status == CrawlRunStatus.RUNNING, CrawlRun.finished_at < cutoff)
                .where(
                    CrawlRun.id.not_in(
                        select(FetchedItem.run_id).where(
                            FetchedItem.status == FetchedItemStatus.PENDING
                        )
                    )
                )
                .limit(1000)
            ).all()
            for item_id in items:
                work.then(self.signature_for("zonewatch.ingest_item", item_id))
            for version_id in versions:
                work.then(self.signature_for("zonewatch.classify_version", version_id))
            for run_id in runs:
                work.then(self.signature_for("zonewatch.finalize_run", run_id))
        return {
            "items": len(items),
            "versions": len(versions),
            "runs": len(runs),
            "abandoned": len(abandoned),
        }

    @celery.task(shared=False, name="zonewatch.ping")
    def ping() -> str:
        return "pong"


def _ingest_followups(session: Session, result: IngestResult) -> list[tuple[str, int]]:
    """The next stage for an ingested item. A repeat (its process may have died after the
    commit, before sending) sends it again while the version is still unclassified."""
    if result.result in ("new", "changed") and result.version_id is not None:
        if result.repeated:
            version = session.get(DocumentVersion, result.version_id)
            if version is None or version.classified_at is not None:
                return []
        return [("zonewatch.classify_version", result.version_id)]
    if result.result == IngestOutcome.GONE and result.document_id is not None:
        return [("zonewatch.record_withdrawal", result.document_id)]
    return []


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        "dispatch-due-crawls": {"task": "zonewatch.dispatch_due_crawls", "schedule": 30.0},
        "requeue-stalled": {"task": "zonewatch.requeue_stalled", "schedule": 300.0},
        "send-deliveries": {"task": "zonewatch.send_deliveries", "schedule": 60.0},
        "dispatch-digests": {"task": "zonewatch.dispatch_digests", "schedule": 900.0},
    }
