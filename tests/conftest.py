"""Shared fixtures: both databases, migrated once per run, one rolled-back transaction per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.testkit.databases import (
    DATABASE_FILE,
    copy_sqlite,
    initialize_data_dir,
    migrate_database,
    sqlite_url,
    unique_database_name,
)
from tests.testkit.servers import (
    PostgresServer,
    RedisServer,
    ServerUnavailableError,
    server_unavailable,
    start_postgres,
    start_redis,
)
from zonewatch.models.db import make_engine
from zonewatch.models.migrate import upgrade

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration),
]
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared reference data beside the repo; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_postgres()
    except ServerUnavailableError as exc:
        server_unavailable("PostgreSQL", exc)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    try:
        server = start_redis()
    except ServerUnavailableError as exc:
        server_unavailable("Redis", exc)
    yield server
    server.cleanup()


def _new_database_url(request: pytest.FixtureRequest, directory: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{directory / 'zonewatch.sqlite'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(unique_database_name())


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database shared by the whole run (one per backend), migrated once."""
    return _new_database_url(request, tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(migrated_engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = migrated_engine.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of its own, for tests of migrations and whole commands."""
    return _new_database_url(request, tmp_path)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per run: the original the tests copy."""
    path = tmp_path_factory.mktemp("migrated") / DATABASE_FILE
    migrate_database(sqlite_url(path))
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: PostgresServer) -> str:
    """A PostgreSQL database migrated once per run, the template of each test's copy."""
    name = unique_database_name()
    migrate_database(postgres_server.create_database(name))
    return name


@pytest.fixture(params=BACKENDS)
def migrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of the test's own (a copy of one migrated once per run), for
    tests that start from an empty schema but not from an empty database file."""
    if request.param == "sqlite":
        target = tmp_path / DATABASE_FILE
        copy_sqlite(request.getfixturevalue("migrated_sqlite"), target)
        return sqlite_url(target)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("migrated_postgres")
    return server.create_database(unique_database_name(), template=template)


@pytest.fixture(scope="session")
def initialized_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database that ``initialize`` filled once per run on default settings."""
    return initialize_data_dir(tmp_path_factory.mktemp("initialized") / "data")


@pytest.fixture
def initialized_data_dir(tmp_path: Path, initialized_sqlite: Path) -> Path:
    """``tmp_path / "data"`` holding a copy of :func:`initialized_sqlite` as its default
    database: a fixture's own ``initialize`` on default settings then finds nothing to do,
    instead of migrating and loading the zone model again for every test."""
    data_dir = tmp_path / "data"
    copy_sqlite(initialized_sqlite, data_dir / DATABASE_FILE)
    return data_dir


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group tests for ``pytest -n N --dist loadgroup`` (``make test``): a file's tests stay on
    one worker, so module fixtures are built once, and every browser test goes to the same
    worker, so the run starts one Chromium and one live console."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            continue
        group = "browser" if item.get_closest_marker("browser") else item.path.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
