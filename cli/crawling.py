"""``zonewatch crawl``, ``parse-feed``, ``parse-page`` and ``replay``."""

from __future__ import annotations

from pathlib import Path

import click

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import PORT
from zonewatch.cli.progress import ProgressLine
from zonewatch.config.sources import SourceSpec
from zonewatch.errors import NotFoundError


@click.command()
@click.argument("source_id")
@click.option("--replay", "replay_url", help="Crawl a local replay server instead of the web.")
@click.option("--now", "queue", is_flag=True, help="Queue the crawl for the workers and return.")
@pass_cli
def crawl(cli_ctx: CliContext, source_id: str, replay_url: str | None, queue: bool) -> None:
    """Crawl one source now (in its own process), ingest what it found, print the run record.

    With --now the crawl is queued for the running workers instead.
    """
    from zonewatch.crawlers.runner import create_run
    from zonewatch.crawlers.service import crawl_now

    if replay_url:
        cli_ctx.override(replay_url=replay_url, allowed_private_hosts=replay_host(replay_url))
    if queue:
        run_id = create_run(cli_ctx.app, source_id, trigger="manual")
        cli_ctx.app.celery.send_task("zonewatch.crawl_source", args=[run_id])
        click.echo(f"queued crawl run {run_id} of {source_id}")
        return
    progress = ProgressLine(source_id)
    try:
        record = crawl_now(cli_ctx.app, source_id, progress=progress)
    finally:
        progress.done()
    print_json(record)


def replay_host(replay_url: str) -> str:
    """The replay server's host, which crawls and captures must be allowed to reach."""
    from urllib.parse import urlsplit

    return urlsplit(replay_url).hostname or "127.0.0.1"


@click.command("parse-feed")
@click.argument("location")
@pass_cli
def parse_feed_command(cli_ctx: CliContext, location: str) -> None:
    """Print what would be extracted from a feed (a file or a URL), as JSON."""
    from zonewatch.crawlers.inspect import parse_feed, read_input

    body, content_type, url = read_input(location, cli_ctx.settings)
    print_json(parse_feed(body, content_type, url))


@click.command("parse-page")
@click.argument("source_id")
@click.argument("location")
@pass_cli
def parse_page_command(cli_ctx: CliContext, source_id: str, location: str) -> int:
    """Print what SOURCE's spider would extract from a page (a file or a URL), as JSON.

    Exits 3 when the page does not fit the source's configuration (its errors are listed
    in the JSON and on stderr): the spider would store nothing from it.
    """
    from zonewatch.crawlers.boardpage import site_names_for
    from zonewatch.crawlers.inspect import parse_page, read_input

    spec = find_source(cli_ctx, source_id)
    # The page is fetched as the source's crawls fetch it: some sites answer only one client.
    settings = cli_ctx.settings
    settings = settings.model_copy(update={"user_agent": settings.user_agent_for(spec)})
    body, content_type, url = read_input(location, settings)
    names = site_names_for(spec, cli_ctx.settings.zones_file)
    result = parse_page(spec, body, content_type, url, names)
    print_json(result)
    for error in result["errors"]:
        click.echo(f"error: {error}", err=True)
    return PAGE_DOES_NOT_FIT if result["errors"] else 0


PAGE_DOES_NOT_FIT = 3
"""Exit status of parse-page and sources check for a page the configuration does not fit."""


def find_source(cli_ctx: CliContext, source_id: str) -> SourceSpec:
    from zonewatch.config.sources import load_sources

    spec = load_sources(cli_ctx.settings.sources_file).by_id().get(source_id)
    if spec is None:
        raise NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")
    return spec


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True, type=PORT)
@click.option("--state", default=0, show_default=True, type=int, help="Timeline state to start in.")
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Also serve a press-release corpus (jsonl.gz) through korea.kr page shapes.",
)
def replay(host: str, port: int, state: int, corpus: Path | None) -> None:
    """Serve recorded-style copies of the real press rooms on a local port, until Ctrl-C."""
    from zonewatch.replay.server import serve

    serve(host=host, port=port, corpus=corpus, state=state)


__all__ = ["crawl", "parse_feed_command", "parse_page_command", "replay"]
