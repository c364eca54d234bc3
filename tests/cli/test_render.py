"""The one renderer of list commands: table, JSON and CSV from one declaration."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import click
import pytest
from click.testing import CliRunner

from tests.cli.conftest import Run
from zonewatch.cli.context import CliContext
from zonewatch.cli.render import (
    Column,
    Listing,
    OutputFormat,
    format_option,
    render,
    render_records,
)

ROWS = [
    {
        "id": 1,
        "name": "=HYPERLINK(1)",
        "tags": ["송도", "IFEZ"],
        "active": True,
        "at": dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
    },
    {"id": 2, "name": "[red]plain[/red]", "tags": [], "active": False, "at": None},
]
LISTING: Listing[dict[str, Any]] = Listing(
    columns=(Column("id", lambda row: str(row["id"])), Column("name", lambda row: row["name"])),
    record=lambda row: row,
    noun="things",
)


def test_json_carries_every_field_with_times_in_iso_local(
    capsys: pytest.CaptureFixture[str],
) -> None:
    render(CliContext({}), OutputFormat.JSON, ROWS, LISTING)
    data = json.loads(capsys.readouterr().out)
    assert data[0]["tags"] == ["송도", "IFEZ"]
    assert data[0]["at"] == "2026-03-02T10:00:00+09:00"
    assert data[1]["at"] is None


def test_csv_is_flat_and_never_a_formula(capsys: pytest.CaptureFixture[str]) -> None:
    render(CliContext({}), OutputFormat.CSV, ROWS, LISTING)
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["id", "name", "tags", "active", "at"]
    assert rows[1] == ["1", "'=HYPERLINK(1)", "송도; IFEZ", "true", "2026-03-02T10:00:00+09:00"]
    assert rows[2] == ["2", "[red]plain[/red]", "", "false", ""]


def test_csv_of_nothing_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    render_records(OutputFormat.CSV, [])
    assert capsys.readouterr().out == ""


def test_table_shows_text_as_text_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    render(CliContext({}), OutputFormat.TABLE, ROWS, LISTING)
    out = capsys.readouterr().out
    assert "[red]plain[/red]" in out
    assert "=HYPERLINK(1)" in out
    assert "2 things" in out


def test_json_flag_is_the_short_form_of_format_json() -> None:
    @click.command()
    @format_option()
    def show(output: OutputFormat) -> None:
        click.echo(output.value)

    runner = CliRunner()
    assert runner.invoke(show, []).output == "table\n"
    assert runner.invoke(show, ["--json"]).output == "json\n"
    assert runner.invoke(show, ["--format", "csv"]).output == "csv\n"
    refused = runner.invoke(show, ["--format", "xml"])
    assert refused.exit_code == 2


def test_list_commands_print_csv(zonewatch: Run) -> None:
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org", "--name", "=Kim")
    sources = list(
        csv.DictReader(io.StringIO(zonewatch("sources", "list", "--format", "csv").stdout))
    )
    assert any(row["id"] == "korea-kr-press" for row in sources)
    people = list(
        csv.DictReader(io.StringIO(zonewatch("subscribers", "list", "--format", "csv").stdout))
    )
    assert [(row["email"], row["name"]) for row in people] == [("kim@example.org", "'=Kim")]
    entities = zonewatch("entities", "list", "--format", "csv").stdout.splitlines()
    assert entities[0].startswith("id,")
    assert len(entities) > 250
    as_json = json.loads(zonewatch("subscribers", "list", "--json").stdout)
    assert as_json[0]["email"] == "kim@example.org"
