"""Commands that make or check unsubscribe tokens refuse to start without a usable key;
commands that sign nothing run without one."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Run
from tests.testkit.keys import PLACEHOLDER_KEY

HOW = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


@pytest.mark.parametrize(
    "command",
    [
        ("web", "--port", "0"),
        ("worker",),
        ("run",),
        ("digest", "send", "--period", "daily"),
        ("digest", "preview", "kim@example.org"),
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_token_commands_refuse_to_start_without_a_key(zonewatch: Run, command: tuple[str]) -> None:
    result = zonewatch(*command, check=False)

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ZONEWATCH_SECRET_KEY is not set")
    assert HOW in line


def test_the_placeholder_key_is_refused_by_every_command(zonewatch: Run) -> None:
    result = zonewatch(
        "entities", "list", check=False, env={"ZONEWATCH_SECRET_KEY": PLACEHOLDER_KEY}
    )

    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid setting ZONEWATCH_SECRET_KEY: the key is a published")
    assert HOW in line


def test_commands_that_sign_nothing_run_without_a_key(zonewatch: Run) -> None:
    zonewatch("init")
    assert "ifez" in zonewatch("entities", "list").stdout
    assert zonewatch("sources", "list").returncode == 0
