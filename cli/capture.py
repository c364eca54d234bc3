"""``zonewatch capture``: save a source's real pages, headers and a manifest as fixtures."""

from __future__ import annotations

from pathlib import Path

import click

from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.errors import NotFoundError


@click.command()
@click.argument("source_id")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for the pages, their headers and manifest.json (created if missing).",
)
@click.option(
    "--articles",
    default=3,
    show_default=True,
    type=int,
    help="Article pages to save after the list page or feed (0 to 100).",
)
@click.option("--replay", "replay_url", help="Capture from a local replay server instead.")
@pass_cli
def capture(
    cli_ctx: CliContext, source_id: str, out_dir: Path, articles: int, replay_url: str | None
) -> None:
    """Save SOURCE's list page (or feed, or one API answer) and its first article pages.

    Requests obey the same URL policy, User-Agent, robots.txt and delays as crawls. Run it on
    a network that reaches the sites to refresh the pages the replay server and tests use.
    Exits 1 when a page could not be fetched (what was saved stays, with its manifest).
    """
    from zonewatch.cli.crawling import replay_host
    from zonewatch.config.sources import load_configured_sources
    from zonewatch.crawlers.capture import capture_source

    if replay_url:
        cli_ctx.override(replay_url=replay_url, allowed_private_hosts=replay_host(replay_url))
    settings = cli_ctx.settings
    source = load_configured_sources(settings).by_id().get(source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    manifest = capture_source(source, settings, out_dir, articles)
    for skipped in manifest.skipped:
        click.echo(f"{source_id}: skipped {skipped['what']}: {skipped['reason']}", err=True)
    for failed in manifest.failed:
        click.echo(f"{source_id}: failed {failed['url']}: {failed['error']}", err=True)
    saved = len(manifest.files)
    click.echo(f"{source_id}: saved {saved} page{'' if saved == 1 else 's'} in {out_dir}")
    if manifest.failed:
        raise click.exceptions.Exit(1)
