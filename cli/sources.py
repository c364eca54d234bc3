"""``zonewatch sources``: what is watched."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import click
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.render import (
    Column,
    Listing,
    OutputFormat,
    format_option,
    render,
    render_records,
)
from zonewatch.crawlers.status import source_as_json
from zonewatch.models import Source


@click.group()
def sources() -> None:
    """List and manage watched sources."""


@sources.command("list")
@format_option()
@pass_cli
def list_sources(cli_ctx: CliContext, output: OutputFormat) -> None:
    """List the sources loaded by `zonewatch init`."""
    with cli_ctx.app.session() as session:
        rows = list(session.scalars(select(Source).order_by(Source.id)))
        data: list[dict[str, Any]] = [source_as_json(source) for source in rows]
    render(cli_ctx, output, data, SOURCE_LISTING)


def _source_state(row: dict[str, Any]) -> str:
    return "disabled" if not row["enabled"] else "paused" if row["paused"] else str(row["health"])


SOURCE_LISTING: Listing[dict[str, Any]] = Listing(
    columns=(
        Column("id", lambda row: row["id"]),
        Column("kind", lambda row: row["kind"]),
        Column("lang", lambda row: row["language"]),
        Column("owner", lambda row: row["owner"] or ""),
        Column("state", _source_state),
        Column("url", lambda row: row["url"]),
    ),
    record=lambda row: row,
)


@sources.command("pause")
@click.argument("source_id")
@click.option("--reason", help="Why, for the other operators (shown in status and the console).")
@pass_cli
def pause(cli_ctx: CliContext, source_id: str, reason: str | None) -> None:
    """Stop scheduling crawls of a source (a running crawl finishes)."""
    from zonewatch.crawlers.status import set_paused

    with cli_ctx.app.session() as session:
        set_paused(session, source_id, True, reason)
    click.echo(f"{source_id}: paused")


@sources.command("resume")
@click.argument("source_id")
@pass_cli
def resume(cli_ctx: CliContext, source_id: str) -> None:
    """Schedule a paused source again."""
    from zonewatch.crawlers.status import set_paused

    with cli_ctx.app.session() as session:
        set_paused(session, source_id, False)
    click.echo(f"{source_id}: resumed")


@sources.command("status")
@format_option()
@pass_cli
def status(cli_ctx: CliContext, output: OutputFormat) -> None:
    """Last run, next run, streak, items found, mean duration and health of every source.

    Health is what the last finished run left: healthy, slow (far longer than its usual
    crawls, or than its schedule's budget), degraded (errors in a partial run), failing (the
    run failed), broken (the configuration no longer fits the site) or skipped; the reason of
    every source that is not healthy is printed below the table. Times are local.
    """
    from zonewatch.crawlers.status import all_statuses

    tz = cli_ctx.settings.tz
    with cli_ctx.app.session() as session:
        rows = all_statuses(session)
    if output is not OutputFormat.TABLE:
        render_records(output, [row.as_json(tz) for row in rows])
        return
    table = Table("source", "state", "health", "last run", "next run", "streak", "items", "mean s")
    for row in rows:
        last_run, next_run = row.when(tz)
        table.add_row(
            row.id,
            row.state,
            _coloured(row.health),
            last_run,
            next_run,
            row.streak or "-",
            str(row.items_found if row.items_found is not None else "-"),
            str(row.mean_duration_seconds if row.mean_duration_seconds is not None else "-"),
        )
    cli_ctx.console.print(table)
    for row in rows:
        if row.health not in QUIET_HEALTH and row.reason:
            cli_ctx.console.print(f"{_coloured(row.health, row.id)}: {escape(row.reason)}")


HEALTH_COLOURS = {
    "broken": "red",
    "failing": "red",
    "degraded": "yellow",
    "slow": "yellow",
    "skipped": "yellow",
}
QUIET_HEALTH = ("healthy", "unknown")


def _coloured(health: str, text: str | None = None) -> str:
    shown = escape(text if text is not None else health)
    colour = HEALTH_COLOURS.get(health)
    return f"[{colour}]{shown}[/{colour}]" if colour else shown


@sources.command("add")
@click.argument("entries_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@pass_cli
def add(cli_ctx: CliContext, entries_file: Path) -> None:
    """Add sources to the local sources file and load them into the database.

    ENTRIES_FILE holds one entry, a list of entries, or a `sources:` list, written as in
    sources.yaml. Each is checked (fields, selectors, owner, an id no other source has)
    before anything is written; the local file (ZONEWATCH_LOCAL_SOURCES_FILE, default
    sources.local.yaml in the data directory) is read by every command and by
    `zonewatch init`, so the sources stay. To change a shipped source, edit the file's
    `overrides:` list and run `zonewatch init`.
    """
    from zonewatch.config.sources import add_local_sources, write_local
    from zonewatch.config.zones import load_zone_model
    from zonewatch.models.services import sync_sources

    settings = cli_ctx.settings
    known = set(load_zone_model(settings.zones_file).by_id())
    addition = add_local_sources(settings, entries_file, known)
    local = settings.effective_local_sources_file
    with cli_ctx.app.session() as session:
        # Loaded first and committed last: a database that is not set up, or a file that
        # cannot be written, leaves both as they were.
        sync_sources(session, [addition.sources.by_id()[i] for i in addition.added])
        write_local(local, addition.data)
    for source_id in addition.added:
        click.echo(f"{source_id}: added to {local}; crawl it with `zonewatch crawl {source_id}`")


@sources.command("check")
@click.argument("source_id")
@click.argument("locations", nargs=-1, required=True)
@click.option(
    "--as",
    "kind",
    type=click.Choice(["list", "article"]),
    help="Read every page as this kind (default: a page whose rows selector matches is a list).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@pass_cli
def check(
    cli_ctx: CliContext, source_id: str, locations: tuple[str, ...], kind: str | None, as_json: bool
) -> int:
    """Check pages (files or URLs) against SOURCE's configuration, selector by selector.

    Exit status: 0 when every page fits, 3 when one does not (its errors name the
    selectors), 2 on bad input.
    """
    from zonewatch.cli.crawling import PAGE_DOES_NOT_FIT, find_source
    from zonewatch.crawlers.boardpage import site_names_for
    from zonewatch.crawlers.inspect import PageKind, check_page, read_input

    spec = find_source(cli_ctx, source_id)
    names = site_names_for(spec, cli_ctx.settings.zones_file)
    pages = []
    for location in locations:
        body, content_type, url = read_input(location, cli_ctx.settings)
        as_kind = cast("PageKind | None", kind)
        pages.append(check_page(spec, body, content_type, location, url, names, as_kind))
    if as_json:
        print_json({"pages": pages})
    else:
        for page in pages:
            _print_check(cli_ctx, page)
    return 0 if all(page["ok"] for page in pages) else PAGE_DOES_NOT_FIT


def _print_check(cli_ctx: CliContext, page: dict[str, Any]) -> None:
    verdict = "[green]ok[/green]" if page["ok"] else "[red]does not fit[/red]"
    cli_ctx.console.print(f"{escape(page['location'])} ({page['kind']}): {verdict}")
    for probe in page["selectors"]:
        cli_ctx.console.print(
            f"  {probe['setting']:<16} {probe['matches']:>4}  {escape(probe['selector'])}"
        )
    for row in page.get("rows", []):
        cli_ctx.console.print(
            f"  row {escape(row['id'])}{' (pinned)' if row['pinned'] else ''}: "
            f"{escape(row['title'] or '')} "
            f"{row['published_at'] or '-'} {escape(row['url'])}"
        )
    item = page.get("item")
    if item is not None:
        for key in ("title", "published_at", "department", "subtitle"):
            cli_ctx.console.print(f"  {key}: {escape(str(item[key] or '-'))}")
        text = " ".join(item["text"].split())
        cli_ctx.console.print(f"  text: {escape(text[:200])}{'…' if len(text) > 200 else ''}")
        for attachment in item["attachments"]:
            cli_ctx.console.print(
                f"  attachment: {escape(attachment['name'])} {escape(attachment['url'])}"
            )
    for warning in page["warnings"]:
        cli_ctx.console.print(f"  [yellow]warning[/yellow]: {escape(warning)}")
    for error in page["errors"]:
        cli_ctx.console.print(f"  [red]error[/red]: {escape(error)}")
