"""``zonewatch changes`` (list, show, review) and ``zonewatch timeline``: the analysts' desk."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from zonewatch.changes.queries import (
    CHANGE_KINDS,
    REVIEW_STATUSES,
    VERDICTS,
    ChangeFilter,
    change_as_json,
    change_details,
    list_changes,
    noise_rules_of,
    review_change,
    timeline,
)
from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import LIMIT, ROW_ID, SIGNIFICANCE
from zonewatch.csvcells import SafeWriter

TITLE_WIDTH = 80
TABLE_ENTITIES = 3
TABLE_MIN_WIDTH = 110
CSV_FIELDS = (
    "id",
    "occurred_at",
    "created_at",
    "kind",
    "significance",
    "minor",
    "review_status",
    "source_id",
    "document_id",
    "old_version_id",
    "new_version_id",
    "related_change_id",
    "entities",
    "topics",
    "title",
    "summary",
    "reviewed_by",
    "reviewed_at",
    "review_note",
)
DATE = click.DateTime(["%Y-%m-%d"])


@click.group()
def changes() -> None:
    """Review the change log: list, show and mark changes."""


def _zone(cli_ctx: CliContext) -> ZoneInfo:
    return ZoneInfo(cli_ctx.settings.timezone)


def _local(value: str | None, tz: dt.tzinfo) -> str:
    """An ISO timestamp from the JSON form, shown in local time to the minute."""
    if not value:
        return ""
    return dt.datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _zone_label(tz: dt.tzinfo) -> str:
    return dt.datetime.now(tz).tzname() or str(tz)


def _shorten(text: str, width: int = TITLE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@changes.command("list")
@click.option("--entity", "entity_id", help="About this entity or anything below it.")
@click.option("--zone-type", help="About this zone type or any of its instances.")
@click.option("--topic", "topic_id", help="Only changes with this topic.")
@click.option("--source", "source_id", help="Only changes from this source.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS), help="Repeatable.")
@click.option("--since", type=DATE, help="Occurred on or after this day (KST).")
@click.option("--until", type=DATE, help="Occurred on or before this day (KST).")
@click.option("--min-significance", type=SIGNIFICANCE, help="Only changes scoring at least this.")
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(REVIEW_STATUSES), help="Repeatable."
)
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@pass_cli
def list_command(
    cli_ctx: CliContext,
    entity_id: str | None,
    zone_type: str | None,
    topic_id: str | None,
    source_id: str | None,
    kinds: tuple[str, ...],
    since: dt.datetime | None,
    until: dt.datetime | None,
    min_significance: float | None,
    statuses: tuple[str, ...],
    limit: int,
    output: str,
) -> None:
    """List recorded changes, newest first."""
    tz = _zone(cli_ctx)
    filters = ChangeFilter(
        entity_id=entity_id,
        zone_type=zone_type,
        topic_id=topic_id,
        source_id=source_id,
        kinds=kinds,
        statuses=statuses,
        since=since.date() if since else None,
        until=until.date() if until else None,
        min_significance=min_significance,
        limit=limit,
        tz=tz,
    )
    with cli_ctx.app.session() as session:
        rows = [change_as_json(record) for record in list_changes(session, filters)]
    if output == "json":
        print_json(rows)
    elif output == "csv":
        _print_csv(rows)
    else:
        _print_table(cli_ctx, rows, tz)


def _print_csv(rows: list[dict[str, Any]]) -> None:
    """Titles and summaries are scraped text: cells that could be formulas are escaped."""
    writer = SafeWriter(sys.stdout)
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow(
            " ".join(row[name]) if isinstance(row[name], list) else row[name] for name in CSV_FIELDS
        )


def _entities_cell(entities: list[str]) -> str:
    shown = ", ".join(entities[:TABLE_ENTITIES])
    more = len(entities) - TABLE_ENTITIES
    return f"{shown} +{more}" if more > 0 else shown


def _print_rows(cli_ctx: CliContext, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table whose last column (the title) wraps; below ``TABLE_MIN_WIDTH`` columns, where a
    table would squeeze the title out, one line of facts per row with the title under it."""
    console = cli_ctx.console
    if console.width < TABLE_MIN_WIDTH:
        for *cells, title in rows:
            console.print("  ".join(cell for cell in cells if cell), markup=False)
            console.print(f"    {title}", markup=False)
        return
    table = Table(box=box.SIMPLE_HEAD)
    for header in headers[:-2]:
        table.add_column(header, no_wrap=True)
    table.add_column(headers[-2])
    table.add_column(headers[-1])
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)


def _print_table(cli_ctx: CliContext, rows: list[dict[str, Any]], tz: dt.tzinfo) -> None:
    headers = ("id", f"when ({_zone_label(tz)})", "kind", "sig.", "status", "source")
    lines = [
        (
            f"#{row['id']}",
            _local(row["occurred_at"], tz),
            row["kind"],
            f"{row['significance']:.2f}",
            row["review_status"],
            row["source_id"] or "",
            _entities_cell(row["entities"]),
            _shorten(row["title"]),
        )
        for row in rows
    ]
    _print_rows(cli_ctx, (*headers, "entities", "title"), lines)
    cli_ctx.console.print(f"{len(rows)} change{'' if len(rows) == 1 else 's'}")


@changes.command("show")
@click.argument("change_id", type=ROW_ID)
@click.option("--width", type=click.IntRange(20, 1000), help="Columns (default: the terminal's).")
@click.option("--no-color", is_flag=True, help="No colours, even on a terminal.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def show_command(
    cli_ctx: CliContext, change_id: int, width: int | None, no_color: bool, as_json: bool
) -> None:
    """Show one change: what, where from, the diff, and why it is about what it is about."""
    with cli_ctx.app.session() as session:
        details = change_details(session, change_id)
    if as_json:
        print_json(details)
        return
    view = _View(
        width=width or shutil.get_terminal_size().columns,
        color=not no_color and sys.stdout.isatty(),
        tz=_zone(cli_ctx),
    )
    for line in view.render(details):
        click.echo(line, color=view.color)


class _View:
    """Renders a change's details as lines of text, plain or coloured."""

    def __init__(self, width: int, color: bool, tz: dt.tzinfo) -> None:
        self.width, self.color, self.tz = width, color, tz

    def style(self, text: str, **styles: Any) -> str:
        return click.style(text, **styles) if self.color else text

    def heading(self, text: str) -> str:
        rule = "─" * max(0, self.width - len(text) - 4)
        return "\n" + self.style(f"── {text} ", bold=True) + rule

    def render(self, details: dict[str, Any]) -> list[str]:
        return [
            *self.header(details),
            *self.diff(details["diff"]),
            *self.facts(details["diff"].get("facts") or []),
            *self.attachments(details["diff"].get("attachments")),
            *self.evidence(details),
        ]

    def header(self, details: dict[str, Any]) -> list[str]:
        lines = [
            self.style(f"#{details['id']} {details['kind']}", bold=True)
            + (" (minor)" if details["minor"] else ""),
            self.style(details["title"], bold=True),
        ]
        fields = [
            ("source", _source_line(details)),
            ("occurred", self.when(details)),
            ("significance", _significance_line(details)),
            ("review", self.review_line(details)),
            ("document", _document_line(details)),
            ("versions", self.versions_line(details)),
            ("summary", details["summary"]),
            ("related", _related_line(details)),
            ("model change", _model_change_line(details)),
        ]
        lines.extend(f"{label + ':':<14}{value}" for label, value in fields if value)
        return lines

    def when(self, details: dict[str, Any]) -> str:
        zone = _zone_label(self.tz)
        occurred = f"{_local(details['occurred_at'], self.tz)} {zone}"
        return f"{occurred} (recorded {_local(details['created_at'], self.tz)})"

    def review_line(self, details: dict[str, Any]) -> str:
        status = str(details["review_status"])
        if details["reviewed_by"]:
            status += f" by {details['reviewed_by']} at {_local(details['reviewed_at'], self.tz)}"
        if details["review_note"]:
            status += f": {details['review_note']}"
        return status

    def versions_line(self, details: dict[str, Any]) -> str:
        parts = [
            f"v{version['number']} (#{version['id']}, {_local(version['created_at'], self.tz)})"
            for version in (details["old_version"], details["new_version"])
            if version is not None
        ]
        return " → ".join(parts)

    def diff(self, diff: dict[str, Any]) -> list[str]:
        from zonewatch.changes.diffing import TextDiff, render_terminal

        lines: list[str] = []
        for part in ("title", "body"):
            data = diff.get(part)
            if isinstance(data, dict):
                lines.append(self.heading(part))
                text = render_terminal(TextDiff.from_json(data), self.width, self.color)
                lines.append(text.rstrip("\n"))
        return lines

    def facts(self, facts: list[dict[str, Any]]) -> list[str]:
        if not facts:
            return []
        lines = [self.heading("facts")]
        for fact in facts:
            old = fact.get("old_raw") or f"{fact.get('old')} {fact.get('unit', '')}".strip()
            new = fact.get("new_raw") or f"{fact.get('new')} {fact.get('unit', '')}".strip()
            subject = f" ({fact['entity']})" if fact.get("entity") else ""
            change = f"{self.style(old, fg='red')} → {self.style(new, fg='green')}"
            lines.append(f"  {fact.get('metric', '?')}{subject}: {change}")
            lines.append(f"      was: {_cite(fact.get('old_source'))}")
            lines.append(f"      now: {_cite(fact.get('new_source'))}")
        return lines

    def attachments(self, data: Any) -> list[str]:
        if not isinstance(data, dict):
            return []
        lines = [
            f"  {self.style(mark, fg=colour)} {label}"
            for mark, colour, label in _attachment_changes(data)
        ]
        return [self.heading("attachments"), *lines] if lines else []

    def evidence(self, details: dict[str, Any]) -> list[str]:
        if not details["entities"] and not details["topics"]:
            return []
        lines = [self.heading("evidence")]
        for entity in details["entities"]:
            names = " / ".join(name for name in (entity["name_ko"], entity["name_en"]) if name)
            lines.append(f"  {entity['id']}" + (f" — {names}" if names else ""))
            lines.extend(_quoted(entity["evidence"]))
        for topic in details["topics"]:
            name = f" — {topic['name_en']}" if topic["name_en"] else ""
            lines.append(f"  topic {topic['id']}{name}")
            lines.extend(_quoted(topic["evidence"]))
        return lines


def _quoted(texts: list[str]) -> list[str]:
    return ["      " + ", ".join(f"“{text}”" for text in texts)] if texts else []


def _source_line(details: dict[str, Any]) -> str:
    source = details["source"]
    if source is None:
        return details["source_id"] or ""
    return f"{source['id']} ({source['name']})"


def _significance_line(details: dict[str, Any]) -> str:
    signals = {key: value for key, value in details["signals"].items() if key != "kind"}
    shown = ", ".join(f"{key} {_plain(value)}" for key, value in signals.items())
    return f"{details['significance']:.2f}" + (f" — {shown}" if shown else "")


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _document_line(details: dict[str, Any]) -> str:
    document = details["document"]
    if document is None:
        return ""
    status = f" ({document['status']})" if document["status"] != "active" else ""
    return f"{document['url']}{status}"


def _related_line(details: dict[str, Any]) -> str:
    related = details["related"]
    if related is None:
        return ""
    return f"#{related['id']} {related['kind']}: {_shorten(related['title'])}"


def _model_change_line(details: dict[str, Any]) -> str:
    change = details["entity_change"]
    if change is None:
        return ""
    who = change["decided_by"] or change["origin"]
    return f"{change['entity_id']} {change['action']} ({change['status']}, {who})"


def _cite(source: Any) -> str:
    """A fact's source in words: which version of which document, at which address."""
    if not isinstance(source, dict):
        return str(source) if source else "?"
    parts = []
    if source.get("version") is not None:
        parts.append(f"v{source['version']}")
    if source.get("document_id") is not None:
        parts.append(f"of document {source['document_id']}")
    if source.get("source"):
        parts.append(f"({source['source']})")
    if source.get("title"):
        parts.append(f"“{_shorten(str(source['title']), 60)}”")
    if source.get("url"):
        parts.append(str(source["url"]))
    return " ".join(parts) or json.dumps(source, ensure_ascii=False)


def _attachment_name(item: Any) -> str:
    if isinstance(item, dict):
        name = item.get("name") or item.get("url") or "?"
        return f"{name} <{item['url']}>" if item.get("url") and item.get("name") else str(name)
    return str(item)


def _attachment_changes(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(mark, colour, label) per attachment change, for both shapes a record may carry:
    lists of added/removed/replaced files, or the old and new file of one change."""
    if any(key in data for key in ("added", "removed", "replaced")):
        found = [("+", "green", _attachment_name(item)) for item in data.get("added") or []]
        found += [("-", "red", _attachment_name(item)) for item in data.get("removed") or []]
        for item in data.get("replaced") or []:
            found.append(("~", "yellow", _replaced_label(item)))
        return found
    old, new = data.get("old"), data.get("new")
    if old and new:
        return [("~", "yellow", _replaced_label(data))]
    if new:
        return [("+", "green", _attachment_name(new))]
    if old:
        return [("-", "red", _attachment_name(old))]
    return []


def _replaced_label(item: Any) -> str:
    if isinstance(item, dict) and "old" in item and "new" in item:
        old, new = _attachment_name(item["old"]), _attachment_name(item["new"])
        return new if old == new else f"{old} → {new}"
    return _attachment_name(item)


@changes.command("review")
@click.argument("change_id", type=ROW_ID)
@click.option("--status", required=True, type=click.Choice(VERDICTS), help="The verdict.")
@click.option("--note", help="Why, for the next analyst.")
@click.option("--by", help="Who decided (default: $USER, else 'analyst').")
@pass_cli
def review_command(
    cli_ctx: CliContext, change_id: int, status: str, note: str | None, by: str | None
) -> None:
    """Mark a change reviewed, noise or important.

    Noise on a changed document also stores noise rules for the source: the kind of token the
    edit touched (a phone number, a view counter, ...) or else its changed fragments, so that
    the next such edit is recorded as minor.
    """
    reviewer = by or _user()
    with cli_ctx.app.session() as session:
        record = review_change(session, change_id, status, note, reviewer)
        learned = noise_rules_of(session, record.id) if status == "noise" else []
        kinds = sorted({rule.fragment for rule in learned if rule.kind})
        source_id = record.source_id
    message = f"#{change_id}: {status} (by {reviewer})"
    if learned:
        message += f"; {len(learned)} noise rule{'s' if len(learned) != 1 else ''} for {source_id}"
        message += f" ({', '.join(kinds)})" if kinds else ""
    click.echo(message)


def _user() -> str:
    return os.environ.get("USER") or "analyst"


@click.command("timeline")
@click.argument("entity_id")
@click.option("--limit", type=LIMIT, default=100, show_default=True)
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_cli
def timeline_command(cli_ctx: CliContext, entity_id: str, limit: int, output: str) -> None:
    """Everything that happened to a zone or programme and what lies below it, oldest first."""
    with cli_ctx.app.session() as session:
        events = timeline(session, entity_id, limit)
    if output == "json":
        print_json(events)
        return
    tz = _zone(cli_ctx)
    lines = [
        (
            _local(event["at"], tz),
            f"#{event['id']}" if event["type"] == "change" else f"model:{event['id']}",
            event["kind"],
            event["review_status"] if event["type"] == "change" else event["status"],
            _entities_cell(event["entities"]),
            _shorten(event["title"]),
        )
        for event in events
    ]
    headers = (f"when ({_zone_label(tz)})", "ref", "kind", "status", "entities", "what")
    _print_rows(cli_ctx, headers, lines)
    cli_ctx.console.print(f"{len(events)} events for {escape(entity_id)}")
