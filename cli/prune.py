"""``zonewatch prune``: remove old raw page snapshots and delivered outbox rows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.errors import InputError

if TYPE_CHECKING:
    from zonewatch.models.retention import Cutoffs


@click.command()
@click.option(
    "--older-than",
    "older_than",
    metavar="DURATION",
    help="Age past which both kinds go, like 90d or 12h; default: "
    "ZONEWATCH_SNAPSHOT_RETENTION_DAYS and ZONEWATCH_DELIVERED_ALERT_RETENTION_DAYS.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@pass_cli
def prune(cli_ctx: CliContext, older_than: str | None, dry_run: bool) -> None:
    """Remove raw snapshots and delivered alert rows past their retention.

    Never removes change records, versions, the page of a document's current version, nor
    anything an undelivered alert needs.
    """
    from zonewatch.models.retention import plan_prune
    from zonewatch.models.retention import prune as run_prune
    from zonewatch.timefmt import iso_local

    cutoffs = _cutoffs(cli_ctx, older_than)
    app = cli_ctx.app
    with app.session() as session:
        if dry_run:
            plan = plan_prune(session, app.settings.data_dir, cutoffs)
        else:
            plan = run_prune(session, app.settings.data_dir, cutoffs)
    verb = "would remove" if dry_run else "removed"
    if cutoffs.snapshots is not None:
        click.echo(
            f"{verb} {len(plan.snapshot_ids)} raw snapshots fetched before "
            f"{iso_local(cutoffs.snapshots)} ({len(plan.files)} files, "
            f"{plan.file_bytes / 1e6:.1f} MB)"
        )
    if cutoffs.deliveries is not None:
        click.echo(
            f"{verb} {plan.deliveries} delivered alert rows sent before "
            f"{iso_local(cutoffs.deliveries)}"
        )
    if dry_run:
        click.echo("nothing was removed (--dry-run)")


def _cutoffs(cli_ctx: CliContext, older_than: str | None) -> Cutoffs:
    from zonewatch.config.sources import parse_duration
    from zonewatch.models.base import utcnow
    from zonewatch.models.retention import Cutoffs

    now = utcnow()
    if older_than is not None:
        try:
            age = parse_duration(older_than)
        except ValueError as exc:
            raise InputError(f"--older-than: {exc}") from exc
        if age <= dt.timedelta(0):
            raise InputError(f"--older-than must be longer than nothing: {older_than!r}")
        return Cutoffs(snapshots=now - age, deliveries=now - age)
    settings = cli_ctx.settings
    snapshot_days, delivery_days = (
        settings.snapshot_retention_days,
        settings.delivered_alert_retention_days,
    )
    if snapshot_days is None and delivery_days is None:
        raise InputError(
            "nothing to prune: pass --older-than (like 90d) or set "
            "ZONEWATCH_SNAPSHOT_RETENTION_DAYS / ZONEWATCH_DELIVERED_ALERT_RETENTION_DAYS"
        )
    return Cutoffs(
        snapshots=now - dt.timedelta(days=snapshot_days) if snapshot_days else None,
        deliveries=now - dt.timedelta(days=delivery_days) if delivery_days else None,
    )
