"""Crawling a source: the crawl process, then its staged items to ingest in batches."""

from __future__ import annotations

from celery import Celery

from zonewatch.crawlers.runner import run_child
from zonewatch.models import CrawlRun
from zonewatch.workers.base import DbTask
from zonewatch.workers.pipeline import StageName, after_crawl

CRAWL_QUEUE = "crawl"
CRAWL_TASK = "zonewatch.crawl_source"


def register(celery: Celery) -> None:
    @celery.task(base=DbTask, bind=True, shared=False, name=CRAWL_TASK)
    def crawl_source(self: DbTask, run_id: int) -> str:
        with self.unit_of_work() as work:
            run = work.session.get(CrawlRun, run_id)
            if run is None or run.status not in ("queued", "running"):
                return "done already"
        run_child(self.zonewatch, run_id)
        with self.unit_of_work() as work:
            advance = after_crawl(work.session, run_id)
            work.then_all(self.stage_messages(advance.next))
        return f"{len(advance.next.get(StageName.INGEST, []))} items to ingest"

    crawl_source.time_limit = None  # bounded by the crawl process's own time limit
