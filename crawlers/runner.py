"""Start a crawl of one source in a child process and record how it went."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy import func, select

from zonewatch.app import App
from zonewatch.config.settings import Settings
from zonewatch.errors import NotFoundError
from zonewatch.models import CrawlRun, FetchedItem, Source
from zonewatch.models.base import utcnow

STDERR_TAIL = 2000
PROGRESS_INTERVAL = 0.5


def settings_environment(settings: Settings) -> dict[str, str]:
    """The parent's settings as ZONEWATCH_* variables, so the child sees exactly the same."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, tuple | list):
            value = ",".join(str(part) for part in value)
        if isinstance(value, SecretStr):  # str() of a secret is asterisks
            value = value.get_secret_value()
        env[f"ZONEWATCH_{name.upper()}"] = str(value)
    return env


def create_run(app: App, source_id: str, trigger: str) -> int:
    with app.session() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
        run = CrawlRun(source_id=source_id, trigger=trigger, status="queued")
        session.add(run)
        session.flush()
        return run.id


@dataclass(frozen=True)
class ChildResult:
    returncode: int
    stderr_tail: str


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
        run.status = "running"
    log_path = app.settings.data_dir / "logs" / f"crawl-{run_id}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "zonewatch.crawlers.child", str(run_id)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        code = _wait(app, process, run_id, on_progress)
    tail = log_path.read_bytes()[-STDERR_TAIL:].decode("utf-8", errors="replace")
    if code not in (0, 3):
        _record_crash(app, run_id, code, tail)
    return ChildResult(code, tail)


def _wait(
    app: App,
    process: subprocess.Popen[bytes],
    run_id: int,
    on_progress: Callable[[int], None] | None,
) -> int:
    """The child's exit status, or -9 when it outlived its time limit and was killed."""
    deadline = time.monotonic() + app.settings.crawl_timeout_seconds + 60
    while time.monotonic() < deadline:
        try:
            return process.wait(timeout=PROGRESS_INTERVAL)
        except subprocess.TimeoutExpired:
            if on_progress is not None:
                on_progress(_staged(app, run_id))
    process.kill()
    process.wait()
    return -9


def _staged(app: App, run_id: int) -> int:
    with app.session() as session:
        count = session.scalar(
            select(func.count()).select_from(FetchedItem).where(FetchedItem.run_id == run_id)
        )
        return int(count or 0)


def _record_crash(app: App, run_id: int, code: int, tail: str) -> None:
    last_line = next((line for line in reversed(tail.splitlines()) if line.strip()), "")
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        message = "crawl process timed out" if code == -9 else f"crawl process exited {code}"
        run.errors = [
            *run.errors,
            {"kind": "process", "message": f"{message}: {last_line}"[:500], "url": None},
        ]
        run.error_count = len(run.errors)
        run.finished_at = run.finished_at or utcnow()
