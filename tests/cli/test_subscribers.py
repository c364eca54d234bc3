from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.conftest import Run
from tests.testkit.keys import TEST_SECRET_KEY

PEOPLE = """\
email,name,language,timezone,entity,topic,keyword,delivery,hour,channel
kim@example.org,Kim,en,Europe/Berlin,ifez,,,daily,7,email
kim@example.org,,,,,investment,바이오,immediate,,json://localhost/hook
lee@example.org,Lee,ko,,,,,,,
"""


def test_add_list_show_and_remove(zonewatch: Run) -> None:
    zonewatch("init")
    assert "subscriber 1 added" in zonewatch("subscribers", "add", "Kim@Example.org").stdout
    zonewatch("subscribers", "add", "lee@example.org", "--name", "Lee", "--language", "en")
    added = zonewatch(
        "subscriptions", "add", "kim@example.org", "--entity", "ifez", "--topic", "investment",
        "--delivery", "daily", "--hour", "7",
    ).stdout  # fmt: skip
    assert "entity ifez, topic investment; daily at 07:00 via email" in added
    zonewatch("subscriptions", "add", "2", "--keyword", "송도", "--channel", "json://localhost/x")

    people = json.loads(zonewatch("subscribers", "list", "--json").stdout)
    assert [(p["email"], p["language"], p["subscriptions"]) for p in people] == [
        ("kim@example.org", "ko", 1),
        ("lee@example.org", "en", 1),
    ]
    assert "kim@example.org" in zonewatch("subscribers", "list").stdout
    shown = json.loads(zonewatch("subscribers", "show", "kim@example.org", "--json").stdout)
    assert shown["timezone"] == "Asia/Seoul"
    assert [(s["entity"], s["delivery"], s["deliveries"]) for s in shown["subscriptions"]] == [
        ("ifez", "daily", 0)
    ]
    assert shown["deliveries"]["total"] == 0
    # Times in JSON are KST with their offset, to the second (not naive UTC, microseconds).
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", shown["created_at"])
    assert "daily at 07:00 via email" in zonewatch("subscribers", "show", "1").stdout
    mine = json.loads(
        zonewatch("subscriptions", "list", "--subscriber", "lee@example.org", "--json").stdout
    )
    assert [(s["keyword"], s["channel"]) for s in mine] == [("송도", "json://localhost/x")]

    assert "removed" in zonewatch("subscriptions", "remove", str(mine[0]["id"])).stdout
    zonewatch("subscribers", "remove", "kim@example.org")
    left = json.loads(zonewatch("subscribers", "list", "--json").stdout)
    assert [(p["email"], p["subscriptions"]) for p in left] == [("lee@example.org", 0)]
    assert json.loads(zonewatch("subscriptions", "list", "--json").stdout) == []


def test_mistakes_are_one_line_and_exit_2(zonewatch: Run) -> None:
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org")
    for args, message in [
        (("subscribers", "add", "kim"), "error: not a valid email address: 'kim'"),
        (("subscribers", "add", "a@example.org", "--timezone", "Seoul"), "unknown timezone"),
        (("subscribers", "add", "kim@example.org"), "already exists"),
        (("subscribers", "show", "nobody@example.org"), "unknown subscriber"),
        (("subscriptions", "add", "kim@example.org", "--entity", "atlantis"), "unknown entity"),
        (("subscriptions", "add", "kim@example.org", "--hour", "24"), "hour must be 0-23"),
        (("subscriptions", "add", "kim@example.org", "--channel", "pigeon"), "channel must be"),
        (("subscriptions", "remove", "99"), "unknown subscription 99"),
    ]:
        result = zonewatch(*args, check=False)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_import_with_a_bad_row_on_line_3_imports_nothing(zonewatch: Run, tmp_path: Path) -> None:
    zonewatch("init")
    bad = tmp_path / "bad.csv"
    bad.write_text(PEOPLE.replace("investment", "weather"), encoding="utf-8")
    result = zonewatch("subscribers", "import", str(bad), check=False)
    assert result.returncode == 2
    assert "line 3" in result.stderr
    assert "unknown topic 'weather'" in result.stderr
    assert json.loads(zonewatch("subscribers", "list", "--json").stdout) == []
    assert json.loads(zonewatch("subscriptions", "list", "--json").stdout) == []


def test_export_then_import_round_trips(zonewatch: Run, tmp_path: Path) -> None:
    zonewatch("init")
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    imported = zonewatch("subscribers", "import", str(people)).stdout
    assert "subscribers: 2 added" in imported
    assert "subscriptions: 2 added" in imported
    assert "0 added" in zonewatch("subscribers", "import", str(people)).stdout

    as_yaml = tmp_path / "export.yaml"
    zonewatch("subscribers", "export", "--output", str(as_yaml))
    as_csv = zonewatch("subscribers", "export", "--format", "csv").stdout
    for email in ("kim@example.org", "lee@example.org"):
        zonewatch("subscribers", "remove", email)

    again = zonewatch("subscribers", "import", str(as_yaml)).stdout
    assert "subscribers: 2 added, 0 updated; subscriptions: 2 added" in again
    assert zonewatch("subscribers", "export").stdout == as_yaml.read_text(encoding="utf-8")
    assert zonewatch("subscribers", "export", "--format", "csv").stdout == as_csv
    repeat = zonewatch("subscribers", "import", str(as_yaml)).stdout
    assert "subscribers: 0 added, 0 updated; subscriptions: 0 added, 0 updated, 2 unchanged" in (
        repeat
    )


def test_pause_resume_language_delivery_and_the_preferences_link(zonewatch: Run) -> None:
    key = {"ZONEWATCH_SECRET_KEY": TEST_SECRET_KEY, "ZONEWATCH_PUBLIC_URL": "https://zw.example"}
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org")
    zonewatch("subscriptions", "add", "kim@example.org", "--entity", "ifez")

    assert "paused" in zonewatch("subscribers", "pause", "kim@example.org").stdout
    assert "no mail already (paused)" in zonewatch("subscribers", "pause", "1").stdout
    assert json.loads(zonewatch("subscribers", "show", "1", "--json").stdout)["status"] == "paused"
    assert "active again (was paused)" in zonewatch("subscribers", "resume", "1").stdout
    assert "active already" in zonewatch("subscribers", "resume", "1").stdout

    assert "mail in en" in zonewatch("subscribers", "set", "1", "--language", "en").stdout
    changed = zonewatch("subscriptions", "set", "1", "--delivery", "weekly", "--hour", "6").stdout
    assert "entity ifez; weekly at 06:00 via email" in changed
    zonewatch("subscriptions", "set", "1", "--inactive")
    shown = json.loads(zonewatch("subscribers", "show", "1", "--json").stdout)
    assert shown["language"] == "en"
    assert [s["active"] for s in shown["subscriptions"]] == [False]

    link = zonewatch("subscribers", "link", "1", env=key).stdout.strip()
    assert link.startswith("https://zw.example/preferences/")
    assert "no longer work" in zonewatch("subscribers", "revoke-links", "1").stdout
    assert zonewatch("subscribers", "link", "1", env=key).stdout.strip() != link


def test_preference_mistakes_are_one_line_and_exit_2(zonewatch: Run) -> None:
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org")
    for args, message in [
        (("subscriptions", "set", "1", "--delivery", "daily"), "unknown subscription 1"),
        (("subscriptions", "set", "1"), "give --delivery, --hour"),
        (("subscribers", "pause", "nobody@example.org"), "unknown subscriber"),
        (("subscribers", "link", "1"), "ZONEWATCH_SECRET_KEY is not set"),
    ]:
        result = zonewatch(*args, check=False)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
