"""Load historical releases from a corpus file as a source's baseline: stored, classified and
recorded in the change log, alerted to nobody.

A backfill is one crawl run with the ``backfill`` trigger, so that every version it stores is
traceable to it and counts as baseline (:mod:`zonewatch.changes.baseline`). Releases go
through the same ingest, classification and change-building services as crawled ones, in
batches of one transaction each, without the workers. A release whose document the source
already has is left alone: a backfill fills in the past, it never revises what is watched,
so running it twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.changes.baseline import BACKFILL_TRIGGER
from zonewatch.crawlers.items import FetchedItem
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import CrawlRun, Document, Source
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.base import utcnow
from zonewatch.models.db import release_free_pages
from zonewatch.models.enums import CrawlRunStatus, ItemOutcome
from zonewatch.models.search import optimize_search
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import StageName

BASELINE_STAGES = frozenset({StageName.INGEST, StageName.CLASSIFY, StageName.BUILD_CHANGES})

EXTRACTOR_VERSION = "corpus-backfill"
DEFAULT_BATCH = 200
MAX_EXTERNAL_ID = 200
MAX_URL = 2000
MAX_TITLE = 1000


@dataclass(frozen=True)
class Release:
    """One line of a corpus file: a press release as it was published."""

    external_id: str
    url: str
    title: str
    text: str
    subtitle: str | None
    published_at: dt.datetime | None
    department: str | None
    language: str | None
    attachment_count: int = 0
    """How many files the release had. The corpus holds none of them, so the backfill stages
    none; the count tells readers (the edit-set bench) which releases had any."""

    def item(self, source_id: str, fetched_at: dt.datetime) -> FetchedItem:
        return FetchedItem(
            source_id=source_id,
            external_id=self.external_id,
            url=self.url,
            outcome=ItemOutcome.FETCHED,
            title=self.title,
            subtitle=self.subtitle,
            text=self.text,
            published_at=self.published_at,
            department=self.department,
            language=self.language,
            extractor_version=EXTRACTOR_VERSION,
            fetch_reason=BACKFILL_TRIGGER,
            fetched_at=fetched_at,
        )


def parse_release(line: str) -> Release:
    """A corpus line as a release; InputError (one line, what to fix) when it is not one."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object")
    external_id = _text(data, "id", required=True, limit=MAX_EXTERNAL_ID)
    url = _text(data, "url", required=True, limit=MAX_URL)
    if not url.startswith(("http://", "https://")):
        raise InputError(f"url is not an http(s) address: {url[:80]!r}")
    return Release(
        external_id=external_id,
        url=url,
        title=_text(data, "title", required=True, limit=MAX_TITLE),
        text=_text(data, "text"),
        subtitle=_text(data, "subtitle") or None,
        published_at=_published(data.get("published")),
        department=_text(data, "ministry", limit=300) or None,
        language=_text(data, "lang", limit=8) or None,
        attachment_count=_count(data, "attachment_count"),
    )


def _text(data: dict[str, Any], key: str, *, required: bool = False, limit: int = 0) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(f"{key} is not text")
    value = value.strip() if required else value
    if required and not value:
        raise InputError(f"{key} is missing")
    if limit and len(value) > limit:
        raise InputError(f"{key} is longer than {limit} characters")
    return value


def _count(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"{key} is not a count")
    return value


def _published(value: object) -> dt.datetime | None:
    """The release time, with its offset; a date without one is taken as Korean time."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError("published is not text")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"published is not an ISO 8601 time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))
    return moment


def corpus_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered non-blank lines of a JSON Lines file, gzip-compressed or not."""
    with path.open("rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, line
    except (gzip.BadGzipFile, EOFError) as exc:
        raise InputError(f"{path}: damaged gzip file ({exc})") from None


@dataclass
class BackfillReport:
    run_id: int
    lines: int = 0
    stored: int = 0
    """Releases stored as new documents."""
    present: int = 0
    """Releases whose document the source already had (left alone)."""
    bad: int = 0
    classified: int = 0
    changes: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.stored / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        return (
            f"backfill: run {self.run_id}: {self.lines} lines, {self.stored} stored, "
            f"{self.present} already present, {self.bad} bad, {self.changes} baseline change "
            f"records, {self.seconds:.1f} s ({self.rate:.1f} documents/s)"
        )


BadLine = Callable[[int, str], None]
Progress = Callable[[BackfillReport], None]


def backfill(
    app: App,
    path: Path,
    source_id: str,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_bad_line: BadLine | None = None,
    on_progress: Progress | None = None,
) -> BackfillReport:
    """Load every release of ``path`` into ``source_id`` as baseline (see the module doc).

    Each batch is one transaction: an interruption keeps every finished batch, and running
    again picks up where it stopped, since stored releases are skipped.
    """
    report = BackfillReport(run_id=_start_run(app, source_id))
    batch: list[Release] = []
    for number, raw in corpus_lines(path):
        report.lines += 1
        try:
            batch.append(parse_release(raw.decode("utf-8")))
        except (InputError, UnicodeDecodeError) as exc:
            report.bad += 1
            if on_bad_line is not None:
                on_bad_line(number, str(exc))
            continue
        if len(batch) >= batch_size:
            _load_batch(app, source_id, report, batch)
            batch = []
            if on_progress is not None:
                on_progress(report)
    if batch:
        _load_batch(app, source_id, report, batch)
    _finish_run(app, report)
    with app.session() as session:
        optimize_search(session)
        release_free_pages(session)
    if on_progress is not None:
        on_progress(report)
    return report


def _start_run(app: App, source_id: str) -> int:
    with app.session() as session:
        if session.get(Source, source_id) is None:
            raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
        now = utcnow()
        run = CrawlRun(
            source_id=source_id,
            trigger=BACKFILL_TRIGGER,
            status=CrawlRunStatus.RUNNING,
            queued_at=now,
            started_at=now,
        )
        session.add(run)
        session.flush()
        return run.id


def _finish_run(app: App, report: BackfillReport) -> None:
    with app.session() as session:
        run = session.get(CrawlRun, report.run_id)
        assert run is not None
        run.status = CrawlRunStatus.OK
        run.finished_at = utcnow()
        run.items_found = report.lines - report.bad
        run.items_new = report.stored
        run.items_unchanged = report.present
        run.stats = {"bad_lines": report.bad, "change_records": report.changes}


def _load_batch(app: App, source_id: str, report: BackfillReport, batch: list[Release]) -> None:
    """Stage one batch in one transaction, then drive it through the pipeline's own stages
    up to change building (matching is left out: a backfill is baseline, alerted to nobody)."""
    fresh = _unknown(batch)
    with app.session() as session:
        known = set(
            session.scalars(
                select(Document.external_id).where(
                    Document.source_id == source_id, Document.external_id.in_(list(fresh))
                )
            )
        )
        report.present += len(batch) - len(fresh) + len(known)
        new = [release for external_id, release in fresh.items() if external_id not in known]
        staged = stage_releases(session, report.run_id, source_id, new, utcnow())
    done = drive(app, {StageName.INGEST: staged}, stages=BASELINE_STAGES)
    classified = done.results.get(StageName.CLASSIFY, {}).values()
    report.classified += sum(1 for word in classified if word == "classified")
    report.changes += len(done.made.get(StageName.BUILD_CHANGES, []))
    report.stored += len(staged)


def stage_releases(
    session: Session,
    run_id: int,
    source_id: str,
    releases: Iterable[Release],
    fetched_at: dt.datetime,
) -> list[int]:
    """Store ``releases`` as pending fetched items of crawl run ``run_id``, as a crawl stores
    what it extracted, and return their ids: the seam where a corpus enters the pipeline
    (the backfill here, and the benchmarks, which then time the stages alone)."""
    rows = [
        FetchedRow(
            run_id=run_id,
            source_id=source_id,
            external_id=release.external_id,
            outcome=ItemOutcome.FETCHED,
            payload=release.item(source_id, fetched_at).payload(),
            fetched_at=fetched_at,
        )
        for release in releases
    ]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def _unknown(batch: list[Release]) -> dict[str, Release]:
    """The batch by external id, the first of any release the corpus repeats."""
    by_id: dict[str, Release] = {}
    for release in batch:
        by_id.setdefault(release.external_id, release)
    return by_id
