"""The operator's local sources file: added and overridden sources, read by every command that
looks sources up, written by `zonewatch sources add`; `init` retires nothing without --prune."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.conftest import Run
from tests.cli.test_crawling import one_line_error
from zonewatch.app import configure
from zonewatch.config.sources import load_sources
from zonewatch.models import Source

DAEGU_PAGE = Path(__file__).resolve().parents[1] / "crawlers" / "fixtures" / "sites" / "daegu.html"


def extra_source(source_id: str = "daegu-extra") -> dict[str, Any]:
    """A complete entry: the shipped Daegu board under another id."""
    entry = load_sources().by_id()["daegu-press"].model_dump(mode="json", exclude_none=True)
    return {**entry, "id": source_id, "name": "대구 보도자료 사본 (Daegu copy)"}


def write_local(data_dir: Path, data: Any) -> Path:
    path = data_dir / "sources.local.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def stored_sources(tmp_path: Path, database_url: str) -> dict[str, Source]:
    app = configure(data_dir=tmp_path / "data", database_url=database_url)
    try:
        with app.session() as session:
            rows = list(session.query(Source))
            session.expunge_all()
            return {row.id: row for row in rows}
    finally:
        app.dispose()


def test_init_loads_added_and_overridden_sources(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    local = write_local(
        tmp_path / "data",
        {
            "version": 1,
            "sources": [extra_source()],
            "overrides": [
                {"id": "ifez-press", "schedule": {"every": "30m"}, "parser": {"rows": "tr.row"}}
            ],
        },
    )
    result = zonewatch("init")
    assert f"{local}: 1 added, 1 overridden" in result.stdout
    stored = stored_sources(tmp_path, fresh_database_url)
    assert stored["daegu-extra"].enabled
    ifez = stored["ifez-press"].spec
    assert ifez["schedule"]["every"] == "30m"
    assert ifez["parser"]["rows"] == "tr.row"
    shipped = load_sources().by_id()["ifez-press"].parser
    assert ifez["parser"]["body"] == shipped["body"], "an override changes only what it names"
    listed = {row["id"] for row in json.loads(zonewatch("sources", "list", "--json").stdout)}
    assert "daegu-extra" in listed


def test_commands_that_look_sources_up_read_the_local_file(zonewatch: Run, tmp_path: Path) -> None:
    write_local(tmp_path / "data", {"version": 1, "sources": [extra_source()]})
    result = zonewatch("parse-page", "daegu-extra", str(DAEGU_PAGE))
    assert json.loads(result.stdout)["kind"] == "list"
    checked = zonewatch("sources", "check", "daegu-extra", str(DAEGU_PAGE), "--json")
    assert json.loads(checked.stdout)["pages"][0]["ok"]


@pytest.mark.parametrize(
    "command",
    [
        ("init",),
        ("parse-page", "daegu-press", str(DAEGU_PAGE)),
        ("sources", "check", "daegu-press", str(DAEGU_PAGE)),
        ("capture", "daegu-press", "--out", "captured"),
        ("crawl", "daegu-press"),
        ("crawl", "daegu-press", "--now"),
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_a_bad_local_file_stops_every_command_naming_file_and_entry(
    zonewatch: Run, tmp_path: Path, command: tuple[str, ...]
) -> None:
    local = write_local(
        tmp_path / "data",
        {"version": 1, "overrides": [{"id": "daegu-pres", "schedule": {"every": "1h"}}]},
    )
    line = one_line_error(zonewatch(*command, check=False))
    assert line == (
        f"error: {local}: overrides entry 1 (id 'daegu-pres'): no shipped source has this id; "
        "add new sources under 'sources'"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": 1, "sources": [extra_source("ifez-press")]}, "a shipped source has this id"),
        (
            {"version": 1, "overrides": [{"id": "ifez-press", "schedule": {"every": "soon"}}]},
            "overrides entry 1 (id 'ifez-press'): field 'schedule.every'",
        ),
        ({"version": 1, "source": []}, "unknown key 'source'"),
        (
            {"version": 1, "sources": [{**extra_source(), "owner": "atlantis"}]},
            "id 'daegu-extra': field 'owner': unknown entity 'atlantis'",
        ),
    ],
    ids=["shipped-id", "bad-field", "unknown-key", "unknown-owner"],
)
def test_conflicting_or_invalid_local_entries_are_one_line(
    zonewatch: Run, tmp_path: Path, data: dict[str, Any], message: str
) -> None:
    local = write_local(tmp_path / "data", data)
    line = one_line_error(zonewatch("init", check=False))
    assert line.startswith(f"error: {local}: ")
    assert message in line


def test_init_keeps_sources_no_file_lists_until_pruned(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    shipped = yaml.safe_load(load_sources().path.read_text(encoding="utf-8"))
    shipped["sources"].append(extra_source("operators-own"))
    custom = tmp_path / "sources.yaml"
    custom.write_text(yaml.safe_dump(shipped, allow_unicode=True), encoding="utf-8")
    assert "sources: 17 added" in zonewatch("init", "--sources", str(custom)).stdout

    again = zonewatch("init")  # without the operator's file
    assert "not configured any more, kept: operators-own" in again.stdout
    assert "--prune" in again.stdout
    assert stored_sources(tmp_path, fresh_database_url)["operators-own"].enabled

    pruned = zonewatch("init", "--prune")
    assert "1 retired" in pruned.stdout
    assert "retired: operators-own" in pruned.stdout
    assert not stored_sources(tmp_path, fresh_database_url)["operators-own"].enabled
    assert "kept" not in zonewatch("init").stdout, "a retired source is not named again"


def test_sources_add_writes_the_local_file_and_loads_the_source(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    zonewatch("init")
    entry = tmp_path / "new.yaml"
    entry.write_text(yaml.safe_dump(extra_source(), allow_unicode=True), encoding="utf-8")
    local = tmp_path / "data" / "sources.local.yaml"

    result = zonewatch("sources", "add", str(entry))
    assert result.stdout.startswith(f"daegu-extra: added to {local}")
    written = yaml.safe_load(local.read_text(encoding="utf-8"))
    assert [source["id"] for source in written["sources"]] == ["daegu-extra"]
    assert stored_sources(tmp_path, fresh_database_url)["daegu-extra"].enabled
    assert "kept" not in zonewatch("init").stdout, "init reads what `sources add` wrote"

    again = one_line_error(zonewatch("sources", "add", str(entry), check=False))
    assert f"entry 1 (id 'daegu-extra'): already in {local}" in again
    entry.write_text(yaml.safe_dump(extra_source("ifez-press"), allow_unicode=True))
    shipped = one_line_error(zonewatch("sources", "add", str(entry), check=False))
    assert "a shipped source has this id; change its fields under 'overrides'" in shipped
    entry.write_text(yaml.safe_dump({**extra_source("third"), "url": "ftp://x"}))
    bad = one_line_error(zonewatch("sources", "add", str(entry), check=False))
    assert bad.startswith(f"error: {entry}: entry 1 (id 'third'): field 'url'")
    assert [s["id"] for s in yaml.safe_load(local.read_text())["sources"]] == ["daegu-extra"]


def test_sources_add_writes_nothing_when_the_database_is_not_set_up(
    zonewatch: Run, tmp_path: Path
) -> None:
    entry = tmp_path / "new.yaml"
    entry.write_text(yaml.safe_dump(extra_source(), allow_unicode=True), encoding="utf-8")
    result = zonewatch("sources", "add", str(entry), check=False)
    assert result.returncode == 1
    assert "run `zonewatch init` first" in result.stderr
    assert not (tmp_path / "data" / "sources.local.yaml").exists()


def test_a_crawl_says_when_the_configuration_changed_since_init(
    zonewatch: Run, tmp_path: Path
) -> None:
    zonewatch("init")
    assert "changed since" not in zonewatch("crawl", "daegu-press", "--now").stderr
    write_local(
        tmp_path / "data",
        {"version": 1, "overrides": [{"id": "daegu-press", "schedule": {"every": "1h"}}]},
    )
    result = zonewatch("crawl", "daegu-press", "--now")
    assert result.stderr.splitlines()[0] == (
        "warning: the configuration of daegu-press changed since `zonewatch init`; this crawl "
        "uses the stored one (run `zonewatch init` to apply the change)"
    )
    zonewatch("init")
    assert "changed since" not in zonewatch("crawl", "daegu-press", "--now").stderr
