"""``zonewatch crawl``, ``parse-feed``, ``parse-page`` and ``replay``."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, overload

import click

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import PORT
from zonewatch.cli.progress import ProgressLine
from zonewatch.errors import NotFoundError

if TYPE_CHECKING:
    from zonewatch.config.sources import SourceSpec
    from zonewatch.crawlers.service import CrawlOutcome, PipelineOutcome


class CrawlExit(IntEnum):
    """Exit status of ``zonewatch crawl`` (2 stays for bad input, as everywhere)."""

    OK = 0
    FAILED = 1
    """The run failed: nothing usable was fetched."""
    INCOMPLETE = 3
    """The run was partial or skipped, or it left the source broken or failing."""


SHOWN_ERRORS = 5


def crawl_exit(status: object, health: str) -> CrawlExit:
    from zonewatch.models.enums import CrawlRunStatus, SourceHealth

    troubled = (SourceHealth.BROKEN, SourceHealth.FAILING, SourceHealth.DEGRADED)
    if status == CrawlRunStatus.FAILED:
        return CrawlExit.FAILED
    if status in (CrawlRunStatus.PARTIAL, CrawlRunStatus.SKIPPED) or health in troubled:
        return CrawlExit.INCOMPLETE
    return CrawlExit.OK


@click.command()
@click.argument("source_id")
@click.option("--replay", "replay_url", help="Crawl a local replay server instead of the web.")
@click.option("--now", "queue", is_flag=True, help="Queue the crawl for the workers and return.")
@click.option("--json", "as_json", is_flag=True, help="Print the run record and results as JSON.")
@pass_cli
def crawl(
    cli_ctx: CliContext, source_id: str, replay_url: str | None, queue: bool, as_json: bool
) -> int:
    """Crawl one source now, then classify, diff and match what it stored, and send the
    immediate alerts that made (with ZONEWATCH_SECRET_KEY set; else the workers send them).

    Prints what was fetched, classified, recorded and alerted. Exit status: 0 when the crawl
    worked, 1 when it failed, 3 when it was partial or skipped or left the source broken,
    2 on bad input. With --now the crawl is queued for the workers instead, with a warning
    when no worker is taking crawls.
    """
    from zonewatch.crawlers.operators import notify_health_changes
    from zonewatch.crawlers.service import crawl_now, process_crawl

    if replay_url:
        cli_ctx.override(replay_url=replay_url, allowed_private_hosts=replay_host(replay_url))
    _warn_if_unapplied(cli_ctx, source_id)
    if queue:
        queue_crawl(cli_ctx, source_id)
        return CrawlExit.OK
    progress = ProgressLine(source_id)
    try:
        record = crawl_now(cli_ctx.app, source_id, progress=progress)
        progress.show("processing", "classify, diff, match")
        outcome = process_crawl(cli_ctx.app, source_id, record)
    finally:
        progress.done()
    told = notify_health_changes(cli_ctx.app)
    code = crawl_exit(record["status"], outcome.health)
    if as_json:
        print_json(outcome_json(outcome, code))
    else:
        print_outcome(cli_ctx, outcome)
    for notice in told.sent:
        click.echo(f"operators told: {notice.source_id} is {notice.state.value}", err=True)
    for failure in told.failed:
        click.echo(f"warning: operators not told: {failure}", err=True)
    return code


def queue_crawl(cli_ctx: CliContext, source_id: str) -> None:
    """Queue the run, then say whether a worker is there to take it: a queued crawl with
    nobody consuming the crawl queue waits, silently, until one is started."""
    from zonewatch.workers.queueing import queue_crawl as queue
    from zonewatch.workers.tasks import CRAWL_QUEUE

    with cli_ctx.app.session() as session:
        queued = queue(cli_ctx.app, session, source_id)
    click.echo(f"queued crawl run {queued.run_id} of {source_id}")
    if not queued.worker_alive:
        click.echo(
            f"warning: no worker is taking the {CRAWL_QUEUE!r} queue, so the crawl waits until "
            "one does: start `zonewatch worker` (or `zonewatch run` on one machine), or crawl "
            "here without --now",
            err=True,
        )


def _warn_if_unapplied(cli_ctx: CliContext, source_id: str) -> None:
    """Crawls use the source as the database holds it; a configuration changed since the last
    `zonewatch init` is not what runs, and the operator who just edited it must know."""
    from zonewatch.models import Source
    from zonewatch.models.services import source_entry

    spec = find_source(cli_ctx, source_id, must_exist=False)
    with cli_ctx.app.session() as session:
        row = session.get(Source, source_id)
        stored = dict(row.spec) if row is not None else None
    if spec is not None and stored is not None and source_entry(spec) != stored:
        click.echo(
            f"warning: the configuration of {source_id} changed since `zonewatch init`; this "
            "crawl uses the stored one (run `zonewatch init` to apply the change)",
            err=True,
        )


def outcome_json(outcome: CrawlOutcome, code: CrawlExit) -> dict[str, object]:
    pipeline = outcome.pipeline
    sent = pipeline.sending.report
    return {
        **outcome.record,
        "health": outcome.health,
        "health_reason": outcome.health_reason,
        "classified": pipeline.classified,
        "change_records": pipeline.change_kinds,
        "alerts": {
            "immediate": pipeline.immediate_alerts,
            "digest": pipeline.digest_alerts,
            "sent": sent.sent if sent else 0,
            "to_retry": sent.retried if sent else 0,
            "failed": sent.failed if sent else 0,
            "left_to_workers": pipeline.sending.left_to_workers,
        },
        "exit_status": int(code),
    }


def print_outcome(cli_ctx: CliContext, outcome: CrawlOutcome) -> None:
    """The run and what the pipeline made of it, for a person."""
    from rich.markup import escape

    say = cli_ctx.console.print
    record, pipeline = outcome.record, outcome.pipeline
    duration = record["duration_seconds"]
    took = f" in {duration:.0f} s" if isinstance(duration, float) else ""
    say(
        f"{escape(str(record['source']))}: crawl run {record['run']} {record['status']}{took}: "
        f"{record['requests']} requests, {record['items_found']} items found, "
        f"{record['new']} new, {record['changed']} changed, {record['unchanged']} unchanged"
    )
    kinds = ", ".join(f"{kind} {count}" for kind, count in pipeline.change_kinds.items())
    say(
        f"pipeline: {pipeline.classified} versions classified, "
        f"{pipeline.change_records} change records" + (f" ({kinds})" if kinds else "")
    )
    say(_alerts_line(pipeline))
    health = outcome.health + (f": {outcome.health_reason}" if outcome.health_reason else "")
    say(f"health: {escape(health)}")
    errors = record["errors"]
    assert isinstance(errors, list)
    if errors:
        say(f"errors ({len(errors)}):")
        for error in errors[:SHOWN_ERRORS]:
            say(f"  {escape(str(error.get('kind')))}: {escape(str(error.get('message')))}")
        if len(errors) > SHOWN_ERRORS:
            say(f"  … and {len(errors) - SHOWN_ERRORS} more (--json lists them all)")


def _alerts_line(pipeline: PipelineOutcome) -> str:
    line = f"alerts: {pipeline.immediate_alerts} immediate, {pipeline.digest_alerts} for digests"
    sending = pipeline.sending
    if sending.left_to_workers:
        return f"{line}; not sent here: {sending.left_to_workers}"
    report = sending.report
    if report is None:
        return line
    parts = [f"{report.sent} sent"]
    if report.retried:
        parts.append(f"{report.retried} not sent yet (the workers retry them)")
    if report.failed:
        parts.append(f"{report.failed} failed")
    return f"{line}; due alerts: " + ", ".join(parts)


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

    body, content_type, url = read_input(location, lambda: cli_ctx.settings)
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
    settings = settings.replace(user_agent=settings.user_agent_for(spec))
    body, content_type, url = read_input(location, settings)
    names = site_names_for(spec, cli_ctx.settings.zones_file)
    result = parse_page(spec, body, content_type, url, names)
    print_json(result)
    for error in result["errors"]:
        click.echo(f"error: {error}", err=True)
    return PAGE_DOES_NOT_FIT if result["errors"] else 0


PAGE_DOES_NOT_FIT = 3
"""Exit status of parse-page and sources check for a page the configuration does not fit."""


@overload
def find_source(cli_ctx: CliContext, source_id: str) -> SourceSpec: ...


@overload
def find_source(cli_ctx: CliContext, source_id: str, must_exist: bool) -> SourceSpec | None: ...


def find_source(cli_ctx: CliContext, source_id: str, must_exist: bool = True) -> SourceSpec | None:
    """A source as configured now: shipped, added or overridden in the local file."""
    from zonewatch.config.sources import load_configured_sources

    spec = load_configured_sources(cli_ctx.settings).by_id().get(source_id)
    if spec is None and must_exist:
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


__all__ = ["CrawlExit", "crawl", "parse_feed_command", "parse_page_command", "replay"]
