"""The pipeline under real processes: several workers, killed pool processes, a broker restart,
and more than one dispatcher; nothing may be lost and nothing done twice.

Crawls go to the replay server's small boards; every wait is bounded and says what it saw.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from tests.testkit import factories
from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from tests.testkit.servers import PostgresServer, RedisServer
from tests.testkit.workers import (
    PipelineState,
    WorkerProcess,
    add_subscribers,
    app_overrides,
    children_of,
    crawled_before,
    pipeline_state,
    queue_crawl,
    run_cli,
    start_worker,
    stop_all,
    tail,
    task_failures,
    task_retries,
    wait_until,
    zonewatch_env,
)
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.config.settings import load_settings
from zonewatch.ingest.services import apply_item
from zonewatch.models import CrawlRun, FetchedItem, SchedulerLease, Source
from zonewatch.models.base import utcnow
from zonewatch.replay.server import ReplayServer
from zonewatch.workers.broker_store import store_for
from zonewatch.workers.scheduling import DISPATCH_LEASE, claim_due_crawls

pytestmark = pytest.mark.slow

SMALL_SOURCES = ("daegu-press", "gfez-news", "kicox-news")
MORE_SOURCES = (*SMALL_SOURCES, "dgfez-press", "incheon-press")
SUBSCRIBED = "daegu-press"
PIPELINE_TIMEOUT = 120.0
UNFINALIZED_GRACE = 15.0  # finalize_run is one quick task after the last ingest


def redis_db(server: RedisServer, number: int) -> str:
    """A database of its own on the shared Redis, so no test sees another's messages."""
    return server.url.rsplit("/", 1)[0] + f"/{number}"


def postgres_database(server: PostgresServer) -> str:
    return server.create_database(f"zw_{uuid.uuid4().hex[:12]}")


def prepared_app(env: dict[str, str], sources: tuple[str, ...]) -> App:
    """Initialised, with the two test subscribers and each source's baseline crawl done, so
    that the crawls the test runs are news and go through matching and sending."""
    app = configure(load_settings(**app_overrides(env)))
    initialize(app)
    with app.session() as session:
        add_subscribers(session, SUBSCRIBED)
    for source_id in sources:
        crawled_before(app, source_id)
    return app


def report(app: App, workers: list[WorkerProcess]) -> Callable[[], str]:
    """What to print when a wait times out: the counts, and the end of every log."""

    def describe() -> str:
        parts = [f"state: {pipeline_state(app, SUBSCRIBED)}"]
        for worker in workers:
            parts.append(f"--- {worker.name} (exit {worker.process.poll()}) ---")
            parts.append(tail(worker.log_text(), 40))
        for crawl_log in sorted((app.settings.data_dir / "logs").glob("crawl-*.log")):
            parts.append(
                f"--- {crawl_log.name} ---\n{tail(crawl_log.read_text(errors='replace'), 5)}"
            )
        return "\n".join(parts)

    return describe


def wait_for_pipeline(
    app: App,
    workers: list[WorkerProcess],
    what: str,
    while_waiting: Callable[[PipelineState], None] | None = None,
) -> PipelineState:
    first_seen: dict[int, float] = {}

    def check() -> PipelineState | None:
        state = pipeline_state(app, SUBSCRIBED)
        if state.complete:
            return state
        now = time.monotonic()
        for run_id in state.unfinalized_runs:
            if now - first_seen.setdefault(run_id, now) > UNFINALIZED_GRACE:
                raise AssertionError(
                    f"{what}: crawl run {run_id} has every item ingested but was never "
                    f"finalized (no finalize_run was sent: see test_the_last_items_ingested_"
                    f"together_still_finalize_the_run)\nstate: {state}"
                )
        if while_waiting is not None:
            while_waiting(state)
        return None

    return wait_until(check, PIPELINE_TIMEOUT, report(app, workers), what)


def assert_consistent(state: PipelineState, crawls: int) -> None:
    """One document, version, new_document record per item (the baseline crawls' one release
    each included), and one delivery per subscriber and alerting event."""
    runs = 2 * crawls  # each source's baseline crawl, then the test's
    assert state.runs == runs
    assert state.run_statuses == {"ok": runs}, state
    assert state.items >= 6 * crawls, state
    assert state.documents == state.versions == state.items, state
    assert state.max_versions_per_document == 1, state
    assert state.changes_by_kind == {"new_document": state.versions}, state
    assert state.events > 0, state
    assert state.deliveries == state.expected_deliveries, state


@pytest.fixture
def workers() -> Iterator[list[WorkerProcess]]:
    """Workers a test starts; all stopped at the end, whatever happened."""
    started: list[WorkerProcess] = []
    yield started
    stop_all(started)


# --- a. embedded mode: two workers on one SQLite data directory --------------------------------


def test_two_embedded_workers_share_one_data_directory(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    workers: list[WorkerProcess],
) -> None:
    env = zonewatch_env(tmp_path / "data", replay_url=replay_server.url)
    app = prepared_app(env, SMALL_SOURCES)
    try:
        workers += [
            start_worker(env, tmp_path / "logs", f"worker-{n}", concurrency=1) for n in (1, 2)
        ]
        for worker in workers:
            worker.wait_ready()
        for source_id in SMALL_SOURCES:
            queue_crawl(env, source_id)

        state = wait_for_pipeline(app, workers, "three crawls through two embedded workers")

        assert_consistent(state, crawls=len(SMALL_SOURCES))
        for worker in workers:
            log = worker.log_text()
            assert task_failures(log) == [], f"{worker.name} reported failures:\n{tail(log)}"
            assert "succeeded" in log, f"{worker.name} did no work:\n{tail(log)}"
        retries = [line for w in workers for line in task_retries(w.log_text())]
        assert retries == [], "tasks were retried (database locked?):\n" + "\n".join(retries)
    finally:
        app.dispose()


# --- b. Redis + PostgreSQL: pool processes killed mid-batch ------------------------------------


class TableLock:
    """An EXCLUSIVE lock on a table (reads go on, writes wait): tasks that write to it stop
    mid-transaction inside their pool process, where they can be killed for certain."""

    def __init__(self, app: App, table: str) -> None:
        self.table = table
        self.connection = app.engine.connect()
        self.transaction = self.connection.begin()
        self.connection.exec_driver_sql(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        self.since = time.monotonic()
        self.first_blocked: float | None = None

    def release(self) -> None:
        self.transaction.rollback()
        self.connection.close()


def blocked_sessions(app: App) -> int:
    """Pipeline tasks waiting on the lock. Crawl processes staging items wait on it too (the
    staged row refers to document_versions), but they are not pool processes: counting them
    would make the kills land before any pipeline task stopped."""
    with app.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    "AND query NOT ILIKE 'INSERT INTO fetched_items%'"
                )
            ).scalar_one()
        )


def unacked_tasks(broker_url: str) -> list[str]:
    """Task names in Redis's unacknowledged set: given back only after the visibility timeout."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        # kombu keeps each as JSON [message, exchange, routing key]
        messages = [json.loads(raw)[0] for raw in client.hvals("unacked")]
        return [str(message.get("headers", {}).get("task", "?")) for message in messages]
    finally:
        client.close()


def requeued_tasks(workers: list[WorkerProcess]) -> Counter[str]:
    """Task names whose message was delivered more than once (requeued after a lost worker)."""
    deliveries = Counter(
        match.groups()
        for worker in workers
        for match in re.finditer(r"Task ([\w.]+)\[([0-9a-f-]+)\] received", worker.log_text())
    )
    return Counter(name for (name, _), count in deliveries.items() for _ in range(count - 1))


@pytest.mark.integration
def test_killed_pool_processes_lose_and_duplicate_nothing(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    redis_server: RedisServer,
    postgres_server: PostgresServer,
    workers: list[WorkerProcess],
) -> None:
    """SIGKILL of prefork children mid-batch: their task goes back to the queue at once
    (acks_late with reject_on_worker_lost) and runs again; the unique keys make every repeat
    harmless, and every item still ends up processed.

    Pipeline tasks take milliseconds, so a random kill nearly always finds a crawl: twice a
    table is locked so that the ingest stage, then the alert matching, wait mid-transaction in
    the pool processes, and those are killed. A few random kills follow (they hit crawls).

    (A whole worker killed is another matter: Redis gives its unacknowledged messages back
    after ZONEWATCH_TASK_VISIBILITY_TIMEOUT_SECONDS, and kombu 5.7 only looks every ~100 s.)
    """
    env = zonewatch_env(
        tmp_path / "data",
        replay_url=replay_server.url,
        database_url=postgres_database(postgres_server),
        broker_url=redis_db(redis_server, 2),
    )
    app = prepared_app(env, MORE_SOURCES)
    staged_before = pipeline_state(app).items
    rng = random.Random(20261122)
    orphans: list[int] = []
    # Both tables are locked before the crawls are queued: ingest locks or inserts its batch's
    # documents first and the crawls' staging never writes there, and matching writes the
    # outbox; each stage, taking milliseconds, would otherwise be over before a lock taken
    # on seeing its input caught it.
    lock: list[TableLock] = []
    killed_while_blocked: dict[str, int] = {}
    random_kills: list[float] = []

    def not_crawling() -> list[tuple[WorkerProcess, int]]:
        return [(w, pid) for w in workers for pid in w.pool_pids() if not children_of(pid)]

    def kill(worker: WorkerProcess, pid: int) -> None:
        orphans.extend(children_of(pid))  # the crawl process it was running, if any
        worker.kill_pool_child(pid)

    def chaos(state: PipelineState) -> None:
        if lock:
            held = lock[0]
            if state.items <= staged_before:
                held.since = time.monotonic()
            blocked, targets = blocked_sessions(app), not_crawling()
            if blocked and held.first_blocked is None:
                held.first_blocked = time.monotonic()
            settled = held.first_blocked is not None and (
                blocked >= len(targets) or time.monotonic() - held.first_blocked > 3
            )
            if settled and targets:
                for worker, pid in targets:
                    kill(worker, pid)
                killed_while_blocked[held.table] = len(targets)
                held.release()
                lock.pop(0)
                if lock:
                    lock[0].since = time.monotonic()
            elif time.monotonic() - held.since > 40:
                raise AssertionError(
                    f"no task waited on {held.table} within 40 s "
                    f"({blocked} blocked sessions, {len(targets)} pool processes not crawling)"
                )
            return
        if len(random_kills) < 4 and time.monotonic() - max(random_kills, default=0) > 0.7:
            worker = rng.choice(workers)
            children = worker.pool_pids()
            if children:
                kill(worker, rng.choice(children))
                random_kills.append(time.monotonic())

    try:
        workers += [
            start_worker(env, tmp_path / "logs", f"worker-{n}", concurrency=2) for n in (1, 2)
        ]
        for worker in workers:
            worker.wait_ready()
        lock += [TableLock(app, "documents"), TableLock(app, "alert_deliveries")]
        for source_id in MORE_SOURCES:
            queue_crawl(env, source_id)

        state = wait_for_pipeline(app, workers, "crawls while pool processes are killed", chaos)

        requeued = requeued_tasks(workers)
        assert set(killed_while_blocked) == {"documents", "alert_deliveries"}, (
            f"pool processes were not killed in both stages: {killed_while_blocked}"
        )
        ingest_stage = {
            "zonewatch.ingest_items",
            "zonewatch.classify_versions",
            "zonewatch.build_changes",
        }
        assert ingest_stage & set(requeued), f"no ingest-stage task was requeued: {requeued}"
        alert_stage = {"zonewatch.match_events", "zonewatch.send_deliveries"}
        assert alert_stage & set(requeued), f"no alert-stage task was requeued: {requeued}"
        assert_consistent(state, crawls=len(MORE_SOURCES))
        print(
            f"pool processes killed while blocked: {killed_while_blocked}, at random: "
            f"{len(random_kills)}; delivered again: {dict(requeued)}"
        )
    finally:
        for held in lock:
            held.release()
        app.dispose()
        wait_for_orphans(orphans)


def wait_for_orphans(pids: list[int], timeout: float = 30) -> None:
    """Crawl processes whose parent was killed run to their end; do not leave them behind."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- c. Redis restarted mid-run ---------------------------------------------------------------


@pytest.mark.integration
def test_a_broker_restart_mid_run_loses_nothing(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    redis_server: RedisServer,
    postgres_server: PostgresServer,
    workers: list[WorkerProcess],
) -> None:
    """Redis restarts (AOF on) while tasks run. Workers that exit are started again, as the
    compose file's ``restart: unless-stopped`` does; the run must still complete in time."""
    broker_url = redis_db(redis_server, 3)
    env = zonewatch_env(
        tmp_path / "data",
        replay_url=replay_server.url,
        database_url=postgres_database(postgres_server),
        broker_url=broker_url,
    )
    env["ZONEWATCH_TASK_VISIBILITY_TIMEOUT_SECONDS"] = "20"
    app = prepared_app(env, SMALL_SOURCES)
    staged_before = pipeline_state(app).items
    restarted: list[PipelineState] = []
    exits: dict[str, str] = {}

    def restart_redis_while_crawls_run(state: PipelineState) -> None:
        # The first staged item means a crawl task is running: a message is in flight.
        if not restarted and state.items > staged_before:
            restarted.append(state)
            redis_server.restart()
        for worker in list(workers):
            if worker.process.poll() is not None and worker.name not in exits:
                critical = [line for line in worker.log_text().splitlines() if "CRITICAL" in line]
                exits[worker.name] = f"status {worker.process.returncode}: {critical}"
                workers.append(
                    start_worker(env, tmp_path / "logs", f"{worker.name}-again", concurrency=2)
                )

    def describe() -> str:
        return (
            f"workers that exited: {exits}\n"
            f"in Redis 'unacked' (back after the visibility timeout, 20 s, and kombu's "
            f"restore sweep, ~100 s): "
            f"{unacked_tasks(broker_url)}\n{report(app, workers)()}"
        )

    try:
        workers += [
            start_worker(env, tmp_path / "logs", f"worker-{n}", concurrency=2) for n in (1, 2)
        ]
        for worker in workers:
            worker.wait_ready()
        for source_id in SMALL_SOURCES:
            queue_crawl(env, source_id)

        def check() -> PipelineState | None:
            state = pipeline_state(app, SUBSCRIBED)
            if state.complete:
                return state
            restart_redis_while_crawls_run(state)
            return None

        state = wait_until(check, 60, describe, "crawls across a Redis restart")

        assert restarted, "the run finished before Redis could be restarted"
        assert not restarted[0].complete
        assert_consistent(state, crawls=len(SMALL_SOURCES))
        assert exits == {}, f"workers exited on the broker restart: {exits}"
    finally:
        app.dispose()


FAILING_WORKER = """
from celery.worker.consumer.consumer import Consumer

def fail(self):
    raise RuntimeError("the consumer failed")

Consumer.start = fail
from zonewatch.cli.main import main

main(["worker", "--concurrency", "1"])
"""


def test_a_worker_stopped_by_an_error_exits_non_zero(tmp_path: Path) -> None:
    """Celery logs 'Unrecoverable error' and stops with EX_FAILURE; `zonewatch worker` must
    pass that on, or a supervisor restarting on failure (systemd Restart=on-failure) never
    does."""
    result = subprocess.run(
        [sys.executable, "-c", FAILING_WORKER],
        env=zonewatch_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Unrecoverable error: RuntimeError('the consumer failed')" in output, tail(output)
    assert result.returncode != 0, "the worker failed but `zonewatch worker` exited 0"


POISONED_WORKER = """
import os, signal
from celery import shared_task
from zonewatch.cli.main import main

@shared_task(name="tests.poison")
def poison():
    os.kill(os.getpid(), signal.SIGKILL)

main(["worker", "--concurrency", "1"])
"""


def test_a_task_that_kills_its_worker_every_time_becomes_a_dead_letter(
    tmp_path: Path, workers: list[WorkerProcess]
) -> None:
    """A real prefork worker whose pool process dies on each run of one task: the task goes
    back (reject_on_worker_lost) ``ZONEWATCH_BROKER_MAX_DELIVERIES`` times, then the broker
    sets it aside with one log line, the worker goes on taking other tasks, and
    ``zonewatch dead-letters`` lists it."""
    env = zonewatch_env(tmp_path / "data")
    env["ZONEWATCH_BROKER_MAX_DELIVERIES"] = "3"
    run_cli(env, "init")
    log = tmp_path / "poisoned.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", POISONED_WORKER], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    worker = WorkerProcess(name="poisoned", process=process, log=log)
    workers.append(worker)
    worker.wait_ready()
    app = configure(load_settings(**app_overrides(env)))
    try:
        sent = app.celery.send_task("tests.poison")
        store = store_for(app.settings.effective_broker_url.removeprefix("sqla+"))
        wait_until(
            lambda: store.dead_letters(),
            90,
            lambda: tail(worker.log_text()),
            "the poison task set aside",
        )
        assert store.count_all() == 0
        line = f"tests.poison[{sent.id}] set aside as a dead letter after 3 deliveries"
        assert line in worker.log_text()
        killed = worker.log_text().count("exited with 'signal 9 (SIGKILL)'")
        assert killed == 3, tail(worker.log_text())
        assert worker.process.poll() is None, "the worker stopped"
        listed = json.loads(run_cli(env, "dead-letters", "--json"))
        assert [(row["task"], row["task_id"], row["deliveries"]) for row in listed] == [
            ("tests.poison", sent.id, 3)
        ]
    finally:
        app.dispose()


# --- d. more than one dispatcher --------------------------------------------------------------

DISPATCHER = """
import json, sys
from zonewatch.app import configure

app = configure(data_dir=sys.argv[1], database_url=sys.argv[2], broker_url="memory://")
task = app.celery.tasks["zonewatch.dispatch_due_crawls"]
with app.engine.connect():
    pass  # connected before the start signal, so that all start together
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps(task.apply(throw=True).get()), flush=True)
"""
DUE = ("daegu-press", "gfez-news", "kicox-news", "busan-press")


def make_due(app: App, now: dt.datetime) -> None:
    """Only the DUE sources are due (a minute ago); all others much later."""
    with app.session() as session:
        session.execute(update(Source).values(next_run_at=now + dt.timedelta(days=1)))
        session.execute(
            update(Source)
            .where(Source.id.in_(DUE))
            .values(next_run_at=now - dt.timedelta(minutes=1))
        )


def runs_per_source(app: App) -> dict[str, int]:
    with app.session() as session:
        rows = (
            session.execute(select(CrawlRun.source_id, func.count()).group_by(CrawlRun.source_id))
            .tuples()
            .all()
        )
        return dict(rows)


def test_concurrent_dispatchers_queue_each_due_crawl_once(
    tmp_path: Path, fresh_database_url: str
) -> None:
    """Four processes run the beat's dispatch task at the same moment, twice: first with no
    lease yet, then with an expired one; one run per due source each time."""
    app = configure(
        data_dir=tmp_path / "data", database_url=fresh_database_url, broker_url="memory://"
    )
    initialize(app)
    try:
        for round_number in (1, 2):
            if round_number == 2:
                with app.session() as session:
                    lease = session.get(SchedulerLease, DISPATCH_LEASE)
                    assert lease is not None
                    lease.holder, lease.expires_at = "old-beat", utcnow() - dt.timedelta(seconds=1)
            make_due(app, utcnow())
            processes = [
                subprocess.Popen(
                    [sys.executable, "-c", DISPATCHER, str(tmp_path / f"d{n}"), fresh_database_url],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for n in range(4)
            ]
            for process in processes:  # all started and connected ...
                assert process.stdout is not None
                line = process.stdout.readline()
                assert line == "ready\n", f"a dispatcher did not start: {line!r}"
            for process in processes:  # ... then all at once
                assert process.stdin is not None
                process.stdin.write("go\n")
                process.stdin.flush()
            results = []
            for process in processes:
                out, err = process.communicate(timeout=60)
                assert process.returncode == 0, f"a dispatcher failed:\n{err}"
                results.append(json.loads(out.strip().splitlines()[-1]))

            dispatched = [run_id for result in results for run_id in result]
            assert len([r for r in results if r]) == 1, f"round {round_number}: {results}"
            assert len(dispatched) == len(set(dispatched)) == len(DUE), results
            assert runs_per_source(app) == dict.fromkeys(DUE, round_number)
    finally:
        app.dispose()


def test_racing_claims_without_the_lease_still_claim_each_source_once(
    tmp_path: Path, fresh_database_url: str
) -> None:
    """The lease aside (two beats each believing they hold it), the compare-and-set on
    next_run_at alone lets only one claim through per source."""
    app = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    initialize(app)
    try:
        now = utcnow()
        make_due(app, now)
        racers = 8
        barrier = threading.Barrier(racers)

        def claim(seed: int) -> list[str]:
            with app.session() as session:
                barrier.wait(timeout=30)
                return [
                    d.source_id
                    for d in claim_due_crawls(session, now, app.settings.tz, random.Random(seed))
                ]

        with ThreadPoolExecutor(racers) as pool:
            claimed = [source for result in pool.map(claim, range(racers)) for source in result]

        assert sorted(claimed) == sorted(DUE)
        assert runs_per_source(app) == dict.fromkeys(DUE, 1)
    finally:
        app.dispose()


# --- the end of a run, when its last items are ingested at the same time ------------------------


@pytest.mark.integration
def test_the_last_items_ingested_together_still_finalize_the_run(
    tmp_path: Path, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers ingest the last two items of a run at the same time. Each counts the run's
    pending items inside its own transaction, sees the other's item still pending, and so
    neither sends finalize_run: the run would stay 'running' for ever."""
    app = configure(
        data_dir=tmp_path / "data",
        database_url=postgres_database(postgres_server),
        broker_url="memory://",
    )
    initialize(app)
    sent: list[tuple[str, tuple[Any, ...]]] = []
    lock = threading.Lock()

    def record(celery: Any, task_name: str, arguments: Sequence[Sequence[Any]]) -> int:
        with lock:
            sent.extend((task_name, tuple(args)) for args in arguments)
        return len(arguments)

    # Both ingests have written their item before either counts what is left.
    barrier = threading.Barrier(2)

    def ingest_then_wait(session: Any, fetched_item_id: int) -> Any:
        result = apply_item(session, fetched_item_id)
        barrier.wait(timeout=30)
        return result

    monkeypatch.setattr("zonewatch.workers.bulk.publish_many", record)
    monkeypatch.setattr("zonewatch.workers.pipeline.apply_item", ingest_then_wait)
    try:
        with app.session() as session:
            source = session.get(Source, "daegu-press")
            assert source is not None
            run = factories.crawl_run(session, source)
            items = [
                factories.fetched(
                    session, run, external_id, title=f"보도자료 제목 {external_id}"
                ).id
                for external_id in ("1", "2")
            ]
            run_id = run.id
        task = app.celery.tasks["zonewatch.ingest_items"]
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda i: task.apply(args=[(i,)], throw=True).get(), items))

        assert results == [["new"], ["new"]]
        with app.session() as session:
            pending = session.scalar(
                select(func.count()).select_from(FetchedItem).where(FetchedItem.status == "pending")
            )
        assert pending == 0
        assert ("zonewatch.finalize_runs", ((run_id,),)) in sent, (
            f"no finalize_run sent for run {run_id}; sent: {sent}"
        )
    finally:
        app.dispose()
