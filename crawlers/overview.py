"""One source as operators see it in the console: its status, schedule, run history, and
how its last fetched pages fit its configuration.

``zonewatch sources status`` gives the same status (:mod:`zonewatch.crawlers.status`);
the page check is ``zonewatch sources check`` run on the pages the crawls stored, so it
needs no network and shows what the crawler itself last saw.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.config.sources import Schedule, SourceKind, SourceSpec
from zonewatch.crawlers.boardpage import site_names_for
from zonewatch.crawlers.inspect import check_page
from zonewatch.crawlers.snapshots import snapshot_body
from zonewatch.crawlers.status import SourceStatus, source_status
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import CrawlRun, Document, Snapshot, Source

HISTORY_RUNS = 30
CHECKED_PAGES = 3
REASONS_PER_RUN = 3
MAX_REASON = 300


@dataclass(frozen=True)
class RunRow:
    """One crawl run: its counts and the one-line reasons of its first errors."""

    id: int
    trigger: str
    status: str
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    duration_seconds: float | None
    items_found: int
    items_new: int
    items_changed: int
    error_count: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SelectorProbe:
    setting: str
    selector: str
    matches: int


@dataclass(frozen=True)
class PageCheck:
    """``sources check`` on one stored page."""

    url: str
    fetched_at: dt.datetime
    kind: str
    ok: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    selectors: tuple[SelectorProbe, ...]


@dataclass(frozen=True)
class SourceDetail:
    id: str
    name: str
    kind: str
    url: str
    status: SourceStatus
    schedule: str
    """The schedule for a person, or why the scheduler cannot use it."""
    runs: list[RunRow]


def one_line(message: object) -> str:
    text = " ".join(str(message or "").split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def describe_schedule(spec: dict[str, Any]) -> str:
    try:
        schedule = Schedule.model_validate(spec.get("schedule"))
    except ValidationError as exc:
        return "invalid: " + one_line(exc.errors()[0]["msg"])
    when = f"every {schedule.every}" if schedule.every else f"cron {schedule.cron}"
    budget = schedule.budget_delta
    parts = [when, f"jitter {schedule.jitter}"]
    if budget is not None:
        parts.append(f"budget {int(budget.total_seconds() // 60)} min")
    return ", ".join(parts)


def _run_row(run: CrawlRun) -> RunRow:
    return RunRow(
        id=run.id,
        trigger=run.trigger,
        status=run.status,
        queued_at=run.queued_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=run.duration_seconds,
        items_found=run.items_found,
        items_new=run.items_new,
        items_changed=run.items_changed,
        error_count=run.error_count,
        reasons=tuple(
            one_line(f"{error.get('kind')}: {error.get('message')}")
            for error in run.errors[:REASONS_PER_RUN]
            if isinstance(error, dict)
        ),
    )


def get_source(session: Session, source_id: str) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    return source


def source_detail(session: Session, source_id: str, history: int = HISTORY_RUNS) -> SourceDetail:
    source = get_source(session, source_id)
    runs = session.scalars(
        select(CrawlRun)
        .where(CrawlRun.source_id == source_id)
        .order_by(CrawlRun.id.desc())
        .limit(history)
    )
    return SourceDetail(
        id=source.id,
        name=source.name,
        kind=source.kind,
        url=source.url,
        status=source_status(session, source),
        schedule=describe_schedule(source.spec),
        runs=[_run_row(run) for run in runs],
    )


class Unchecked(StrEnum):
    """Why no stored page was checked."""

    NOT_A_BOARD = "not_a_board"
    """Feeds and APIs have no page selectors."""
    NOTHING_STORED = "nothing_stored"
    BAD_CONFIGURATION = "bad_configuration"
    """The stored configuration does not validate (``detail`` says why); crawls fail too."""


@dataclass(frozen=True)
class StoredCheck:
    """The check of the last stored pages; ``unchecked`` says why there is none."""

    pages: list[PageCheck]
    unchecked: Unchecked | None = None
    detail: str | None = None


def check_stored_pages(
    session: Session,
    source_id: str,
    data_dir: Path,
    zones_file: Path | None,
    limit: int = CHECKED_PAGES,
) -> StoredCheck:
    """Check the source's last ``limit`` stored article pages against the configuration the
    crawls use (the database's copy). Only boards have selectors to check."""
    source = get_source(session, source_id)
    if source.kind != SourceKind.BOARD.value:
        return StoredCheck([], Unchecked.NOT_A_BOARD)
    try:
        spec = SourceSpec.model_validate(source.spec)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        return StoredCheck([], Unchecked.BAD_CONFIGURATION, one_line(f"{where}: {problem['msg']}"))
    names = site_names_for(spec, zones_file)
    snapshots = session.scalars(
        select(Snapshot)
        .join(Document, Document.id == Snapshot.document_id)
        .where(
            Document.source_id == source_id,
            Snapshot.http_status == 200,
            Snapshot.pruned_at.is_(None),
        )
        .order_by(Snapshot.fetched_at.desc(), Snapshot.id.desc())
        .limit(limit)
    )
    pages = [_check(spec, snapshot, data_dir, names) for snapshot in snapshots]
    return StoredCheck(pages, None if pages else Unchecked.NOTHING_STORED)


def _check(
    spec: SourceSpec, snapshot: Snapshot, data_dir: Path, names: frozenset[str]
) -> PageCheck:
    """A stored page that is missing or unreadable is a failed check with its reason, not
    a page that fits."""
    try:
        body = snapshot_body(data_dir, snapshot)
        result = check_page(spec, body, snapshot.content_type, snapshot.url, snapshot.url, names)
    except (OSError, EOFError, InputError, NotFoundError) as exc:
        return PageCheck(snapshot.url, snapshot.fetched_at, "-", False, (one_line(exc),), (), ())
    return PageCheck(
        url=snapshot.url,
        fetched_at=snapshot.fetched_at,
        kind=str(result["kind"]),
        ok=bool(result["ok"]),
        errors=tuple(one_line(error) for error in result["errors"]),
        warnings=tuple(one_line(warning) for warning in result["warnings"]),
        selectors=tuple(
            SelectorProbe(str(probe["setting"]), str(probe["selector"]), int(probe["matches"]))
            for probe in result["selectors"]
        ),
    )


@dataclass(frozen=True)
class SourceRow:
    """A line of the sources table."""

    name: str
    kind: str
    schedule: str
    status: SourceStatus


def source_table(session: Session) -> list[SourceRow]:
    return [
        SourceRow(
            source.name, source.kind, describe_schedule(source.spec), source_status(session, source)
        )
        for source in session.scalars(select(Source).order_by(Source.id))
    ]
