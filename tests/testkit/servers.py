"""Start real PostgreSQL and Redis servers on loopback for integration tests.

The Debian packages are installed when missing and we run as root (as in CI); otherwise the
tests that need a server are skipped with the reason, except where servers are required (CI,
or ZONEWATCH_TEST_REQUIRE_SERVERS=1): there a server that cannot start fails the run, so that
a green CI always includes the PostgreSQL and Redis tests.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest

START_TIMEOUT = 60.0


class ServerUnavailableError(RuntimeError):
    """A server cannot be started here; see :func:`server_unavailable` for what follows."""


def servers_required(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether a server that cannot start must fail the run instead of skipping its tests.

    CI runs ``bash .ci/run`` with CI=true; a skip there would let the run pass without ever
    touching PostgreSQL or Redis. ZONEWATCH_TEST_REQUIRE_SERVERS=1 asks the same elsewhere.
    """
    return environ.get("CI") == "true" or environ.get("ZONEWATCH_TEST_REQUIRE_SERVERS") == "1"


def server_unavailable(
    what: str, exc: ServerUnavailableError, environ: Mapping[str, str] = os.environ
) -> NoReturn:
    """Skip the tests that need ``what``, or fail them where servers are required."""
    reason = f"{what} unavailable: {exc}"
    if servers_required(environ):
        pytest.fail(f"{reason} (servers are required: CI=true or ZONEWATCH_TEST_REQUIRE_SERVERS=1)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise ServerUnavailableError(f"{what} did not come up within {timeout:.0f}s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


_apt_updated = False


def ensure_debian_package(package: str, probe: Callable[[], bool]) -> None:
    """Install ``package`` with apt when ``probe`` fails and we are root."""
    global _apt_updated
    if probe():
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ServerUnavailableError(f"{package} is not installed (install the Debian package)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0 or not probe():
        if not _apt_updated:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            _apt_updated = True
        result = subprocess.run(install, env=env, capture_output=True, text=True)
        if result.returncode != 0 or not probe():
            raise ServerUnavailableError(
                f"could not install {package}: {result.stderr.strip()[-300:]}"
            )


def _postgres_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if Path(candidate, "postgres").exists() and Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    user: str | None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://zonewatch@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database ``name`` (a copy of ``template`` when given); its URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=zonewatch dbname=postgres", autocommit=True
        ) as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def _run_as(user: str | None, argv: list[str]) -> list[str]:
    if user is None:
        return argv
    return ["runuser", "-u", user, "--", *argv]


def start_postgres() -> PostgresServer:
    ensure_debian_package("postgresql", lambda: _postgres_bindir() is not None)
    bindir = _postgres_bindir()
    assert bindir is not None
    user: str | None = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: use the account the Debian package creates.
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServerUnavailableError("running as root but there is no 'postgres' user") from exc
        user = "postgres"
    base = Path(tempfile.mkdtemp(prefix="zonewatch-pg-"))
    base.chmod(0o755)
    datadir = base / "data"
    if user is not None:
        shutil.chown(base, user=user)
    initdb = _run_as(
        user,
        [
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "zonewatch",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        ],
    )
    result = subprocess.run(initdb, capture_output=True, text=True)
    if result.returncode != 0:
        raise ServerUnavailableError(f"initdb failed: {result.stderr.strip()[-300:]}")
    port = free_port()
    argv = _run_as(
        user,
        [
            str(bindir / "postgres"),
            "-D",
            str(datadir),
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={base}",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=200",
        ],
    )
    log = open(base / "postgres.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    server = PostgresServer(bindir=bindir, datadir=datadir, port=port, user=user, process=process)
    try:
        wait_for(lambda: process.poll() is None and _pg_ready(port), "PostgreSQL")
    except ServerUnavailableError:
        server.stop()
        raise
    return server


def _pg_ready(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=zonewatch dbname=postgres", connect_timeout=1
        ):
            return True
    except psycopg.OperationalError:
        return False


@dataclass
class RedisServer:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    argv: list[str] = field(default_factory=list, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - lives with the server
        self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port), "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_redis() -> RedisServer:
    ensure_debian_package("redis-server", lambda: shutil.which("redis-server") is not None)
    workdir = Path(tempfile.mkdtemp(prefix="zonewatch-redis-"))
    port = free_port()
    argv = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(workdir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
    ]
    server = RedisServer(port=port, workdir=workdir, argv=argv)
    try:
        server.start()
    except ServerUnavailableError:
        server.cleanup()
        raise
    return server
