"""Task overhead through a real worker process, in both modes: the hop (enqueue -> the task
body starts) and the round trip of a no-op task with its result.

Embedded (the SQLite broker, as shipped) and scaled (Redis, when ``redis-server`` is installed).
The hop is read from the worker's own task-start signal (:mod:`bench.workers`), one task at a
time, median of ``HOPS``. The baseline is the same broker without Celery: one message put on a
queue and taken off it again by kombu, from the same process. The ratio says what Celery and
the worker add.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kombu.connection import Connection

from bench.harness import Result
from bench.workers import read_marks, worker
from zonewatch.app import configure
from zonewatch.workers.transport import transport_for

ROUND_TRIPS = 40
HOPS = 40
CLOSED_SMTP = "smtp://127.0.0.1:9"
WORKER = """
import sys
from zonewatch.app import configure
from zonewatch.workers.transport import transport_for

app = configure(data_dir=sys.argv[1], broker_url=sys.argv[2])
app.celery.conf.result_backend = sys.argv[3]
app.celery.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING"])
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _redis(directory: Path) -> Iterator[str | None]:
    """A throwaway redis-server on loopback, or None when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def _worker(data_dir: Path, broker: str, backend: str) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(data_dir), broker, backend],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def _task_round_trip(data_dir: Path, broker: str, backend: str) -> float:
    """Mean seconds from sending ``ping`` to holding its result, after a warm-up."""
    app = configure(data_dir=data_dir, broker_url=broker)
    app.celery.conf.result_backend = backend
    ping = app.celery.tasks["zonewatch.ping"]
    try:
        with _worker(data_dir, broker, backend):
            ping.apply_async(ignore_result=False).get(timeout=120, interval=0.01)
            started = time.perf_counter()
            for _ in range(ROUND_TRIPS):
                assert ping.apply_async(ignore_result=False).get(timeout=30, interval=0.01)
            return (time.perf_counter() - started) / ROUND_TRIPS
    finally:
        app.dispose()


def _broker_round_trip(broker: str) -> float:
    """Mean seconds to put one message on the broker and take it off again with kombu."""
    url, transport = transport_for(broker)
    with Connection(url, transport=transport) as connection:
        queue = connection.SimpleQueue("bench-round-trip")
        queue.put({"n": 0})
        queue.get(timeout=30).ack()
        started = time.perf_counter()
        for n in range(ROUND_TRIPS):
            queue.put({"n": n})
            queue.get(timeout=30).ack()
        elapsed = (time.perf_counter() - started) / ROUND_TRIPS
        queue.close()
        return elapsed


def _task_hop(directory: Path, broker: str) -> float:
    """Median seconds from sending ``ping`` to its body starting in the worker."""
    app = configure(data_dir=directory, broker_url=broker)
    marks = directory / "hops.log"
    marks.unlink(missing_ok=True)
    hops = []
    try:
        with worker(directory, None, broker, marks, CLOSED_SMTP, concurrency=1):
            for n in range(HOPS + 1):
                sent = time.time()
                app.celery.send_task("zonewatch.ping")
                deadline = time.monotonic() + (120 if n == 0 else 30)
                while read_marks(marks).started <= n:
                    if time.monotonic() > deadline:
                        raise RuntimeError("the worker took no task")
                    time.sleep(0.002)
                if n:  # the first one waits for the worker to start
                    hops.append(read_marks(marks).starts[n] - sent)
                while read_marks(marks).ended <= n:
                    time.sleep(0.002)
    finally:
        app.dispose()
    return statistics.median(hops)


def _result(mode: str, task: float, broker: float, what: str = "round_trip") -> Result:
    return Result(
        name=f"noop_task_{what}_ms[{mode}]",
        value=task * 1000,
        unit="ms",
        baseline="kombu put+get on the same broker",
        baseline_value=broker * 1000,
    )


def noop_task_round_trip() -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data_dir = root / "data"
        data_dir.mkdir()
        broker = f"sqla+sqlite:///{root / 'broker.sqlite'}"
        backend = f"db+sqlite:///{root / 'results.sqlite'}"
        kombu = _broker_round_trip(broker)
        results.append(_result("embedded", _task_hop(data_dir, broker), kombu, "hop"))
        results.append(_result("embedded", _task_round_trip(data_dir, broker, backend), kombu))
        with _redis(root) as redis_url:
            if redis_url is None:
                print("noop_task_round_trip[redis]: redis-server not installed", file=sys.stderr)
            else:
                kombu = _broker_round_trip(redis_url)
                results.append(_result("redis", _task_hop(data_dir, redis_url), kombu, "hop"))
                results.append(
                    _result("redis", _task_round_trip(data_dir, redis_url, redis_url), kombu)
                )
    return results


BENCHMARKS = [noop_task_round_trip]
