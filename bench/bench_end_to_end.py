"""End to end on the corpus: documents/s through the real pipeline with real workers, and the
database bytes it leaves per 1,000 documents, embedded and on PostgreSQL + Redis.

Every release of ../shared/corpus (skipped when absent; ``--limit`` takes the first N instead) is
measured, as the issue that set the targets measured it. Releases differ in length from one
stretch of the corpus to another (its first 1,000, from 2020 to mid-2022, carry 6.9 MB of text
per 1,000, the whole corpus 4.7), so the first N describe those releases rather than the
corpus; the storage line's baseline says how much text was measured. They are staged as a later
crawl of korea.kr stages them (news: matched against ``SUBSCRIBERS`` subscribers' rules and
alerted), and handed to a worker process (prefork, concurrency 2: both cores) the way the crawl
task hands them over. Time runs from the first message sent to the end of the last task
(workers report each task's start and end; the run is over when every started task has ended,
everything is ingested and classified, and nothing has started for ``QUIET`` seconds).
Sending is not part of the figure: its task is routed to a queue no worker reads (and mail
would go to a closed local port), so nobody is mailed.

Modes: embedded (SQLite and the SQLite broker in the data directory, as shipped) and
PostgreSQL + Redis (throwaway servers started as the tests start them; skipped with a note
when they cannot start). The throughput baseline is classification alone on the same
documents in the same run; the storage baseline the documents' own text (UTF-8). The
database's growth is given without the outbox, whose rows grow with subscribers (here one per
matched subscriber and channel) rather than documents and are pruned once sent; the outbox has
its own line. The issue's targets (reported, not asserted): 25 documents/s embedded, 100 on
PostgreSQL + Redis, at most 15 MB per 1,000 documents.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from bench.bench_matching import make_rules
from bench.corpus import CORPUS, releases, stage
from bench.harness import Result
from bench.synthetic import subscribe
from bench.workers import Marks, busy_seconds, read_marks, worker
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.models import AlertDelivery, DocumentVersion
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.workers.backfill import Release
from zonewatch.workers.bulk import publish_many
from zonewatch.workers.pipeline import StageName

SUBSCRIBERS = 1_000
SUBSCRIPTIONS = 3_000
QUIET = 3.0
CLOSED_SMTP = "smtp://127.0.0.1:9"
OUTBOX = "alert_deliveries"
"""The outbox: it grows with subscribers rather than documents, so it is reported apart."""
SHOWN_TABLES = 12
HELD = ("zonewatch.send_deliveries",)
"""Sending is the outbox's job, after the pipeline: routed to a queue no worker reads."""


@dataclass(frozen=True)
class Mode:
    name: str
    database_url: str | None
    broker_url: str | None


def _wait_ready(app: App, marks: Path, timeout: float = 120.0) -> None:
    app.celery.send_task("zonewatch.ping")
    deadline = time.monotonic() + timeout
    while read_marks(marks).ended < 1:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start within {timeout:.0f} s")
        time.sleep(0.1)


def enqueue(app: App, item_ids: list[int]) -> None:
    """Hand a run's staged items to the workers as the crawl task does (the one seam to change
    if the crawl task's hand-over changes)."""
    size = app.settings.pipeline_batch_size
    batches = [(item_ids[start : start + size],) for start in range(0, len(item_ids), size)]
    publish_many(app.celery, StageName.INGEST.task_name, batches)


def _pipeline_done(app: App, run_id: int) -> bool:
    with app.session() as session:
        pending = session.scalar(
            select(func.count())
            .select_from(FetchedRow)
            .where(FetchedRow.run_id == run_id, FetchedRow.status == "pending")
        )
        unclassified = session.scalar(
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.classified_at.is_(None))
        )
    return pending == 0 and unclassified == 0


def _wait_done(app: App, run_id: int, marks: Path, timeout: float) -> Marks:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.5)
        seen = read_marks(marks)
        idle = time.time() - max(seen.last_start, seen.last_end)
        if seen.started == seen.ended and idle >= QUIET and _pipeline_done(app, run_id):
            return seen
    raise RuntimeError(f"the pipeline did not finish within {timeout:.0f} s")


def database_bytes(app: App) -> int:
    """The database's size on disk (SQLite: its files after a WAL checkpoint; PostgreSQL: the
    database)."""
    if app.engine.dialect.name == "sqlite":
        path = Path(str(app.engine.url.database))
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(file.stat().st_size for file in path.parent.glob(f"{path.name}*"))
    with app.engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_database_size(current_database())")))


def table_bytes(app: App) -> dict[str, int]:
    """Bytes on disk per table, its indexes included (SQLite: its pages, from ``dbstat``; an
    FTS5 index shows as its shadow tables; PostgreSQL: ``pg_total_relation_size``, TOAST
    included)."""
    if app.engine.dialect.name == "sqlite":
        query = (
            "SELECT s.tbl_name, SUM(d.pgsize) FROM dbstat AS d "
            "JOIN sqlite_schema AS s ON s.name = d.name GROUP BY s.tbl_name"
        )
    else:
        query = (
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
    with app.engine.connect() as connection:
        return {str(name): int(size) for name, size in connection.execute(text(query))}


def storage_detail(grown: dict[str, int], thousands: float) -> dict[str, float]:
    """MB per 1,000 documents: the pipeline's own tables (the outbox, which has its own line,
    left out) and the largest tables."""
    per = {name: size / thousands / 1e6 for name, size in grown.items() if size > 0}
    largest = sorted(per.items(), key=lambda item: -item[1])[:SHOWN_TABLES]
    return {
        "pipeline_mb": round(sum(v for k, v in per.items() if k != OUTBOX), 3),
        **{f"table_mb.{name}": round(size, 3) for name, size in largest},
    }


def _deliveries(app: App) -> int:
    with app.session() as session:
        return int(session.scalar(select(func.count()).select_from(AlertDelivery)) or 0)


def _broker_bytes(directory: Path) -> int:
    broker = directory / "data" / "broker.sqlite"
    return sum(path.stat().st_size for path in broker.parent.glob("broker.sqlite*"))


def stage_shares(busy: dict[str, float]) -> str:
    """Worker time by task, largest first: which stage bounds the run."""
    total = sum(busy.values()) or 1.0
    ranked = sorted(busy.items(), key=lambda item: -item[1])
    shares = ", ".join(
        f"{name.rsplit('.', 1)[-1]} {seconds / total:.0%}" for name, seconds in ranked
    )
    return f"worker time {total:.0f} s: {shares}"


def classification_alone(app: App, items: list[Release]) -> float:
    classifier = app.classifier
    started = time.perf_counter()
    for release in items:
        classifier.classify(release.title, release.text)
    return time.perf_counter() - started


def run_mode(mode: Mode, items: list[Release]) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = configure(
            data_dir=directory / "data",
            database_url=mode.database_url,
            broker_url=mode.broker_url,
            smtp_url=CLOSED_SMTP,
        )
        initialize(app)
        subscribe(app, make_rules(SUBSCRIPTIONS, subscribers=SUBSCRIBERS))
        empty = database_bytes(app)
        empty_tables = table_bytes(app)
        run_id, item_ids = stage(app, items)
        alone = classification_alone(app, items)
        marks = directory / "marks.log"
        with worker(
            directory / "data",
            mode.database_url,
            mode.broker_url,
            marks,
            CLOSED_SMTP,
            held=HELD,
        ):
            _wait_ready(app, marks)
            started = time.time()
            enqueue(app, item_ids)
            finished = _wait_done(app, run_id, marks, timeout=max(900.0, len(items) * 2.0))
        print(f"end_to_end[{mode.name}]: {stage_shares(busy_seconds(marks))}", file=sys.stderr)
        grown = database_bytes(app) - empty
        tables = table_bytes(app)
        grown_tables = {name: size - empty_tables.get(name, 0) for name, size in tables.items()}
        broker = _broker_bytes(directory) if mode.broker_url is None else 0
        deliveries = _deliveries(app)
        app.dispose()
    seconds = finished.last_end - started
    thousands = len(items) / 1000
    raw = sum(len(f"{r.title}\n{r.text}".encode()) for r in items)
    broker_note = f", broker file {broker / thousands / 1e6:.1f} MB/1,000" if broker else ""
    outbox = grown_tables.get(OUTBOX, 0)
    detail = storage_detail(grown_tables, thousands)
    return [
        Result(
            name=f"end_to_end_documents_per_second[{mode.name}]",
            value=len(items) / seconds,
            unit="docs/s",
            baseline=f"classification alone on the same {len(items):,} documents "
            f"({finished.ended - 1:,} tasks; target 25 embedded, 100 PostgreSQL + Redis)",
            baseline_value=len(items) / alone,
        ),
        Result(
            name=f"database_mb_per_1000_documents[{mode.name}]",
            value=(grown - outbox) / thousands / 1e6,
            unit="MB",
            baseline=f"the documents' own text, UTF-8 (target 15 MB; the database's growth "
            f"less the outbox, reported on its own line{broker_note})",
            baseline_value=raw / thousands / 1e6,
            detail={"whole_mb": round(grown / thousands / 1e6, 3), **detail},
        ),
        Result(
            name=f"outbox_mb_per_1000_documents[{mode.name}]",
            value=outbox / thousands / 1e6,
            unit="MB",
            baseline=f"the documents' own text, UTF-8 ({deliveries / len(items):.0f} "
            f"deliveries a document for {SUBSCRIBERS:,} subscribers with {SUBSCRIPTIONS:,} "
            "rules; `zonewatch prune` removes sent rows)",
            baseline_value=raw / thousands / 1e6,
        ),
    ]


@contextmanager
def _servers() -> Iterator[Mode | None]:
    """PostgreSQL + Redis as the tests start them, or None (with a note) when they cannot."""
    from tests.testkit.servers import ServerUnavailableError, start_postgres, start_redis

    try:
        postgres = start_postgres()
    except ServerUnavailableError as exc:
        print(f"end_to_end[postgres+redis]: skipped, {exc}", file=sys.stderr)
        yield None
        return
    try:
        redis = start_redis()
    except ServerUnavailableError as exc:
        postgres.stop()
        print(f"end_to_end[postgres+redis]: skipped, {exc}", file=sys.stderr)
        yield None
        return
    try:
        yield Mode("postgres+redis", postgres.create_database("bench"), redis.url)
    finally:
        redis.cleanup()
        postgres.stop()


def end_to_end(limit: int | None = None) -> list[Result]:
    if not CORPUS.exists():
        print("end_to_end: no corpus at ../shared/corpus; skipped", file=sys.stderr)
        return []
    items = releases(limit)
    results = run_mode(Mode("embedded", None, None), items)
    with _servers() as scaled:
        if scaled is not None:
            results += run_mode(scaled, items)
    return results


BENCHMARKS = [end_to_end]
