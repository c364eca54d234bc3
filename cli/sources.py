"""``zonewatch sources``: what is watched."""

from __future__ import annotations

from typing import Any

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
