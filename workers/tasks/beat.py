"""The beat's own jobs: due crawls and digests, and the schedule that sends every periodic task."""

from __future__ import annotations

import dataclasses
import os
import random
import socket
from datetime import timedelta
from typing import Any

from celery import Celery

from zonewatch.models.base import utcnow
from zonewatch.workers.base import DbTask
from zonewatch.workers.pipeline import StageName
from zonewatch.workers.scheduling import DISPATCH_LEASE, acquire_lease, claim_due_crawls
from zonewatch.workers.tasks.crawl import CRAWL_TASK


def register(celery: Celery) -> None:
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
                work.then(self.signature_for(CRAWL_TASK, dispatch.run_id))
        return [dispatch.run_id for dispatch in dispatches]


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        "dispatch-due-crawls": {"task": "zonewatch.dispatch_due_crawls", "schedule": 30.0},
        "requeue-stalled": {"task": "zonewatch.requeue_stalled", "schedule": 300.0},
        "send-deliveries": {"task": StageName.SEND.task_name, "schedule": 60.0},
        "dispatch-digests": {"task": "zonewatch.dispatch_digests", "schedule": 900.0},
        "optimize-search": {"task": "zonewatch.optimize_search", "schedule": 86400.0},
    }
