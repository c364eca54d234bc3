"""When a missing server may skip its tests, and when it must fail the run."""

from __future__ import annotations

import pytest

from tests.testkit.servers import ServerUnavailableError, server_unavailable, servers_required


@pytest.mark.parametrize(
    ("environ", "required"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"CI": "false"}, False),
        ({"CI": "1"}, False),
        ({"ZONEWATCH_TEST_REQUIRE_SERVERS": "1"}, True),
        ({"ZONEWATCH_TEST_REQUIRE_SERVERS": "0"}, False),
    ],
)
def test_servers_are_required_in_ci_or_when_asked(environ: dict[str, str], required: bool) -> None:
    assert servers_required(environ) is required


def test_a_missing_server_skips_on_a_workstation() -> None:
    with pytest.raises(pytest.skip.Exception, match="Redis unavailable: no redis-server"):
        server_unavailable("Redis", ServerUnavailableError("no redis-server"), {})


def test_a_missing_server_fails_the_run_in_ci() -> None:
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL unavailable: no initdb"):
        server_unavailable("PostgreSQL", ServerUnavailableError("no initdb"), {"CI": "true"})
