"""`zonewatch worker` starts real worker processes on both brokers and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.servers import RedisServer
from zonewatch.app import configure

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))


def start_worker(tmp_path: Path, broker_url: str | None) -> tuple[subprocess.Popen[str], Path]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env["ZONEWATCH_DATA_DIR"] = str(tmp_path / "data")
    env["ZONEWATCH_SECRET_KEY"] = TEST_SECRET_KEY
    if broker_url:
        env["ZONEWATCH_BROKER_URL"] = broker_url
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [ZONEWATCH, "worker", "--concurrency", "2"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    return process, log


def wait_for_log(process: subprocess.Popen[str], log: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        assert process.poll() is None, log.read_text(errors="replace")
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not seen:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.slow
def test_embedded_worker_needs_no_server(tmp_path: Path) -> None:
    process, log = start_worker(tmp_path, broker_url=None)
    try:
        wait_for_log(process, log, "ready.")
        assert "Connected to zonewatch-embedded+sqlite:///" in log.read_text()
        assert "broker.sqlite" in log.read_text()
    finally:
        assert stop(process) == 0
    assert (tmp_path / "data" / "broker.sqlite").exists()


@pytest.mark.integration
@pytest.mark.slow
def test_worker_on_redis_answers_ping(tmp_path: Path, redis_server: RedisServer) -> None:
    process, log = start_worker(tmp_path, broker_url=redis_server.url)
    app = configure(data_dir=tmp_path / "client", broker_url=redis_server.url)
    try:
        wait_for_log(process, log, "ready.")
        replies = app.celery.control.ping(timeout=5.0)
        assert len(replies) == 1
        assert next(iter(replies[0].values())) == {"ok": "pong"}
    finally:
        app.dispose()
        assert stop(process) == 0
