"""Where the database is, read from its URL without SQLAlchemy, and how its problems are said."""

from __future__ import annotations

from pathlib import Path

import pytest

from zonewatch.config.database import (
    PostgresServer,
    SqliteFile,
    database_location,
    describe_database_problem,
)


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (
            "sqlite:////var/lib/zonewatch/db.sqlite",
            SqliteFile(Path("/var/lib/zonewatch/db.sqlite")),
        ),
        ("postgresql+psycopg://zw:pw@db:5432/zw", PostgresServer("postgresql://zw:pw@db:5432/zw")),
        ("postgres://db/zw", PostgresServer("postgresql://db/zw")),
        ("sqlite:///relative.db", SqliteFile(Path("relative.db"))),
    ],
)
def test_a_file_or_a_server_is_located(url: str, location: object) -> None:
    assert database_location(url) == location


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:////data/db.sqlite?mode=ro",
        "sqlite:////data/with%20space.sqlite",
        "mysql://db/zw",
        "no scheme",
    ],
)
def test_what_only_sqlalchemy_opens_is_left_to_it(url: str) -> None:
    assert database_location(url) is None


def test_a_database_problem_is_one_line_an_operator_can_act_on() -> None:
    missing = 'relation "change_records" does not exist\nLINE 1: SELECT ...'
    assert describe_database_problem(missing) == (
        "the database is not initialised: run `zonewatch init` first"
    )
    assert describe_database_problem("no such table: change_records") == (
        "the database is not initialised: run `zonewatch init` first"
    )
    assert describe_database_problem("  connection refused\n\tIs the server running?") == (
        "database unavailable: connection refused"
    )
