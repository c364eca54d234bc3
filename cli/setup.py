"""``zonewatch init`` and ``zonewatch demo``."""

from __future__ import annotations

from pathlib import Path

import click

from zonewatch.bootstrap import InitReport, initialize
from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.errors import ConfigError
from zonewatch.models.services import SyncReport


def _describe(name: str, report: SyncReport) -> str:
    parts = [f"{len(report.created)} added", f"{len(report.updated)} updated"]
    if report.retired:
        parts.append(f"{len(report.retired)} retired")
    parts.append(f"{report.unchanged} unchanged")
    return f"{name}: " + ", ".join(parts)


def print_init_report(cli_ctx: CliContext, report: InitReport) -> None:
    console = cli_ctx.console
    if report.migrated_from != report.migrated_to:
        console.print(
            f"database: migrated {report.migrated_from or 'empty'} -> {report.migrated_to}"
        )
    else:
        console.print(f"database: up to date ({report.migrated_to})")
    console.print(_describe("entities", report.entities))
    for verb, ids in (("updated", report.entities.updated), ("retired", report.entities.retired)):
        for entity_id in ids:
            console.print(f"  {verb}: {entity_id} (recorded as a model change)")
    console.print(_describe("topics", report.topics))
    console.print(_describe("sources", report.sources))
    listed = report.source_list
    if listed.local_path is not None:
        console.print(
            f"  {listed.local_path}: {len(listed.added)} added, {len(listed.overridden)} overridden"
        )
    for source_id in report.sources.retired:
        console.print(f"  retired: {source_id} (no longer configured; its crawls stop)")
    if report.sources.kept:
        console.print(
            f"  [yellow]not configured any more, kept[/yellow]: {', '.join(report.sources.kept)}"
            " (still crawled; `zonewatch init --prune` retires them)"
        )


@click.command()
@click.option(
    "--zones",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="zones.yaml to load (default: ZONEWATCH_ZONES_FILE or the packaged one).",
)
@click.option(
    "--sources",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="sources.yaml to load (default: ZONEWATCH_SOURCES_FILE or the packaged one); the "
    "local sources file is read on top of it.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Retire sources that the database holds and no file lists any more.",
)
@pass_cli
def init(cli_ctx: CliContext, zones: Path | None, sources: Path | None, prune: bool) -> None:
    """Create or upgrade the database and load the zone model and sources.

    Running it again changes nothing; after an edit of zones.yaml it applies the edit as a
    recorded model change (with before and after), never a silent overwrite. Sources come
    from the shipped list plus the local sources file (ZONEWATCH_LOCAL_SOURCES_FILE, default
    sources.local.yaml in the data directory); a source no file lists any more is named and
    kept, and retired only with --prune.
    """
    report = initialize(cli_ctx.app, zones=zones, sources=sources, prune=prune)
    print_init_report(cli_ctx, report)


@click.command()
@click.option(
    "--keep", is_flag=True, help="Keep the previous demo's data instead of starting fresh."
)
@pass_cli
def demo(cli_ctx: CliContext, keep: bool) -> None:
    """Run the main job offline, end to end, in a demo directory of its own.

    The directory is --data-dir when given, else data/demo. The demo marks the directories
    it creates and empties only those: a directory it did not make is refused unless empty.
    It uses its own SQLite database, broker and the shipped configuration, whatever the
    ZONEWATCH_* settings say. Ctrl-C or SIGTERM stops its workers before it exits.
    """
    from zonewatch.config.settings import load_settings
    from zonewatch.demo.directory import DEFAULT_DEMO_DIR, prepare
    from zonewatch.demo.run import DemoStoppedError, run_demo

    if "database_url" in cli_ctx.overrides:
        raise ConfigError("the demo uses a SQLite database of its own: drop --database-url")
    settings = load_settings(
        **{
            **cli_ctx.overrides,
            "data_dir": cli_ctx.overrides.get("data_dir") or DEFAULT_DEMO_DIR,
            "database_url": None,
            "broker_url": None,
            "zones_file": None,
            "sources_file": None,
            "local_sources_file": None,
        }
    )
    prepare(settings.data_dir, keep)
    cli_ctx.close()
    try:
        status = run_demo(settings, say=click.echo)
    except DemoStoppedError as stop:
        click.echo(f"demo stopped by {stop.signal_name}; its workers are stopped", err=True)
        raise click.exceptions.Exit(128 + stop.signum) from None
    if status:
        raise click.exceptions.Exit(status)
