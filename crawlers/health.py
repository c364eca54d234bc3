"""Close a crawl run: its status, its counts, and what it says about the source's health.

A source whose selectors match nothing, or that returns no items where it used to return some,
is marked broken for operators instead of looking like a quiet news day.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.models import CrawlRun, FetchedItem, Source

BROKEN_KINDS = ("selector", "feed", "api")


def finalize_run(session: Session, run_id: int) -> CrawlRun:
    """Counts come from the run's staged items, so this can run again at any time."""
    run = session.get(CrawlRun, run_id)
    assert run is not None
    counts = Counter(
        session.scalars(
            select(FetchedItem.result).where(
                FetchedItem.run_id == run_id, FetchedItem.result.is_not(None)
            )
        )
    )
    run.items_new = counts["new"]
    run.items_changed = counts["changed"] + counts["technical"] + counts["gone"]
    run.items_unchanged = counts["unchanged"] + counts["seen"] + counts["not_modified"]
    run.stats = {**run.stats, "ingest": dict(counts)}
    if run.status != "skipped":
        run.status = run_status(run)
    source = session.get(Source, run.source_id)
    assert source is not None
    source.health, source.health_reason = source_health(session, source, run)
    session.flush()
    return run


def run_status(run: CrawlRun) -> str:
    kinds = {error.get("kind") for error in run.errors}
    if run.error_count == 0 or kinds <= {"feed_warning", "attachment"}:
        return "ok"
    found_something = run.items_found > 0 or run.items_new or run.items_unchanged
    return "partial" if found_something else "failed"


def source_health(session: Session, source: Source, run: CrawlRun) -> tuple[str, str | None]:
    if run.status == "skipped":
        return "skipped", run.errors[0]["message"] if run.errors else None
    for error in run.errors:
        if error.get("kind") in BROKEN_KINDS:
            return "broken", error["message"]
    if run.items_found == 0 and not run.stats.get("zonewatch/feed_not_modified"):
        earlier = session.scalars(
            select(CrawlRun.items_found)
            .where(CrawlRun.source_id == source.id, CrawlRun.id < run.id)
            .where(CrawlRun.status.in_(("ok", "partial")))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        if earlier:
            return "broken", f"no items found where the last run found {earlier}"
    if run.status == "failed":
        first = run.errors[0]["message"] if run.errors else "crawl failed"
        return "failing", first
    if run.status == "partial":
        return "degraded", f"{run.error_count} errors in the last run"
    return "healthy", None
