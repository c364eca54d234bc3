"""``zonewatch sources``: what is watched."""

from __future__ import annotations

from typing import Any

import click
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
