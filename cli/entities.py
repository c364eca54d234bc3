"""``zonewatch entities``: browse the zone and programme model."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import click
from rich.markup import escape

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.render import Column, Listing, OutputFormat, format_option, render
from zonewatch.config.zones import EntityKind
from zonewatch.entry_diff import describe_entry_diff
from zonewatch.models.names import resolve_entity_id
from zonewatch.models.queries import entity_as_json, entity_details, list_entities
from zonewatch.timefmt import iso_local, local_minutes


@click.group()
def entities() -> None:
    """Browse the zone and programme model."""


@entities.command("list")
@click.option(
    "--kind", type=click.Choice([kind.value for kind in EntityKind]), help="Only this kind."
)
@format_option()
@pass_cli
def list_command(cli_ctx: CliContext, kind: str | None, output: OutputFormat) -> None:
    """List entities (zones, districts, complexes, programmes, authorities, ...)."""
    with cli_ctx.app.session() as session:
        rows = [entity_as_json(entity) for entity in list_entities(session, kind)]
    render(cli_ctx, output, rows, ENTITY_LISTING)


ENTITY_LISTING: Listing[dict[str, Any]] = Listing(
    columns=(
        Column("id", lambda row: row["id"]),
        Column("kind", lambda row: row["kind"]),
        Column("parent", lambda row: row["parent"] or ""),
        Column("한국어", lambda row: row["name_ko"]),
        Column("English", lambda row: row["name_en"] + (" (retired)" if row["retired"] else "")),
    ),
    record=lambda row: row,
    noun="entities",
)


@entities.command("show")
@click.argument("entity_id", metavar="ENTITY")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def show_command(cli_ctx: CliContext, entity_id: str, as_json: bool) -> None:
    """Show one entity, by id or any name (IFEZ, 인천경제자유구역, 송도): names in both
    languages, aliases, parent, children, validity, history."""
    tz = ZoneInfo(cli_ctx.settings.timezone)
    with cli_ctx.app.session() as session:
        details = entity_details(session, resolve_entity_id(session, entity_id))
    if as_json:
        print_json(_json_times(details, tz))
        return
    _print_details(cli_ctx, details, tz)


def _json_times(details: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """The history's times as JSON carries them everywhere (ISO 8601, local, with offset)."""
    history = [{**change, "at": iso_local(change["at"], tz)} for change in details["history"]]
    return {**details, "history": history}


def _print_details(cli_ctx: CliContext, details: dict[str, Any], tz: ZoneInfo) -> None:
    def out(text: str) -> None:
        cli_ctx.console.print(text, markup=True)

    details = _escaped(details)
    retired = " [red]retired[/red]" if details["retired"] else ""
    out(f"[bold]{details['id']}[/bold] ({details['kind']}){retired}")
    out(f"  한국어:  {details['name']['ko']}")
    out(f"  English: {details['name']['en']}")
    if details["parent"]:
        parent = details["parent"]
        out(f"  parent:  {parent['id']} — {parent['name_ko']} / {parent['name_en']}")
    for label in ("authority", "region"):
        if details[label]:
            out(f"  {label}: {details[label]}")
    if details["valid_from"] or details["valid_to"]:
        out(f"  valid:   {details['valid_from'] or '?'} – {details['valid_to'] or 'now'}")
    if details["notes"]:
        out(f"  notes:   {details['notes']}")
    out("[bold]names and aliases[/bold]")
    for alias in details["aliases"]:
        period = ""
        if alias["valid_from"] or alias["valid_to"]:
            period = f"  ({alias['valid_from'] or '…'} – {alias['valid_to'] or 'now'})"
        out(f"  {alias['kind']:<12} {alias['lang']}  {alias['text']}{period}")
    if details["children"]:
        out(f"[bold]children ({len(details['children'])})[/bold]")
        for child in details["children"]:
            out(f"  {child['id']:<28} {child['kind']:<18} {child['name_ko']} / {child['name_en']}")
    out("[bold]history[/bold]")
    for change in details["history"]:
        when = local_minutes(change["at"], tz)
        summary = describe_entry_diff(change["before"], change["after"])
        who = change["decided_by"] or change["origin"]
        out(f"  {when}  {change['action']:<10} {change['status']:<9} by {who}: {summary}")


def _escaped(value: Any) -> Any:
    """Escape Rich markup in data, so that names with [brackets] print as written."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value
