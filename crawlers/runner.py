"""Start a crawl of one source in a child process and record how it went.

The child is tied to this process (see lifeline): it dies with it, and when this process is
told to stop (Ctrl-C, SIGTERM) or fails it kills the child's whole group first. However the
child ends, the run records it as it was: its own exit status, killed by a signal from outside,
timed out by us, or stopped because we were; a run whose parent died too is found by its
stale heartbeat (health.abandon_stalled_runs).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.config.settings import settings_environment
from zonewatch.crawlers.health import abandon_stalled_runs, finalize_run
from zonewatch.crawlers.lifeline import EXIT_SKIPPED, die_with_parent, kill_group
from zonewatch.crawlers.run_errors import RunError, RunErrorKind
from zonewatch.errors import NotFoundError
from zonewatch.models import CrawlRun, FetchedItem, Source
from zonewatch.models.base import utcnow
from zonewatch.models.enums import CrawlRunStatus

STDERR_TAIL = 2000
PROGRESS_INTERVAL = 0.5
TIMEOUT_GRACE_SECONDS = 60
"""Scrapy closes the spider at crawl_timeout_seconds; this is how long it may take to stop."""


def create_run(app: App, source_id: str, trigger: str) -> int:
    """A queued run, committed (see :func:`add_run`)."""
    with app.session() as session:
        return add_run(session, source_id, trigger, app.settings.crawl_heartbeat_seconds).id


def add_run(session: Session, source_id: str, trigger: str, heartbeat_seconds: float) -> CrawlRun:
    """A queued run in ``session``; runs of the source whose process was lost are finalised
    first, so that a source crawled only from the command line does not keep them running
    for ever."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    abandon_stalled_runs(session, utcnow(), heartbeat_seconds, source_id)
    run = CrawlRun(source_id=source_id, trigger=trigger, status=CrawlRunStatus.QUEUED)
    session.add(run)
    session.flush()
    return run


@dataclass(frozen=True)
class ChildEnd:
    """How a crawl process ended, as its parent saw it (exactly one field is set)."""

    exit_code: int | None = None
    """It exited by itself with this status."""
    signal: int | None = None
    """It was killed by this signal, and not by us (the operator, the OOM killer)."""
    timed_out_after: float | None = None
    """We killed it: it ran longer than this many seconds."""
    stopped_because: str | None = None
    """We killed it because we were stopped ourselves (SIGTERM, Ctrl-C, an error)."""

    @classmethod
    def from_returncode(cls, code: int) -> ChildEnd:
        return cls(signal=-code) if code < 0 else cls(exit_code=code)

    @property
    def clean(self) -> bool:
        return self.exit_code in (0, EXIT_SKIPPED)

    def describe(self) -> str:
        if self.signal is not None:
            return f"crawl process killed (signal {self.signal}, {_signal_name(self.signal)})"
        if self.timed_out_after is not None:
            return f"crawl process timed out after {self.timed_out_after:.0f}s and was killed"
        if self.stopped_because is not None:
            return f"crawl process killed because zonewatch was stopped: {self.stopped_because}"
        return f"crawl process exited {self.exit_code}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"


@dataclass(frozen=True)
class ChildResult:
    end: ChildEnd
    stderr_tail: str


class StoppedError(BaseException):
    """Raised by our SIGTERM handler so that the crawl is cleaned up on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def run_child(
    app: App, run_id: int, on_progress: Callable[[int], None] | None = None
) -> ChildResult:
    """Run the crawl process to the end (or its time limit); the run row gets its outcome.

    ``on_progress`` is called about twice a second with the number of items staged so far.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env.update(settings_environment(app.settings))
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        run.started_at = utcnow()
        run.status = CrawlRunStatus.RUNNING
        run.heartbeat_at = run.started_at
        run.child_host = socket.gethostname()
    log_path = app.settings.data_dir / "logs" / f"crawl-{run_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "zonewatch.crawlers.child", str(run_id), str(os.getpid())],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent(os.getpid()),
        )
        end = _supervise(app, process, run_id, on_progress)
    tail = _tail(log_path)
    _record_end(app, run_id, end, tail)
    return ChildResult(end, tail)


def _supervise(
    app: App,
    process: subprocess.Popen[bytes],
    run_id: int,
    on_progress: Callable[[int], None] | None,
) -> ChildEnd:
    """Wait for the child; if we are stopped or fail meanwhile, its group dies first and the
    run says why before the stop goes on (SIGTERM then ends us with status 128+15)."""
    try:
        with _sigterm_unwinds():
            _remember_pid(app, run_id, process.pid)
            return _wait(app, process, run_id, on_progress)
    except BaseException as exc:
        kill_group(process.pid)
        process.wait()
        _record_stop(app, run_id, ChildEnd(stopped_because=_why(exc)))
        if isinstance(exc, StoppedError):
            raise SystemExit(128 + exc.signum) from None
        raise


def _why(exc: BaseException) -> str:
    if isinstance(exc, StoppedError):
        return f"it got {_signal_name(exc.signum)}"
    if isinstance(exc, KeyboardInterrupt):
        return "it got SIGINT (Ctrl-C)"
    return f"it failed: {exc!r}"[:300]


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Make SIGTERM unwind like Ctrl-C while we wait, where SIGTERM would otherwise kill us
    on the spot (its default action, in the main thread); a worker keeps its own handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise StoppedError(signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _wait(
    app: App,
    process: subprocess.Popen[bytes],
    run_id: int,
    on_progress: Callable[[int], None] | None,
) -> ChildEnd:
    """How the child ended; past its time limit we kill its group and say so."""
    limit = app.settings.crawl_timeout_seconds + TIMEOUT_GRACE_SECONDS
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            return ChildEnd.from_returncode(process.wait(timeout=PROGRESS_INTERVAL))
        except subprocess.TimeoutExpired:
            if on_progress is not None:
                on_progress(_staged(app, run_id))
    kill_group(process.pid)
    process.wait()
    return ChildEnd(timed_out_after=limit)


def _staged(app: App, run_id: int) -> int:
    with app.session() as session:
        count = session.scalar(
            select(func.count()).select_from(FetchedItem).where(FetchedItem.run_id == run_id)
        )
        return int(count or 0)


def _remember_pid(app: App, run_id: int, pid: int) -> None:
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        run.child_pid = pid


def _tail(log_path: Path) -> str:
    return log_path.read_bytes()[-STDERR_TAIL:].decode("utf-8", errors="replace")


def _record_end(app: App, run_id: int, end: ChildEnd, tail: str) -> None:
    """The child is over: its end time is set whatever happened (a run with an end time is
    no longer watched for heartbeats), and a bad end is one of the run's errors."""
    last_line = next((line for line in reversed(tail.splitlines()) if line.strip()), "")
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        if not end.clean:
            message = f"{end.describe()}: {last_line}" if last_line else end.describe()
            run.errors = [*run.errors, RunError(RunErrorKind.PROCESS, message).as_json()]
            run.error_count = len(run.errors)
        run.finished_at = run.finished_at or utcnow()


def _record_stop(app: App, run_id: int, end: ChildEnd) -> None:
    """We are being stopped: record why and finalise the run now, as this process will not
    get to it (staged items stay pending for requeue_stalled, which cannot roll back)."""
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        run.errors = [*run.errors, RunError(RunErrorKind.PROCESS, end.describe()).as_json()]
        run.error_count = len(run.errors)
        run.finished_at = run.finished_at or utcnow()
        session.flush()
        finalize_run(session, run_id)
