"""One way to print a list: a table for people, JSON or CSV for programs.

Every list command declares its columns once (:class:`Listing`) and takes ``--format
table|json|csv`` (``--json`` stays as the short form scripts already use). JSON carries every
field of each row with times as ISO 8601 and their offset (:func:`print_json`); CSV carries the
same fields flat, one row each, through :mod:`zonewatch.csvcells` so that a scraped title never
runs as a spreadsheet formula; the table shows the columns a person reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import click

from zonewatch.cli.context import CliContext, print_json
from zonewatch.csvcells import SafeWriter
from zonewatch.timefmt import iso_local

if TYPE_CHECKING:
    from typing import TextIO

R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])

LIST_SEPARATOR = "; "
"""Between the items of a list field in one CSV cell."""


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def format_option(
    choices: Sequence[OutputFormat] = tuple(OutputFormat), help_text: str | None = None
) -> Callable[[F], F]:
    """``--format`` (and ``--json``, its short form); the command gets ``output``, an
    :class:`OutputFormat`."""
    names = [choice.value for choice in choices]

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def run(*args: Any, output_format: str, as_json: bool, **kwargs: Any) -> Any:
            chosen = OutputFormat.JSON if as_json else OutputFormat(output_format)
            return command(*args, output=chosen, **kwargs)

        with_json = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
        with_format = click.option(
            "--format",
            "output_format",
            type=click.Choice(names),
            default=OutputFormat.TABLE.value,
            show_default=True,
            help=help_text or "table for people; json or csv (every field) for programs.",
        )
        return cast(F, with_format(with_json(run)))

    return decorate


@dataclass(frozen=True)
class Column(Generic[R]):
    """A table column: its header and the text of its cell (plain text, never markup)."""

    header: str
    cell: Callable[[R], str]
    wrap: bool = True
    """Whether the cell may wrap; a column that must stay on one line (an id) says False."""


@dataclass(frozen=True)
class Listing(Generic[R]):
    """How one kind of row is shown: table columns, the record programs get, the count line."""

    columns: Sequence[Column[R]]
    record: Callable[[R], Mapping[str, Any]]
    noun: str | None = None
    """Plural word of the count line under the table ("12 subscribers"); None: no line."""


def render(
    cli_ctx: CliContext, output: OutputFormat, rows: Sequence[R], listing: Listing[R]
) -> None:
    if output is OutputFormat.TABLE:
        print_table(cli_ctx, rows, listing)
    else:
        render_records(output, [listing.record(row) for row in rows])


def render_records(output: OutputFormat, records: Sequence[Mapping[str, Any]]) -> None:
    """The machine formats alone, for commands whose table is drawn their own way."""
    if output is OutputFormat.TABLE:
        raise ValueError("a table needs a Listing: use render()")
    if output is OutputFormat.JSON:
        print_json([dict(record) for record in records])
    else:
        write_records(sys.stdout, records)


def print_table(cli_ctx: CliContext, rows: Sequence[R], listing: Listing[R]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in listing.columns:
        table.add_column(column.header, no_wrap=not column.wrap)
    for row in rows:
        table.add_row(*(Text(column.cell(row)) for column in listing.columns))
    cli_ctx.console.print(table)
    if listing.noun is not None:
        cli_ctx.console.print(f"{len(rows)} {listing.noun}", markup=False)


def write_records(out: TextIO, records: Sequence[Mapping[str, Any]]) -> None:
    """CSV of records: a header from the first record's keys, one flat row per record."""
    writer = SafeWriter(out)
    if not records:
        return
    fields = list(records[0])
    writer.writerow(fields)
    for record in records:
        writer.writerow(csv_cell(record.get(name)) for name in fields)


def csv_cell(value: Any) -> Any:
    """A field as one cell: lists joined, mappings as JSON, times as ISO 8601 with offset."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return iso_local(value) or ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return LIST_SEPARATOR.join(str(csv_cell(item)) for item in value)
    if isinstance(value, StrEnum):
        return value.value
    return value
