from __future__ import annotations

import json
import re

from tests.cli.conftest import Run


def test_show_ifez_lists_names_aliases_and_districts(zonewatch: Run) -> None:
    zonewatch("init")
    shown = zonewatch("entities", "show", "ifez").stdout
    assert "인천경제자유구역" in shown
    assert "Incheon Free Economic Zone" in shown
    assert "IFEZ" in shown
    for district in ("ifez-songdo", "ifez-cheongna", "ifez-yeongjong"):
        assert district in shown
    details = json.loads(zonewatch("entities", "show", "ifez", "--json").stdout)
    assert details["parent"]["id"] == "kfez"
    assert {alias["kind"] for alias in details["aliases"]} >= {"name", "abbreviation"}


def test_list_filters_by_kind(zonewatch: Run) -> None:
    zonewatch("init")
    rows = json.loads(zonewatch("entities", "list", "--kind", "fez", "--json").stdout)
    ids = {row["id"] for row in rows}
    assert {"ifez", "bjfez", "gfez", "ggfez", "dgfez", "cbfez", "efez"} <= ids
    assert all(row["kind"] == "fez" for row in rows)


def test_unknown_entity_is_one_clear_line(zonewatch: Run) -> None:
    zonewatch("init")
    result = zonewatch("entities", "show", "atlantis", check=False)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "error: unknown entity 'atlantis' (see `zonewatch entities list`)"
    )


def test_uninitialised_database_says_what_to_do(zonewatch: Run) -> None:
    result = zonewatch("entities", "list", check=False)
    assert result.returncode != 0
    assert "zonewatch init" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_history_times_are_kst_minutes_for_people_and_iso_in_json(zonewatch: Run) -> None:
    """The model's history used to print raw UTC (and JSON microseconds)."""
    zonewatch("init")
    shown = zonewatch("entities", "show", "ifez").stdout
    history = shown.split("history\n", 1)[1].splitlines()
    assert history
    assert all(re.match(r"  \d{4}-\d\d-\d\d \d\d:\d\d KST  ", line) for line in history), history
    details = json.loads(zonewatch("entities", "show", "ifez", "--json").stdout)
    times = [change["at"] for change in details["history"]]
    assert times
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", at) for at in times), times


def test_entities_are_found_by_any_name(zonewatch: Run) -> None:
    """IFEZ, 인천경제자유구역 and 송도 used to answer 'unknown entity'."""
    zonewatch("init")
    for name, entity_id in (
        ("IFEZ", "ifez"),
        ("인천경제자유구역", "ifez"),
        ("Incheon FEZ", "ifez"),
        ("송도", "ifez-songdo"),
    ):
        details = json.loads(zonewatch("entities", "show", name, "--json").stdout)
        assert details["id"] == entity_id, name
    by_name = json.loads(zonewatch("timeline", "IFEZ", "--format", "json").stdout)
    by_id = json.loads(zonewatch("timeline", "ifez", "--format", "json").stdout)
    assert by_name
    assert by_name == by_id
    assert "error" not in zonewatch("changes", "list", "--entity", "송도").stderr
    assert "error" not in zonewatch("changes", "list", "--zone-type", "기회발전특구").stderr


def test_an_ambiguous_name_is_one_line_naming_the_candidates(zonewatch: Run) -> None:
    zonewatch("init")
    for args in (("entities", "show", "인천"), ("changes", "list", "--entity", "인천")):
        result = zonewatch(*args, check=False)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "several entities" in result.stderr
        assert "incheon" in result.stderr
        assert "ifez" in result.stderr


def test_subscriptions_and_reclassify_take_any_name(zonewatch: Run) -> None:
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org")
    added = zonewatch("subscriptions", "add", "kim@example.org", "--entity", "IFEZ").stdout
    assert "ifez" in added
    rows = json.loads(zonewatch("subscriptions", "list", "--json").stdout)
    assert "ifez" in json.dumps(rows)
    assert zonewatch("reclassify", "--entity", "송도").returncode == 0
