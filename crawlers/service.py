"""Crawl one source now and ingest what it fetched: the whole of `zonewatch crawl`."""

from __future__ import annotations

from typing import Protocol

from zonewatch.app import App
from zonewatch.crawlers.health import finalize_run
from zonewatch.crawlers.runner import create_run, run_child
from zonewatch.ingest.services import IngestResult, ingest_fetched_item, pending_items
from zonewatch.models import CrawlRun


class CrawlProgress(Protocol):
    """What a long crawl reports as it goes (the CLI draws it; tests record it)."""

    def crawling(self, items_staged: int) -> None: ...

    def ingesting(self, done: int, total: int) -> None: ...


def ingest_run(app: App, run_id: int, progress: CrawlProgress | None = None) -> list[IngestResult]:
    """Ingest every staged item of a run, one transaction each."""
    with app.session() as session:
        item_ids = pending_items(session, run_id)
    results = []
    for done, item_id in enumerate(item_ids, 1):
        with app.session() as session:
            results.append(ingest_fetched_item(session, item_id))
        if progress is not None:
            progress.ingesting(done, len(item_ids))
    return results


def crawl_now(
    app: App, source_id: str, trigger: str = "manual", progress: CrawlProgress | None = None
) -> dict[str, object]:
    run_id = create_run(app, source_id, trigger)
    run_child(app, run_id, progress.crawling if progress is not None else None)
    ingest_run(app, run_id, progress)
    with app.session() as session:
        run = finalize_run(session, run_id)
        return run_record(run)


def run_record(run: CrawlRun) -> dict[str, object]:
    """A crawl run as plain data, for printing and for tests."""
    return {
        "run": run.id,
        "source": run.source_id,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_seconds": run.duration_seconds,
        "requests": run.requests,
        "bytes": run.bytes_received,
        "not_modified": run.not_modified,
        "items_found": run.items_found,
        "new": run.items_new,
        "changed": run.items_changed,
        "unchanged": run.items_unchanged,
        "errors": run.errors,
        "article_pages": run.stats.get("zonewatch/article_pages", 0),
        "list_pages": run.stats.get("zonewatch/list_pages", 0),
    }
