"""``zonewatch digest``: preview a subscriber's digest, or send the digests now."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import click

from zonewatch.cli.context import CliContext, pass_cli

PERIOD = click.Choice(["daily", "weekly"])


@click.group()
def digest() -> None:
    """Daily and weekly e-mail digests."""


@digest.command("preview")
@click.argument("subscriber")
@click.option("--period", type=PERIOD, default="daily", show_default=True)
@click.option(
    "--html", "html_path", type=click.Path(path_type=Path, dir_okay=False), help="Also write HTML."
)
@pass_cli
def preview_command(
    cli_ctx: CliContext, subscriber: str, period: str, html_path: Path | None
) -> None:
    """Show the digest SUBSCRIBER (e-mail or id) would get now; nothing is recorded or sent."""
    from zonewatch.alerts.digests import preview

    cli_ctx.require_secret_key()
    message = preview(cli_ctx.app, subscriber, period)
    if message is None:
        click.echo(f"nothing pending for a {period} digest of {subscriber}")
        return
    click.echo(f"Subject: {message['Subject']}\n")
    click.echo(_part(message, "plain"))
    if html_path is not None:
        html_path.write_text(_part(message, "html"), encoding="utf-8")
        click.echo(f"\nHTML written to {html_path}", err=True)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


@digest.command("send")
@click.option("--period", type=PERIOD, required=True)
@click.option("--due-only", is_flag=True, help="Only subscribers whose hour has come.")
@pass_cli
def send_command(cli_ctx: CliContext, period: str, due_only: bool) -> None:
    """Build and send the digests of this period (every subscriber with pending items)."""
    from zonewatch.alerts.digests import dispatch_digests

    cli_ctx.require_secret_key()
    report = dispatch_digests(cli_ctx.app, period, force=not due_only)
    click.echo(
        f"{period} digests: built {report.built}, sent {report.sent}, failed {report.failed}"
    )
