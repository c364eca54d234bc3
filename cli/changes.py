"""``zonewatch changes`` (list, export, show, review) and ``zonewatch timeline``: the
analysts' desk.

Times are shown the one way people read them everywhere (local time to the minute with the
zone, ``2026-03-02 10:00 KST``) and given to programs the one way JSON carries them (ISO 8601
with the offset). A change's release date comes first, its detection time beside it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import click
from rich import box
from rich.markup import escape
from rich.table import Table

from zonewatch.changes.export import ExportFormat, ExportRow, json_text, write_csv
from zonewatch.changes.log_view import (
    CHANGE_KINDS,
    ENTITY_ID,
    REVIEW_STATUSES,
    VERDICTS,
    BaselineFilter,
    ChangeView,
    EventType,
    ListRequest,
    ListShape,
    ReleaseOrigin,
    TimelineEvent,
)
from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import LIMIT, ROW_ID, SIGNIFICANCE
from zonewatch.cli.render import OutputFormat, format_option, render_records
from zonewatch.config.database import database_location
from zonewatch.timefmt import local_minutes

if TYPE_CHECKING:
    from zonewatch.changes.queries import ChangeFilter
    from zonewatch.changes.review import ReviewAction
    from zonewatch.models import ChangeRecord, NoiseRule

TITLE_WIDTH = 80
TABLE_ENTITIES = 3
TABLE_MIN_WIDTH = 140
DATE = click.DateTime(["%Y-%m-%d"])
NO_RELEASE = "no release date"
BASELINE = "baseline"
"""The mark of a record made by a source's first crawl, in every list."""
F = TypeVar("F", bound=Callable[..., Any])

_FILTER_OPTIONS = (
    click.option(
        "--entity",
        "entity_id",
        help="About this entity (id or any name: IFEZ, 송도) or anything below it.",
    ),
    click.option(
        "--zone-type", help="About this zone type (id or any name) or any of its instances."
    ),
    click.option("--topic", "topic_id", help="Only changes with this topic."),
    click.option("--source", "source_id", help="Only changes from this source."),
    click.option(
        "--kind", "kinds", multiple=True, type=click.Choice(CHANGE_KINDS), help="Repeatable."
    ),
    click.option(
        "--status",
        "statuses",
        multiple=True,
        type=click.Choice(REVIEW_STATUSES),
        help="Repeatable.",
    ),
    click.option(
        "--since",
        type=DATE,
        help="Released on or after this day (KST); a change without a release date counts "
        "by the day it was detected.",
    ),
    click.option(
        "--until",
        type=DATE,
        help="Released on or before this day (KST); a change without a release date counts "
        "by the day it was detected.",
    ),
    click.option(
        "--search",
        help="Only changes whose title, summary or document text contains every word of this "
        "(substrings, ASCII case ignored; 2-letter Korean words such as 송도 work too).",
    ),
    click.option("--detected-since", type=DATE, help="Detected on or after this day (KST)."),
    click.option("--detected-until", type=DATE, help="Detected on or before this day (KST)."),
    click.option(
        "--min-significance", type=SIGNIFICANCE, help="Only changes scoring at least this."
    ),
    click.option(
        "--baseline",
        type=click.Choice([choice.value for choice in BaselineFilter]),
        default=BaselineFilter.SHOW.value,
        show_default=True,
        help="Records of a source's first crawl (releases already published when monitoring "
        "began): show them, marked 'baseline'; hide them; or show only them.",
    ),
)


def _filter_options(command: F) -> F:
    """The filters ``changes list`` and ``changes export`` share."""
    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _change_filter(options: dict[str, Any], limit: int | None, tz: ZoneInfo) -> ChangeFilter:
    """The filter the shared options ask for (their names are those of the keyword
    arguments click passes)."""
    from zonewatch.changes.queries import ChangeFilter

    return ChangeFilter(
        entity_id=options["entity_id"],
        zone_type=options["zone_type"],
        topic_id=options["topic_id"],
        source_id=options["source_id"],
        kinds=tuple(options["kinds"]),
        statuses=tuple(options["statuses"]),
        since=_day(options["since"]),
        until=_day(options["until"]),
        detected_since=_day(options["detected_since"]),
        detected_until=_day(options["detected_until"]),
        min_significance=options["min_significance"],
        baseline=BaselineFilter(options["baseline"]),
        text=options["search"],
        limit=limit,
        tz=tz,
    )


@click.group()
def changes() -> None:
    """Review the change log: list, export, show and mark changes."""


def _zone(cli_ctx: CliContext) -> ZoneInfo:
    return ZoneInfo(cli_ctx.settings.timezone)


def _local(value: str | None, tz: ZoneInfo) -> str:
    """An ISO timestamp from the JSON form, as people read it ('' for none)."""
    return local_minutes(dt.datetime.fromisoformat(value), tz) if value else ""


def _released_cell(released_at: dt.datetime | None, tz: ZoneInfo) -> str:
    return local_minutes(released_at, tz) if released_at is not None else NO_RELEASE


def _kind_cell(kind: str, baseline: bool) -> str:
    return f"{kind} ({BASELINE})" if baseline else kind


def _shorten(text: str, width: int = TITLE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@changes.command("list")
@_filter_options
@click.option("--limit", type=LIMIT, default=50, show_default=True)
@format_option(help_text="json: every field of each change; csv: the columns of `changes export`.")
@pass_cli
def list_command(cli_ctx: CliContext, /, limit: int, output: OutputFormat, **options: Any) -> None:
    """List recorded changes, newest release first, each with its release date and the time
    it was detected beside it.

    A change without a release date (a model change, a release that states none) says so,
    and sits in the list at the time it was detected.
    """
    tz = _zone(cli_ctx)
    request = _fast_request(options, limit)
    location = database_location(cli_ctx.settings.effective_database_url)
    if request is not None and location is not None:
        from zonewatch.changes.fast_read import list_page

        _print_views(cli_ctx, list_page(location, request), output, 0, tz)
        return
    from zonewatch.changes.queries import (
        change_view,
        hidden_baselines,
        list_changes,
        with_entity_ids,
    )

    with cli_ctx.app.session() as session:
        filters = with_entity_ids(session, _change_filter(options, limit, tz))
        found = list_changes(session, filters)
        hidden = hidden_baselines(session, filters) if output is OutputFormat.TABLE else 0
    _print_views(cli_ctx, [change_view(change) for change in found], output, hidden, tz)


def _fast_request(options: dict[str, Any], limit: int) -> ListRequest | None:
    """The request, when its shape is one the compiled SQL reads (newest records under no
    filter, one source or one topic); else None (the ORM reads it)."""
    narrowing = {name: value for name, value in options.items() if value not in (None, ())}
    narrowing.pop("baseline", None)
    if options["baseline"] != BaselineFilter.SHOW:
        return None
    if not narrowing:
        return ListRequest(ListShape.LATEST, limit)
    if narrowing.keys() == {"source_id"}:
        return ListRequest(ListShape.SOURCE, limit, source_id=narrowing["source_id"])
    if narrowing.keys() == {"topic_id"}:
        return ListRequest(ListShape.TOPIC, limit, topic_id=narrowing["topic_id"])
    return None


def _print_views(
    cli_ctx: CliContext, found: list[ChangeView], output: OutputFormat, hidden: int, tz: ZoneInfo
) -> None:
    if output is OutputFormat.CSV:
        write_csv((ExportRow.of(change) for change in found), sys.stdout, tz)
    elif output is OutputFormat.JSON:
        print_json([change.as_json(tz) for change in found])
    else:
        _print_table(cli_ctx, found, hidden, tz)


@changes.command("export")
@_filter_options
@click.option("--limit", type=LIMIT, help="At most this many changes (default: all).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice([choice.value for choice in ExportFormat]),
    help="Default: json for an --output ending in .json, else csv.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here (a CSV file with a byte-order mark, so that spreadsheets read Korean "
    "as UTF-8); default: standard output.",
)
@pass_cli
def export_command(
    cli_ctx: CliContext,
    /,
    limit: int | None,
    file_format: str | None,
    output: Path | None,
    **options: Any,
) -> None:
    """Export the change log as CSV or JSON, newest release first: id, release date, detection
    time, kind, baseline, title, canonical URL, source, entities, topics, significance and
    the review."""
    tz = _zone(cli_ctx)
    from zonewatch.changes.queries import change_view, list_changes, with_entity_ids

    chosen = ExportFormat(file_format or _format_of(output))
    with cli_ctx.app.session() as session:
        filters = with_entity_ids(session, _change_filter(options, limit, tz))
        found = list_changes(session, filters)
        rows = [ExportRow.of(change_view(change)) for change in found]
    if output is None:
        _write_export(rows, chosen, sys.stdout, tz)
        return
    encoding = "utf-8-sig" if chosen is ExportFormat.CSV else "utf-8"
    with output.open("w", encoding=encoding, newline="") as out:
        _write_export(rows, chosen, out, tz)
    click.echo(f"exported {len(rows)} change{'' if len(rows) == 1 else 's'} to {output}")


def _format_of(output: Path | None) -> ExportFormat:
    if output is not None and output.suffix.lower() == ".json":
        return ExportFormat.JSON
    return ExportFormat.CSV


def _write_export(rows: list[ExportRow], chosen: ExportFormat, out: Any, tz: ZoneInfo) -> None:
    if chosen is ExportFormat.JSON:
        out.write(json_text(rows, tz))
    else:
        write_csv(rows, out, tz)


def _entities_cell(entities: Sequence[str]) -> str:
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


def _print_table(cli_ctx: CliContext, found: list[ChangeView], hidden: int, tz: ZoneInfo) -> None:
    headers = ("id", "released", "detected", "kind", "sig.", "status", "source")
    lines = [
        (
            f"#{change.id}",
            _released_cell(change.release.at, tz),
            local_minutes(change.detected_at, tz),
            _kind_cell(change.kind, change.baseline),
            f"{change.significance:.2f}",
            change.review_status,
            change.source_id or "",
            _entities_cell(change.entities),
            _shorten(change.title),
        )
        for change in found
    ]
    _print_rows(cli_ctx, (*headers, "entities", "title"), lines)
    summary = f"{len(found)} change{'' if len(found) == 1 else 's'}"
    if hidden:
        summary += f" ({hidden} {BASELINE} hidden: --baseline show lists them)"
    cli_ctx.console.print(summary, markup=False)


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
    from zonewatch.changes.queries import change_details

    tz = _zone(cli_ctx)
    with cli_ctx.app.session() as session:
        details = change_details(session, change_id, tz)
    if as_json:
        print_json(details)
        return
    view = _View(
        width=width or shutil.get_terminal_size().columns,
        color=not no_color and sys.stdout.isatty(),
        tz=tz,
    )
    for line in view.render(details):
        click.echo(line, color=view.color)


class _View:
    """Renders a change's details as lines of text, plain or coloured."""

    def __init__(self, width: int, color: bool, tz: ZoneInfo) -> None:
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
        kind = _kind_cell(details["kind"], details["baseline"])
        lines = [
            self.style(f"#{details['id']} {kind}", bold=True)
            + (" (minor)" if details["minor"] else ""),
            self.style(details["title"], bold=True),
        ]
        fields = [
            ("source", _source_line(details)),
            ("released", self.released(details)),
            ("detected", self.detected(details)),
            (BASELINE, _baseline_line(details)),
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

    def released(self, details: dict[str, Any]) -> str:
        """The release date and, when it is the document's, that it is; or why there is none."""
        if details["released_at"] is None:
            why = "not a document" if details["document"] is None else "the release states none"
            return f"{NO_RELEASE} ({why})"
        shown = _local(details["released_at"], self.tz)
        if details["release_date_from"] == ReleaseOrigin.DOCUMENT:
            shown += " (the document's date)"
        return shown

    def detected(self, details: dict[str, Any]) -> str:
        detected = _local(details["detected_at"], self.tz)
        return f"{detected} (recorded {_local(details['created_at'], self.tz)})"

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
        from zonewatch.changes.page import FileChange, attachment_changes

        marks = {
            FileChange.ADDED: ("+", "green"),
            FileChange.REMOVED: ("-", "red"),
            FileChange.REPLACED: ("~", "yellow"),
        }
        lines = [
            f"  {self.style(mark, fg=colour)} {item.label}"
            for item in attachment_changes(data)
            for mark, colour in (marks[item.change],)
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


def _baseline_line(details: dict[str, Any]) -> str:
    if not details["baseline"]:
        return ""
    return "yes: already published when the source's first crawl found it"


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


@changes.command("review")
@click.argument("change_ids", metavar="CHANGE_ID...", nargs=-1, required=True, type=ROW_ID)
@click.option("--status", type=click.Choice(VERDICTS), help="The verdict (omit to only note).")
@click.option("--note", help="Why, for the next analyst (kept when a verdict comes without one).")
@click.option("--by", help="Who decided (default: $USER, else 'analyst').")
@pass_cli
def review_command(
    cli_ctx: CliContext,
    change_ids: tuple[int, ...],
    status: str | None,
    note: str | None,
    by: str | None,
) -> None:
    """Mark changes reviewed, noise or important, or only write a note on them.

    Noise on a changed document also stores noise rules for the source: the kind of token the
    edit touched (a phone number, a view counter, ...) or else its changed fragments, so that
    the next such edit is recorded as minor. An unknown id refuses the whole batch.
    """
    if status is None and note is None:
        raise click.UsageError("give --status, --note or both")
    from zonewatch.changes.review import ReviewAction, review_many

    action = ReviewAction(status) if status is not None else ReviewAction.NOTE
    reviewer = by or _user()
    with cli_ctx.app.session() as session:
        outcome = review_many(session, list(dict.fromkeys(change_ids)), action, note, reviewer)
        lines = [
            _review_line(record, action, outcome.rules, reviewer) for record in outcome.records
        ]
    for line in lines:
        click.echo(line)


def _review_line(
    record: ChangeRecord, action: ReviewAction, rules: tuple[NoiseRule, ...], reviewer: str
) -> str:
    learned = [rule for rule in rules if rule.change_id == record.id]
    message = f"#{record.id}: {action.value} (by {reviewer})"
    if learned:
        kinds = sorted({rule.fragment for rule in learned if rule.kind})
        plural = "s" if len(learned) != 1 else ""
        message += f"; {len(learned)} noise rule{plural} for {record.source_id}"
        message += f" ({', '.join(kinds)})" if kinds else ""
    return message


def _user() -> str:
    return os.environ.get("USER") or "analyst"


@click.command("timeline")
@click.argument("entity_id")
@click.option("--limit", type=LIMIT, default=100, show_default=True)
@format_option()
@pass_cli
def timeline_command(cli_ctx: CliContext, entity_id: str, limit: int, output: OutputFormat) -> None:
    """Everything that happened to a zone or programme and what lies below it, oldest first
    by release date, with the detection time beside it (model changes have no release date:
    they sit at the time they were applied)."""
    tz = _zone(cli_ctx)
    events = _fast_timeline(cli_ctx, entity_id, limit)
    if events is None:
        from zonewatch.changes.queries import timeline
        from zonewatch.models.names import resolve_entity_id

        with cli_ctx.app.session() as session:
            entity_id = resolve_entity_id(session, entity_id)
            events = timeline(session, entity_id, limit)
    _print_timeline(cli_ctx, entity_id, events, output, tz)


def _print_timeline(
    cli_ctx: CliContext,
    entity_id: str,
    events: list[TimelineEvent],
    output: OutputFormat,
    tz: ZoneInfo,
) -> None:
    if output is not OutputFormat.TABLE:
        render_records(output, [event.as_json(tz) for event in events])
        return
    headers = ("released", "detected", "ref", "kind", "status", "entities", "what")
    _print_rows(cli_ctx, headers, [_event_cells(event, tz) for event in events])
    cli_ctx.console.print(f"{len(events)} events for {escape(entity_id)}")


def _fast_timeline(cli_ctx: CliContext, entity_id: str, limit: int) -> list[TimelineEvent] | None:
    """The timeline read from compiled SQL when its entity is given by its id and its tree is
    one the compiled statements cover (``fast_read.timeline_events``); else None."""
    location = database_location(cli_ctx.settings.effective_database_url)
    if location is None or not ENTITY_ID.fullmatch(entity_id):
        return None
    from zonewatch.changes.fast_read import timeline_events

    return timeline_events(location, entity_id, limit)


def _event_cells(event: TimelineEvent, tz: ZoneInfo) -> tuple[str, ...]:
    return (
        _released_cell(event.released_at, tz),
        local_minutes(event.detected_at, tz),
        f"#{event.id}" if event.type is EventType.CHANGE else f"model:{event.id}",
        _kind_cell(event.kind, event.baseline),
        event.status,
        _entities_cell(event.entities),
        _shorten(event.title),
    )
