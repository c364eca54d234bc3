"""Helpers for tests that run real ``zonewatch worker`` processes against the pipeline.

* :func:`zonewatch_env` builds the environment a subprocess gets (only ZONEWATCH_* from us);
* :class:`WorkerProcess` is one started worker: its log, its pool processes, a clean stop;
* :func:`pipeline_state` counts what the pipeline has done so far, :func:`wait_until` polls a
  condition with a bound and says what it last saw when the bound is hit;
* :func:`crawled_before` gives a source its baseline crawl, so that the test's crawls are news;
* :func:`task_failures` picks the lines of a worker log that say a task failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tests.testkit import factories
from tests.testkit.keys import TEST_SECRET_KEY
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.crawlers.health import finalize_run
from zonewatch.ingest.services import IngestResult, ingest_fetched_item
from zonewatch.models import (
    AlertDelivery,
    ChangeRecord,
    CrawlRun,
    Document,
    DocumentVersion,
    FetchedItem,
    Source,
    Subscriber,
    Subscription,
)
from zonewatch.models.base import utcnow
from zonewatch.models.enums import ChangeKind, CrawlRunStatus

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))
FINISHED_RUN_STATUSES = (
    CrawlRunStatus.OK,
    CrawlRunStatus.PARTIAL,
    CrawlRunStatus.FAILED,
    CrawlRunStatus.SKIPPED,
)
T = TypeVar("T")


Sent = list[tuple[str, tuple[Any, ...]]]


def record_sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Record the follow-ups tasks send, in order, as (task name, args) instead of publishing
    them: ``publish_many`` is the one place they leave (see zonewatch.workers.base.enqueue)."""
    calls: Sent = []

    def record(celery: Any, task_name: str, arguments: Sequence[Sequence[Any]]) -> int:
        calls.extend((task_name, tuple(args)) for args in arguments)
        return len(arguments)

    monkeypatch.setattr("zonewatch.workers.bulk.publish_many", record)
    return calls


def zonewatch_env(
    data_dir: Path,
    *,
    replay_url: str | None = None,
    database_url: str | None = None,
    broker_url: str | None = None,
) -> dict[str, str]:
    """The environment of a zonewatch subprocess: ours, minus any ZONEWATCH_* of the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env["ZONEWATCH_DATA_DIR"] = str(data_dir)
    env["ZONEWATCH_CRAWL_DELAY_SCALE"] = "0"
    env["ZONEWATCH_ALLOWED_PRIVATE_HOSTS"] = "127.0.0.1"
    env["ZONEWATCH_SECRET_KEY"] = TEST_SECRET_KEY  # workers send mail: they need a key
    if replay_url:
        env["ZONEWATCH_REPLAY_URL"] = replay_url
    if database_url:
        env["ZONEWATCH_DATABASE_URL"] = database_url
    if broker_url:
        env["ZONEWATCH_BROKER_URL"] = broker_url
    return env


def app_overrides(env: dict[str, str]) -> dict[str, object]:
    """The same settings as ``env``, as ``configure(**overrides)`` takes them."""
    return {
        key.removeprefix("ZONEWATCH_").lower(): value
        for key, value in env.items()
        if key.startswith("ZONEWATCH_")
    }


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run ``zonewatch ARGS`` to the end; its stdout, or an AssertionError with its stderr."""
    result = subprocess.run(
        [ZONEWATCH, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise AssertionError(
            f"zonewatch {' '.join(args)} exited {result.returncode}:\n{result.stderr}"
        )
    return result.stdout


def queue_crawl(env: dict[str, str], source_id: str) -> int:
    """``zonewatch crawl SOURCE --now``; the id of the queued run."""
    out = run_cli(env, "crawl", source_id, "--now")
    match = re.search(r"queued crawl run (\d+)", out)
    assert match, f"unexpected output of `zonewatch crawl {source_id} --now`: {out!r}"
    return int(match.group(1))


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    killed_children: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log_text():
                return
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited {self.process.returncode} before it was ready:\n"
                    f"{tail(self.log_text())}"
                )
            time.sleep(0.2)
        raise AssertionError(
            f"worker {self.name} not ready within {timeout:.0f}s:\n{tail(self.log_text())}"
        )

    def pool_pids(self) -> list[int]:
        """The worker's pool processes (its direct children)."""
        return children_of(self.pid)

    def kill_pool_child(self, pid: int) -> bool:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        self.killed_children.append(pid)
        return True

    def stop(self, timeout: float = 60) -> int | None:
        """SIGTERM (warm shutdown), then SIGKILL if it does not end within ``timeout``."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for child in self.pool_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
            self.process.kill()
            self.process.wait(timeout=10)
            return None


def start_worker(
    env: dict[str, str], log_dir: Path, name: str, concurrency: int = 1
) -> WorkerProcess:
    """Start ``zonewatch worker -c N`` with its output in ``log_dir/NAME.log``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [ZONEWATCH, "worker", "--concurrency", str(concurrency)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    return WorkerProcess(name=name, process=process, log=log)


def stop_all(workers: Iterable[WorkerProcess]) -> None:
    for worker in workers:
        worker.stop()


def children_of(pid: int) -> list[int]:
    result = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(part) for part in result.stdout.split()]


def tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


_FAILURE = re.compile(r"Traceback|ERROR/|CRITICAL/|raised unexpected")


def task_failures(log_text: str) -> list[str]:
    """Lines of a worker log saying that something failed (tracebacks, ERROR records)."""
    return [line for line in log_text.splitlines() if _FAILURE.search(line)]


def task_retries(log_text: str) -> list[str]:
    return [line for line in log_text.splitlines() if "Retry in" in line]


def wait_until(
    check: Callable[[], T | None],
    timeout: float,
    describe: Callable[[], str],
    what: str,
    interval: float = 0.5,
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds with
    ``describe()`` (what the system looked like then) in the message."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f}s\n{describe()}")
        time.sleep(interval)


def add_subscribers(session: Session, source_id: str) -> None:
    """Two subscribers: one to everything, one to ``source_id`` only."""
    everything = Subscriber(email="everything@example.org", name="All changes")
    one_source = Subscriber(email="one-source@example.org", name="One source")
    session.add_all([everything, one_source])
    session.flush()
    session.add_all(
        [
            Subscription(subscriber_id=everything.id),
            Subscription(subscriber_id=one_source.id, source_id=source_id),
        ]
    )
    session.flush()


def crawl(
    app: App, source_id: str, *items: Mapping[str, Any], abandoned: bool = False
) -> list[IngestResult]:
    """A finished crawl run of ``source_id`` that fetched ``items`` (``factories.fetched``
    fields, ``external_id`` among them), each ingested; the run ends ``ok``, or ``failed``
    when its process was ``abandoned``. Classification and what follows are the caller's."""
    with app.session() as session:
        source = session.get(Source, source_id)
        assert source is not None, source_id
        run = factories.crawl_run(session, source)
        rows = [factories.fetched(session, run, **dict(item)) for item in items]
        results = [ingest_fetched_item(session, row.id) for row in rows]
        run.finished_at = utcnow()
        if abandoned:
            run.errors = [{"kind": "abandoned", "message": "lost", "url": None}]
            run.error_count = 1
        finalize_run(session, run.id)
    return results


def crawled_before(app: App, source_id: str) -> None:
    """A finished earlier crawl of ``source_id`` that stored one old release: the source's
    baseline (see zonewatch.changes.baseline), so that what a test crawls next is news.

    The release is years old, so no later crawl re-checks it when it is missing from a list."""
    (result,) = crawl(
        app,
        source_id,
        {
            "external_id": f"baseline-{source_id}",
            "title": "2020년 보도자료 목록 안내",
            "text": "지난 보도자료를 모아 안내합니다.",
            "published_at": dt.datetime(2020, 1, 6, 10, tzinfo=factories.KST),
        },
    )
    assert result.version_id is not None
    with app.session() as session:
        classify_version(session, result.version_id, app.classifier)
        records = session.scalars(
            select(ChangeRecord).where(
                ChangeRecord.id.in_(record_version_changes(session, result.version_id))
            )
        ).all()
        assert records
        assert all(record.baseline for record in records)


@dataclass(frozen=True)
class PipelineState:
    runs: int
    runs_finished: int
    run_statuses: dict[CrawlRunStatus, int]
    items: int
    items_pending: int
    documents: int
    versions: int
    versions_unclassified: int
    versions_without_change: int
    changes: int
    changes_by_kind: dict[ChangeKind, int]
    events: int
    """Events that alert: one delivery per subscriber they match, however many records."""
    deliveries: int
    expected_deliveries: int
    max_versions_per_document: int
    unfinalized_runs: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        """Every run finished, every item ingested, every version classified and recorded,
        every change matched to its subscribers."""
        return (
            self.runs > 0
            and self.runs_finished == self.runs
            and self.items > 0
            and self.items_pending == 0
            and self.versions_unclassified == 0
            and self.versions_without_change == 0
            and self.deliveries >= self.expected_deliveries
        )


def pipeline_state(app: App, subscribed_source: str | None = None) -> PipelineState:
    """Counts of everything the pipeline makes; deliveries expected from
    :func:`add_subscribers`: one per alerting event (not a baseline, minor, noise or a
    proposal), plus one per alerting event of ``subscribed_source``."""
    with app.session() as session:

        def count(statement: Select[tuple[int]]) -> int:
            return int(session.scalar(statement) or 0)

        statuses = dict(
            session.execute(select(CrawlRun.status, func.count()).group_by(CrawlRun.status))
            .tuples()
            .all()
        )
        kinds = dict(
            session.execute(select(ChangeRecord.kind, func.count()).group_by(ChangeRecord.kind))
            .tuples()
            .all()
        )
        recorded = select(ChangeRecord.new_version_id).where(
            ChangeRecord.new_version_id.is_not(None)
        )
        changes = count(select(func.count()).select_from(ChangeRecord))
        events = session.execute(
            select(ChangeRecord.event_key, ChangeRecord.source_id)
            .where(
                ChangeRecord.minor.is_(False),
                ChangeRecord.baseline.is_(False),
                ChangeRecord.review_status != "noise",
                ChangeRecord.event_key.not_like("proposal:%"),
            )
            .distinct()
        ).all()
        subscribed = sum(source == subscribed_source for _, source in events)
        per_document = (
            select(func.count().label("n"))
            .select_from(DocumentVersion)
            .group_by(DocumentVersion.document_id)
        )
        pending_runs = select(FetchedItem.run_id).where(FetchedItem.status == "pending")
        unfinalized = session.scalars(
            select(CrawlRun.id)
            .where(CrawlRun.status.not_in(FINISHED_RUN_STATUSES))
            .where(CrawlRun.finished_at.is_not(None))  # the crawl process has finished
            .where(CrawlRun.id.not_in(pending_runs))
            .where(CrawlRun.id.in_(select(FetchedItem.run_id)))
            .order_by(CrawlRun.id)
        ).all()
        return PipelineState(
            runs=sum(statuses.values()),
            runs_finished=sum(statuses.get(s, 0) for s in FINISHED_RUN_STATUSES),
            run_statuses=statuses,
            items=count(select(func.count()).select_from(FetchedItem)),
            items_pending=count(
                select(func.count()).select_from(FetchedItem).where(FetchedItem.status == "pending")
            ),
            documents=count(select(func.count()).select_from(Document)),
            versions=count(select(func.count()).select_from(DocumentVersion)),
            versions_unclassified=count(
                select(func.count())
                .select_from(DocumentVersion)
                .where(DocumentVersion.classified_at.is_(None))
            ),
            versions_without_change=count(
                select(func.count())
                .select_from(DocumentVersion)
                .where(DocumentVersion.technical.is_(False))
                .where(DocumentVersion.id.not_in(recorded))
            ),
            changes=changes,
            changes_by_kind=kinds,
            events=len(events),
            deliveries=count(select(func.count()).select_from(AlertDelivery)),
            expected_deliveries=(len(events) + subscribed) if subscribed_source else 0,
            max_versions_per_document=count(select(func.max(per_document.subquery().c.n))),
            unfinalized_runs=tuple(unfinalized),
        )
