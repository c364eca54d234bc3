"""``zonewatch users``: add, list, set-role, remove; bad input is one line and exit 2."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import ZONEWATCH
from tests.testkit.passwords import CHEAP_HASHING_ENV

PASSWORD = "correct horse battery staple\n"


@pytest.fixture
def users(tmp_path: Path, fresh_database_url: str):  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env.update(ZONEWATCH_DATA_DIR=str(tmp_path / "data"), ZONEWATCH_DATABASE_URL=fresh_database_url)
    env.update(CHEAP_HASHING_ENV)

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ZONEWATCH, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
        )

    assert run("init").returncode == 0
    return run


def test_add_list_set_role_and_remove(users) -> None:  # type: ignore[no-untyped-def]
    added = users("users", "add", "Kim", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "user kim added (admin)" in added.stdout
    users("users", "add", "lee", "--role", "analyst", "--language", "en", "--password-stdin",
          stdin=PASSWORD)  # fmt: skip
    listed = json.loads(users("users", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["language"]) for u in listed] == [
        ("kim", "admin", "ko"),
        ("lee", "analyst", "en"),
    ]
    assert "password" not in users("users", "list", "--json").stdout
    assert "lee is now watcher" in users("users", "set-role", "lee", "watcher").stdout
    assert "user lee removed" in users("users", "remove", "lee").stdout
    assert "lee" not in users("users", "list").stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("users", "add", "kim", "--role", "boss", "--password-stdin"), PASSWORD, "boss"),
        (("users", "add", "kim", "--role", "admin", "--password-stdin"), "short\n", "shorter"),
        (("users", "add", "k", "--role", "admin", "--password-stdin"), PASSWORD, "bad username"),
        (("users", "add", "kim", "--role", "admin", "--password-stdin"), "", "no password"),
        (("users", "set-role", "ghost", "admin"), "", "unknown user"),
        (("users", "remove", "ghost"), "", "unknown user"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(users, args, stdin, message) -> None:  # type: ignore[no-untyped-def]
    result = users(*args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicates_and_the_last_admin_are_refused(users) -> None:  # type: ignore[no-untyped-def]
    users("users", "add", "kim", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    again = users("users", "add", "KIM", "--role", "analyst", "--password-stdin", stdin=PASSWORD)
    assert (again.returncode, "exists already" in again.stderr) == (2, True)
    demote = users("users", "set-role", "kim", "analyst")
    assert (demote.returncode, "last admin" in demote.stderr) == (2, True)
    remove = users("users", "remove", "kim")
    assert (remove.returncode, "last admin" in remove.stderr) == (2, True)


def test_token_is_printed_once_listed_by_prefix_and_revoked(users) -> None:  # type: ignore[no-untyped-def]
    users("users", "add", "kim", "--role", "analyst", "--password-stdin", stdin=PASSWORD)
    made = users("users", "token", "kim", "--name", "feed reader")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("zw_")
    assert len(token) > 40
    listed = json.loads(users("users", "tokens", "kim", "--json").stdout)
    assert [(row["name"], row["prefix"]) for row in listed] == [("feed reader", token[:10])]
    assert token not in users("users", "tokens", "kim", "--json").stdout
    assert "revoked" in users("users", "revoke-token", "kim", str(listed[0]["id"])).stdout
    assert json.loads(users("users", "tokens", "kim", "--json").stdout) == []
    for args in (("token", "ghost", "--name", "x"), ("token", "kim", "--name", " "),
                 ("revoke-token", "kim", "999")):  # fmt: skip
        result = users("users", *args)
        assert result.returncode == 2, result
        assert len(result.stderr.strip().splitlines()) == 1
