"""A real worker process for benchmarks, reporting when each task body starts and ends.

The worker runs the project's Celery app (prefork, both cores) with two signal handlers that
append ``start|end UNIX-TIME TASK-NAME`` lines to a file: the benchmark then knows when the
last task ended (end-to-end time without polling slack) and when a task's body began (the hop
from enqueue), without changing any task.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORKER = """
import os, sys, time
from celery import signals
from zonewatch.app import configure

log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

def mark(kind, sender=None, task_id="", **_):
    name = getattr(sender, "name", "")
    os.write(log, f"{kind} {time.time():.6f} {name} {task_id}\\n".encode())

signals.task_prerun.connect(lambda **kw: mark("start", **kw), weak=False)
signals.task_postrun.connect(lambda **kw: mark("end", **kw), weak=False)
app = configure(data_dir=sys.argv[2], database_url=sys.argv[3] or None,
                broker_url=sys.argv[4] or None, smtp_url=sys.argv[5])
held = {name: {"queue": "bench-held"} for name in sys.argv[7].split(",") if name}
app.celery.conf.task_routes = {**dict(app.celery.conf.task_routes or {}), **held}
app.celery.worker_main(["worker", "--pool=prefork", f"--concurrency={sys.argv[6]}",
                        "--loglevel=WARNING"])
"""


@dataclass(frozen=True)
class Marks:
    starts: tuple[float, ...]
    ends: tuple[float, ...]

    @property
    def started(self) -> int:
        return len(self.starts)

    @property
    def ended(self) -> int:
        return len(self.ends)

    @property
    def last_start(self) -> float:
        return max(self.starts, default=0.0)

    @property
    def last_end(self) -> float:
        return max(self.ends, default=0.0)


def read_marks(path: Path) -> Marks:
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return Marks(
        starts=tuple(float(line.split()[1]) for line in lines if line.startswith("start ")),
        ends=tuple(float(line.split()[1]) for line in lines if line.startswith("end ")),
    )


def busy_seconds(path: Path) -> dict[str, float]:
    """Worker time per task name (start to end of each task): which stage bounds a run."""
    opened: dict[str, float] = {}
    busy: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, moment, name, task_id = [*line.split(), "", ""][:4]
        if kind == "start":
            opened[task_id] = float(moment)
        elif kind == "end" and task_id in opened:
            busy[name] = busy.get(name, 0.0) + float(moment) - opened.pop(task_id)
    return busy


@contextmanager
def worker(
    data_dir: Path,
    database_url: str | None,
    broker_url: str | None,
    marks: Path,
    smtp_url: str,
    concurrency: int = 2,
    held: tuple[str, ...] = (),
) -> Iterator[None]:
    """A worker on the given database and broker until the block ends; its output goes to
    ``worker.log`` beside ``marks``. Tasks named in ``held`` are routed to a queue nobody
    consumes: the stages after the ones measured."""
    log = open(marks.parent / "worker.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER,
            str(marks),
            str(data_dir),
            database_url or "",
            broker_url or "",
            smtp_url,
            str(concurrency),
            ",".join(held),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
