"""``zonewatch sources``: what is watched."""

from __future__ import annotations

from typing import Any, cast

import click
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.models import Source


@click.group()
def sources() -> None:
    """List and manage watched sources."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_cli
def list_sources(cli_ctx: CliContext, as_json: bool) -> None:
    """List the sources loaded by `zonewatch init`."""
    with cli_ctx.app.session() as session:
        rows = list(session.scalars(select(Source).order_by(Source.id)))
        data: list[dict[str, Any]] = [
            {
                "id": source.id,
                "name": source.name,
                "kind": source.kind,
                "language": source.language,
                "owner": source.owner_id,
                "url": source.url,
                "enabled": source.enabled,
                "paused": source.paused,
                "health": source.health,
            }
            for source in rows
        ]
    if as_json:
        print_json(data)
        return
    table = Table("id", "kind", "lang", "owner", "state", "url")
    for row in data:
        state = "disabled" if not row["enabled"] else "paused" if row["paused"] else row["health"]
        table.add_row(
            row["id"], row["kind"], row["language"], row["owner"] or "", state, row["url"]
        )
    cli_ctx.console.print(table)


@sources.command("pause")
@click.argument("source_id")
@pass_cli
def pause(cli_ctx: CliContext, source_id: str) -> None:
    """Stop scheduling crawls of a source (a running crawl finishes)."""
    from zonewatch.crawlers.status import set_paused

    with cli_ctx.app.session() as session:
        set_paused(session, source_id, True)
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
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_cli
def status(cli_ctx: CliContext, as_json: bool) -> None:
    """Last run, next run, streak, items found, mean duration and health of every source."""
    from zonewatch.crawlers.status import all_statuses

    with cli_ctx.app.session() as session:
        rows = all_statuses(session)
    if as_json:
        print_json(rows)
        return
    table = Table("source", "state", "health", "last run", "next run", "streak", "items", "mean s")
    colours = {"broken": "red", "failing": "red", "degraded": "yellow", "slow": "yellow"}
    for row in rows:
        health = row["health"]
        if health in colours:
            health = f"[{colours[health]}]{health}[/{colours[health]}]"
        table.add_row(
            row["id"],
            row["state"],
            health,
            row["last_run"] or "-",
            row["next_run"] or "-",
            row["streak"] or "-",
            str(row["items_found"] if row["items_found"] is not None else "-"),
            str(row["mean_duration_seconds"] or "-"),
        )
    cli_ctx.console.print(table)
    for row in rows:
        if row["health"] in ("broken", "failing") and row["reason"]:
            cli_ctx.console.print(f"[red]{row['id']}[/red]: {escape(row['reason'])}")


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
