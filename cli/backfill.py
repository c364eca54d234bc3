"""``zonewatch backfill``: load historical releases as the baseline, alerting nobody."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.cli.progress import ProgressLine

if TYPE_CHECKING:
    from zonewatch.workers.backfill import BackfillReport

BAD_CORPUS = 2
"""Exit status when some lines were rejected (the others are loaded)."""


@click.command()
@click.option(
    "--corpus",
    "corpus_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="JSON Lines of releases (.jsonl or .jsonl.gz): id, url, title, text, published, "
    "ministry, subtitle, lang.",
)
@click.option(
    "--source",
    "source_id",
    default="korea-kr-press",
    show_default=True,
    help="The source the releases belong to (their ids are its document ids).",
)
@click.option(
    "--batch-size",
    default=200,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Releases per transaction.",
)
@pass_cli
def backfill(cli_ctx: CliContext, corpus_path: Path, source_id: str, batch_size: int) -> int:
    """Load historical releases from a corpus file as the baseline.

    Every release is stored, classified and recorded in the change log as baseline: nobody
    is alerted. Releases the source already has are left alone, so running it again adds
    nothing. A line that is not a release is reported on stderr (file:line: reason) and
    skipped; the rest is loaded, and the exit status is then 2. An uninitialised database
    is initialised first.
    """
    from zonewatch.workers.backfill import backfill as run_backfill

    _initialise_if_empty(cli_ctx)
    progress = ProgressLine("backfill")

    def bad_line(number: int, reason: str) -> None:
        click.echo(f"{corpus_path}:{number}: {reason}", err=True)

    def step(report: BackfillReport) -> None:
        progress.show(
            "loading",
            f"{report.lines} lines, {report.stored} stored, {report.present} present, "
            f"{report.bad} bad ({report.rate:.0f} documents/s)",
        )

    report = run_backfill(
        cli_ctx.app,
        corpus_path,
        source_id,
        batch_size=batch_size,
        on_bad_line=bad_line,
        on_progress=step,
    )
    progress.done()
    click.echo(report.line())
    return BAD_CORPUS if report.bad else 0


def _initialise_if_empty(cli_ctx: CliContext) -> None:
    """A fresh data directory is set up as ``zonewatch init`` would; an existing database is
    left as it is (upgrading it stays the operator's decision)."""
    from zonewatch.bootstrap import initialize
    from zonewatch.models import migrate

    if migrate.current_revision(cli_ctx.app.engine) is None:
        click.echo("backfill: empty database, initialising it first", err=True)
        initialize(cli_ctx.app)
