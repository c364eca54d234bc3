"""The press-release corpus as benchmarks use it: read, and staged as a crawl would stage it.

Reading and staging are the backfill's own (:mod:`zonewatch.workers.backfill`), so a bench
measures the releases exactly as ``zonewatch backfill`` loads them. Staging writes fetched
items straight into a crawl run (as the crawl process does after extraction), so that what
follows — ingest, classify, changes, matching — is measured alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.models import CrawlRun
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.base import utcnow
from zonewatch.models.enums import CrawlRunStatus, FetchedItemStatus, ItemOutcome, RunTrigger
from zonewatch.workers.backfill import Release, corpus_lines, parse_release, stage_releases

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
SOURCE_ID = "korea-kr-press"


def releases(limit: int | None = None, path: Path = CORPUS) -> list[Release]:
    """The first ``limit`` releases of the corpus (all without a limit)."""
    lines = itertools.islice(corpus_lines(path), limit)
    return [parse_release(raw.decode("utf-8")) for _number, raw in lines]


def _earlier_complete_run(session: Session) -> None:
    """A finished crawl that ingested something, so that the staged run records news (alerts)
    rather than the source's baseline (see :mod:`zonewatch.changes.baseline`)."""
    run = CrawlRun(source_id=SOURCE_ID, status=CrawlRunStatus.OK, trigger=RunTrigger.MANUAL)
    session.add(run)
    session.flush()
    session.add(
        FetchedRow(
            run_id=run.id,
            source_id=SOURCE_ID,
            external_id="bench-earlier",
            outcome=ItemOutcome.FETCHED,
            status=FetchedItemStatus.INGESTED,
        )
    )


def stage(app: App, items: Sequence[Release], *, news: bool = True) -> tuple[int, list[int]]:
    """A running crawl run holding ``items`` as pending fetched items: (run id, item ids).
    With ``news`` an earlier complete run exists, so the items are news, matched and alerted."""
    with app.session() as session:
        if news:
            _earlier_complete_run(session)
        run = CrawlRun(
            source_id=SOURCE_ID, status=CrawlRunStatus.RUNNING, trigger=RunTrigger.MANUAL
        )
        session.add(run)
        session.flush()
        return run.id, stage_releases(session, run.id, SOURCE_ID, items, utcnow())
