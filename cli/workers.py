"""``zonewatch worker`` and ``zonewatch beat``: the long-running processes."""

from __future__ import annotations

import click

from zonewatch.cli.context import CliContext, pass_cli


@click.command()
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--queues", "-Q", default=None, help="Comma-separated queues (default: all).")
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def worker(cli_ctx: CliContext, concurrency: int, queues: str | None, loglevel: str) -> None:
    """Run a Celery worker with real worker processes."""
    argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--pool=prefork"]
    if queues:
        argv.append(f"--queues={queues}")
    run_celery(cli_ctx, argv)


@click.command()
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def beat(cli_ctx: CliContext, loglevel: str) -> None:
    """Run the scheduler; run exactly one per deployment."""
    schedule_file = cli_ctx.app.settings.data_dir / "celerybeat-schedule"
    run_celery(cli_ctx, ["beat", f"--loglevel={loglevel}", f"--schedule={schedule_file}"])


def run_celery(cli_ctx: CliContext, argv: list[str]) -> None:
    """Run a celery sub-command in this process and pass its exit status on."""
    code = cli_ctx.app.celery.start(argv)
    if code:
        raise click.exceptions.Exit(code)


@click.command("run")
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def run_all(cli_ctx: CliContext, concurrency: int, loglevel: str) -> None:
    """Worker and beat together, for one machine; Ctrl-C or SIGTERM shuts down cleanly."""
    schedule_file = cli_ctx.app.settings.data_dir / "celerybeat-schedule"
    run_celery(
        cli_ctx,
        [
            "worker",
            "--beat",
            f"--schedule={schedule_file}",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
            "--pool=prefork",
        ],
    )
