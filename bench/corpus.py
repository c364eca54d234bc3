"""The press-release corpus as benchmarks use it: read, and staged as a crawl would stage it.

Staging writes fetched items straight into a crawl run (as the crawl process does after
extraction), so that what follows — ingest, classify, changes, matching — is measured alone.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.crawlers.items import FetchedItem
from zonewatch.models import CrawlRun
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.enums import ItemOutcome

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
SOURCE_ID = "korea-kr-press"


@dataclass(frozen=True)
class Release:
    id: str
    title: str
    text: str
    url: str
    published: dt.datetime | None


def releases(limit: int | None = None, path: Path = CORPUS) -> list[Release]:
    """The first ``limit`` releases of the corpus (all without a limit)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in itertools.islice(handle, limit)]
    return [
        Release(
            id=str(row["id"]),
            title=row.get("title") or "",
            text=row.get("text") or "",
            url=row.get("url")
            or f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={row['id']}",
            published=dt.datetime.fromisoformat(row["published"]) if row.get("published") else None,
        )
        for row in rows
    ]


def _earlier_complete_run(session: Session) -> None:
    """A finished crawl that ingested something, so that the staged run records news (alerts)
    rather than the source's baseline (see :mod:`zonewatch.changes.baseline`)."""
    run = CrawlRun(source_id=SOURCE_ID, status="ok", trigger="manual")
    session.add(run)
    session.flush()
    session.add(
        FetchedRow(
            run_id=run.id,
            source_id=SOURCE_ID,
            external_id="bench-earlier",
            outcome=ItemOutcome.FETCHED,
            status="ingested",
            payload={},
        )
    )


def stage(app: App, items: Sequence[Release], *, news: bool = True) -> tuple[int, list[int]]:
    """A running crawl run holding ``items`` as pending fetched items: (run id, item ids).
    With ``news`` an earlier complete run exists, so the items are news, matched and alerted."""
    with app.session() as session:
        if news:
            _earlier_complete_run(session)
        run = CrawlRun(source_id=SOURCE_ID, status="running", trigger="manual")
        session.add(run)
        session.flush()
        rows = [
            FetchedRow(
                run_id=run.id,
                source_id=SOURCE_ID,
                external_id=release.id,
                outcome=ItemOutcome.FETCHED,
                payload=FetchedItem(
                    source_id=SOURCE_ID,
                    external_id=release.id,
                    url=release.url,
                    outcome=ItemOutcome.FETCHED,
                    title=release.title,
                    text=release.text,
                    published_at=release.published,
                    extractor_version="1",
                ).payload(),
            )
            for release in items
        ]
        session.add_all(rows)
        session.flush()
        return run.id, [row.id for row in rows]
