"""A killed ``zonewatch crawl`` leaves no orphan, no run running for ever, and no rollback.

Each test runs the real command as a subprocess against the replay server, with one article
made slow so that the crawl is surely mid-run when it is killed.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.crawlers.conftest import current_versions
from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from tests.testkit.workers import ZONEWATCH, Sent, record_sent, wait_until, zonewatch_env
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.crawlers.service import crawl_now
from zonewatch.models import CrawlRun, FetchedItem
from zonewatch.models.base import utcnow
from zonewatch.replay.server import ReplayServer

SOURCE = "ifez-press"
HOST = "www.ifez.go.kr"
EDITED = "669391"  # 597억 원 in state 0, 650억 원 from state 1 on
SLOW_ARTICLE = r"pst_sn=669399"
HEARTBEAT = 0.5


@pytest.fixture
def app(tmp_path: Path, replay_server: ReplayServer) -> Iterator[App]:  # noqa: F811
    """An initialised zonewatch on a SQLite file that the subprocesses share."""
    instance = configure(
        data_dir=tmp_path / "data",
        replay_url=replay_server.url,
        allowed_private_hosts="127.0.0.1",
        crawl_delay_scale=0,
        broker_url="memory://",
        crawl_heartbeat_seconds=HEARTBEAT,
    )
    initialize(instance)
    yield instance
    instance.dispose()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Follow-ups sent by tasks, as (task name, args); nothing is published."""
    return record_sent(monkeypatch)


def start_crawl(app: App, server: ReplayServer) -> subprocess.Popen[bytes]:
    """``zonewatch crawl ifez-press --replay URL`` in the background, as an operator runs it."""
    env = zonewatch_env(app.settings.data_dir, database_url=app.settings.effective_database_url)
    env["ZONEWATCH_CRAWL_HEARTBEAT_SECONDS"] = str(HEARTBEAT)
    return subprocess.Popen(
        [ZONEWATCH, "crawl", SOURCE, "--replay", server.url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def crawl_children(run_id: int, parent: int) -> list[int]:
    """Live crawl processes of ``run_id`` started by ``parent`` (a zombie's cmdline is empty:
    it is not counted; other test runs on the machine have runs numbered 1 too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"zonewatch.crawlers.child" in argv and argv[-3:-1] == [
            str(run_id).encode(),
            str(parent).encode(),
        ]:
            found.append(int(entry.name))
    return found


def the_run(app: App) -> CrawlRun:
    with app.session() as session:
        run = session.scalars(select(CrawlRun).where(CrawlRun.source_id == SOURCE)).first()
        assert run is not None
        return run


def mid_crawl(app: App, command: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Wait until the crawl has staged the edited article; (run id, crawl process pid)."""

    def staged() -> tuple[int, int] | None:
        assert command.poll() is None, "zonewatch crawl ended before it was killed"
        with app.session() as session:
            row = session.scalars(
                select(FetchedItem).where(FetchedItem.external_id == EDITED)
            ).first()
        if row is None:
            return None
        children = crawl_children(row.run_id, command.pid)
        return (row.run_id, children[0]) if children else None

    return wait_until(staged, 120, lambda: f"runs: {the_run(app).status}", "edited item staged")


def apply(app: App, name: str, *args: Any) -> Any:
    return app.celery.tasks[name].apply(args=list(args), throw=True).get()


def slow_down(server: ReplayServer) -> None:
    server.set_fault(HOST, "slow", SLOW_ARTICLE, seconds=120)


def test_kill_9_of_zonewatch_crawl_leaves_no_orphan_and_no_run_running(
    app: App,
    replay_server: ReplayServer,  # noqa: F811
    sent: Sent,
) -> None:
    slow_down(replay_server)
    command = start_crawl(app, replay_server)
    run_id, _ = mid_crawl(app, command)

    command.send_signal(signal.SIGKILL)
    command.wait()

    wait_until(
        lambda: not crawl_children(run_id, command.pid),
        10,
        lambda: f"crawl processes left: {crawl_children(run_id, command.pid)}",
        "the crawl process died with its parent",
    )
    assert the_run(app).status == "running"  # nobody was left to record anything
    wait_until(
        lambda: apply(app, "zonewatch.requeue_stalled")["abandoned"] == 1,
        HEARTBEAT * 20,
        lambda: f"run: {the_run(app).status} heartbeat {the_run(app).heartbeat_at}",
        "the stalled-run pass finalises the abandoned run",
    )
    run = the_run(app)
    assert run.status == "failed"
    assert run.finished_at is not None
    assert [error["kind"] for error in run.errors] == ["abandoned"]
    assert f"pid {run.child_pid}" in run.errors[0]["message"]
    assert apply(app, "zonewatch.requeue_stalled")["abandoned"] == 0


def test_items_of_a_killed_crawl_ingested_late_do_not_roll_back_a_document(
    app: App,
    replay_server: ReplayServer,  # noqa: F811
    sent: Sent,
) -> None:
    slow_down(replay_server)
    command = start_crawl(app, replay_server)
    killed_run, _ = mid_crawl(app, command)  # it staged the article saying 597억 원
    command.send_signal(signal.SIGKILL)
    command.wait()

    replay_server.clear_faults()
    replay_server.set_state(1)  # a day later the article says 650억 원
    assert crawl_now(app, SOURCE)["status"] == "ok"
    assert "650억" in current_versions(app, SOURCE)[EDITED].text

    # Ten minutes on, the safety net sends the killed crawl's staged items to ingest.
    with app.session() as session:
        session.execute(
            update(FetchedItem)
            .where(FetchedItem.run_id == killed_run)
            .values(fetched_at=utcnow() - dt.timedelta(minutes=30))
        )
    sent.clear()
    apply(app, "zonewatch.requeue_stalled")
    late = [args[0] for name, args in sent if name == "zonewatch.ingest_items"]
    assert late
    results = {word for batch in late for word in apply(app, "zonewatch.ingest_items", batch)}

    assert "superseded" in results
    current = current_versions(app, SOURCE)[EDITED]
    assert "650억" in current.text
    assert "597억" not in current.text
    with app.session() as session:
        stale = session.scalars(
            select(FetchedItem).where(
                FetchedItem.run_id == killed_run, FetchedItem.external_id == EDITED
            )
        ).one()
        assert stale.status == "superseded"
        assert stale.payload is not None  # kept as a record of what was fetched
        assert "597억" in stale.payload["text"]


def test_a_crawl_process_killed_from_outside_is_killed_not_timed_out(
    app: App,
    replay_server: ReplayServer,  # noqa: F811
) -> None:
    slow_down(replay_server)
    command = start_crawl(app, replay_server)
    _, child = mid_crawl(app, command)

    os.kill(child, signal.SIGKILL)  # the operator, or the OOM killer
    status = command.wait(timeout=120)  # zonewatch crawl reports the run and ends

    run = the_run(app)
    assert run.status in ("failed", "partial")
    assert status == {"failed": 1, "partial": 3}[run.status], "and says it did not work"
    messages = [error["message"] for error in run.errors if error["kind"] == "process"]
    assert len(messages) == 1
    assert messages[0].startswith("crawl process killed (signal 9, SIGKILL)")
    assert "timed out" not in messages[0]


def test_sigterm_to_zonewatch_crawl_kills_its_crawl_process_and_says_why(
    app: App,
    replay_server: ReplayServer,  # noqa: F811
) -> None:
    slow_down(replay_server)
    command = start_crawl(app, replay_server)
    run_id, _ = mid_crawl(app, command)

    command.send_signal(signal.SIGTERM)
    assert command.wait(timeout=60) == 128 + signal.SIGTERM

    assert not crawl_children(run_id, command.pid)
    run = the_run(app)
    assert run.status != "running"
    assert run.finished_at is not None
    assert [error["message"] for error in run.errors if error["kind"] == "process"] == [
        "crawl process killed because zonewatch was stopped: it got SIGTERM"
    ]
