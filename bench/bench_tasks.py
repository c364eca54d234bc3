"""Task overhead: the round trip of a no-op task through a real worker process, in both modes.

Embedded (SQLAlchemy broker on SQLite) and scaled (Redis, when ``redis-server`` is installed).
The baseline is the same broker without Celery: one message put on a queue and taken off it
again by kombu, from the same process. The ratio says what Celery and the worker add.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kombu.connection import Connection

from bench.harness import Result
from zonewatch.app import configure
from zonewatch.workers.transport import transport_for

ROUND_TRIPS = 40
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


def _result(mode: str, task: float, broker: float) -> Result:
    return Result(
        name=f"noop_task_round_trip_ms[{mode}]",
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
        results.append(
            _result(
                "embedded",
                _task_round_trip(data_dir, broker, backend),
                _broker_round_trip(broker),
            )
        )
        with _redis(root) as redis_url:
            if redis_url is None:
                print("noop_task_round_trip[redis]: redis-server not installed", file=sys.stderr)
            else:
                results.append(
                    _result(
                        "redis",
                        _task_round_trip(data_dir, redis_url, redis_url),
                        _broker_round_trip(redis_url),
                    )
                )
    return results


BENCHMARKS = [noop_task_round_trip]
