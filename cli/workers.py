"""``zonewatch worker`` and ``zonewatch beat``: the long-running processes, and the dead letters
of the embedded broker they leave behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from zonewatch.app import App
from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.cli.render import Column, Listing, OutputFormat, format_option, render
from zonewatch.errors import InputError

if TYPE_CHECKING:
    from zonewatch.workers.broker_store import DeadLetter


@click.command()
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--queues", "-Q", default=None, help="Comma-separated queues (default: all).")
@click.option("--hostname", "-n", default=None, help="Node name (default: celery@HOST).")
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def worker(
    cli_ctx: CliContext, concurrency: int, queues: str | None, hostname: str | None, loglevel: str
) -> None:
    """Run a Celery worker with real worker processes (they send mail: the key is needed)."""
    cli_ctx.require_secret_key()
    argv = ["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--pool=prefork"]
    if queues:
        argv.append(f"--queues={queues}")
    if hostname:
        argv.append(f"--hostname={hostname}")
    with worker_watch(cli_ctx.app):
        run_celery(cli_ctx, argv)


@click.command()
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def beat(cli_ctx: CliContext, loglevel: str) -> None:
    """Run the scheduler; run exactly one per deployment."""
    schedule_file = cli_ctx.app.settings.data_dir / "celerybeat-schedule"
    run_celery(cli_ctx, ["beat", f"--loglevel={loglevel}", f"--schedule={schedule_file}"])


def run_celery(cli_ctx: CliContext, argv: list[str]) -> None:
    """Run a celery sub-command in this process and pass its exit status on.

    ``Celery.start`` drops the status (a worker stopped by an unrecoverable error would exit
    0, and a supervisor set to restart on failure would never restart it), so the celery
    command is run here in the same way, keeping what it returns.
    """
    from celery.bin.celery import celery as celery_command

    app_option = next(p for p in celery_command.params if p.name == "app")
    previous = app_option.default
    app_option.default = cli_ctx.app.celery
    try:
        code = celery_command.main(args=argv, prog_name="zonewatch", standalone_mode=False)
    finally:
        app_option.default = previous
    if isinstance(code, int) and code:
        raise click.exceptions.Exit(code)


@click.command("run")
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--loglevel", default="INFO", show_default=True)
@pass_cli
def run_all(cli_ctx: CliContext, concurrency: int, loglevel: str) -> None:
    """Worker and beat together, for one machine; Ctrl-C or SIGTERM shuts down cleanly."""
    cli_ctx.require_secret_key()
    schedule_file = cli_ctx.app.settings.data_dir / "celerybeat-schedule"
    with worker_watch(cli_ctx.app):
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


@contextmanager
def worker_watch(app: App) -> Iterator[None]:
    """While the worker runs, a :class:`~zonewatch.workers.watch.WorkerWatch` says which
    queues it consumes and tells operators of source health changes; it starts when the
    worker is ready (so a beat means "taking tasks") and its row goes when the worker stops."""
    from celery.signals import worker_ready, worker_shutdown

    from zonewatch.workers.watch import WorkerWatch

    watches: dict[str, WorkerWatch] = {}

    def ready(sender: Any, **_: Any) -> None:
        if sender.hostname in watches:  # a consumer restarted after a lost connection
            return
        queues = [queue.name for queue in sender.task_consumer.queues]
        watch = WorkerWatch(app, sender.hostname, queues)
        watch.start()
        watches[sender.hostname] = watch

    def shutdown(**_: Any) -> None:
        while watches:
            watches.popitem()[1].stop()

    worker_ready.connect(ready, weak=False)
    worker_shutdown.connect(shutdown, weak=False)
    try:
        yield
    finally:
        shutdown()
        worker_ready.disconnect(ready)
        worker_shutdown.disconnect(shutdown)


@click.command("dead-letters")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@format_option()
@pass_cli
def dead_letters(cli_ctx: CliContext, limit: int, output: OutputFormat) -> None:
    """Task messages the embedded broker set aside after they killed their worker each time
    they ran (``ZONEWATCH_BROKER_MAX_DELIVERIES``); newest first."""
    from zonewatch.workers.broker_store import store_for
    from zonewatch.workers.transport import SQLA_PREFIX

    broker_url = cli_ctx.app.settings.effective_broker_url
    if not broker_url.startswith(SQLA_PREFIX):
        raise InputError("only the embedded broker (sqla+...) keeps dead letters")
    store = store_for(broker_url.removeprefix(SQLA_PREFIX))
    render(cli_ctx, output, store.dead_letters(limit), DEAD_LETTER_LISTING)


def _when(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


DEAD_LETTER_LISTING: Listing[DeadLetter] = Listing(
    columns=(
        Column("message", lambda letter: str(letter.row_id), wrap=False),
        Column("task", lambda letter: letter.task),
        Column("task id", lambda letter: letter.task_id, wrap=False),
        Column("queue", lambda letter: letter.queue),
        Column("deliveries", lambda letter: str(letter.deliveries)),
        Column("set aside", lambda letter: _when(letter.dead_at).isoformat(timespec="seconds")),
    ),
    record=lambda letter: {
        "message": letter.row_id,
        "task": letter.task,
        "task_id": letter.task_id,
        "queue": letter.queue,
        "deliveries": letter.deliveries,
        "sent_at": _when(letter.sent_at),
        "dead_at": _when(letter.dead_at),
    },
    noun="dead letters",
)
