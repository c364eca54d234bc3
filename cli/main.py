"""Entry point of the ``zonewatch`` console script."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zonewatch import __version__
from zonewatch.cli.lazy import LazyCommand, LazyGroup
from zonewatch.errors import ZonewatchError

if TYPE_CHECKING:
    from sqlalchemy.exc import DatabaseError

COMMANDS = {
    "backfill": LazyCommand(
        "backfill", "backfill", "Load historical releases from a corpus file as the baseline."
    ),
    "beat": LazyCommand("workers", "beat", "Run the scheduler; run exactly one per deployment."),
    "capture": LazyCommand(
        "capture",
        "capture",
        "Save SOURCE's list page (or feed, or one API answer) and its first article pages.",
    ),
    "changes": LazyCommand(
        "changes", "changes", "Review the change log: list, export, show and mark changes."
    ),
    "crawl": LazyCommand(
        "crawling",
        "crawl",
        "Crawl one source now, then classify, diff and match what it stored, and send the "
        "immediate alerts that made.",
    ),
    "dead-letters": LazyCommand(
        "workers",
        "dead_letters",
        "Task messages the embedded broker set aside after they killed their worker each time.",
    ),
    "demo": LazyCommand(
        "setup", "demo", "Run the main job offline, end to end, in a demo directory of its own."
    ),
    "digest": LazyCommand("digest", "digest", "Daily and weekly e-mail digests."),
    "entities": LazyCommand("entities", "entities", "Browse the zone and programme model."),
    "eval": LazyCommand(
        "classify",
        "eval_command",
        "Score the classifier on a gold set: entities, topics, facts.",
    ),
    "init": LazyCommand(
        "setup",
        "init",
        "Create or upgrade the database and load the zone model and sources.",
    ),
    "model": LazyCommand(
        "model",
        "model",
        "Proposed changes to the zone and programme model, and decisions on them.",
    ),
    "parse-feed": LazyCommand(
        "crawling",
        "parse_feed_command",
        "Print what would be extracted from a feed (a file or a URL), as JSON.",
    ),
    "parse-page": LazyCommand(
        "crawling",
        "parse_page_command",
        "Print what SOURCE's spider would extract from a page (a file or a URL), as JSON.",
    ),
    "reclassify": LazyCommand(
        "classify",
        "reclassify",
        "Classify stored versions again after the zone model or the rules changed.",
    ),
    "prune": LazyCommand(
        "prune",
        "prune",
        "Remove raw pages and sent outbox rows older than a cut-off; never change records.",
    ),
    "replay": LazyCommand(
        "crawling",
        "replay",
        "Serve recorded-style copies of the real press rooms on a local port, until Ctrl-C.",
    ),
    "run": LazyCommand(
        "workers",
        "run_all",
        "Worker and beat together, for one machine; Ctrl-C or SIGTERM shuts down cleanly.",
    ),
    "sources": LazyCommand("sources", "sources", "List and manage watched sources."),
    "subscribers": LazyCommand(
        "subscribers",
        "subscribers",
        "People who get alerts: add, list, show, remove, import and export them.",
    ),
    "subscriptions": LazyCommand(
        "subscribers",
        "subscriptions",
        "What subscribers get: filters, delivery mode and hour, channel.",
    ),
    "timeline": LazyCommand(
        "changes",
        "timeline_command",
        "Everything that happened to a zone or programme and what lies below it, oldest "
        "first by release date.",
    ),
    "train": LazyCommand(
        "classify",
        "train_command",
        "Train the topic model on all labelled documents and write it.",
    ),
    "users": LazyCommand("users", "users", "Console accounts: add, list, set-role, remove."),
    "web": LazyCommand(
        "web",
        "web",
        "Serve the web console, one-click unsubscribe (RFC 8058) and /health.",
    ),
    "worker": LazyCommand(
        "workers",
        "worker",
        "Run a Celery worker with real worker processes (they send mail: the key is needed).",
    ),
}
"""Every command by name. A module is imported only when its command runs (or is asked for
its own help), so start-up pays for the one command used."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="zonewatch")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Data directory (overrides ZONEWATCH_DATA_DIR).",
)
@click.option("--database-url", help="Database URL (overrides ZONEWATCH_DATABASE_URL).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, database_url: str | None) -> None:
    """Track policy changes for Korea's economic zones, clusters and programmes.

    Data flows one way: crawl -> ingest -> classify -> diff -> alert.
    Settings come from ZONEWATCH_* environment variables.
    """
    from zonewatch.cli.context import CliContext

    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    cli_context = CliContext(overrides)
    ctx.obj = cli_context
    ctx.call_on_close(cli_context.close)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors become one line on stderr and a non-zero exit, never a traceback."""
    try:
        status = cli.main(args=argv, prog_name="zonewatch", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ZonewatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        message, code = file_problem(exc)
        click.echo(f"error: {message}", err=True)
        sys.exit(code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        if isinstance(exc, OperationalError | ProgrammingError):
            click.echo(f"error: {database_problem(exc)}", err=True)
            sys.exit(1)
        reason = (str(exc).strip().splitlines() or [""])[0]
        click.echo(f"error: unexpected {type(exc).__name__}: {reason}", err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)


def database_problem(exc: DatabaseError) -> str:
    """Say what is wrong with the database in words an operator can act on."""
    from zonewatch.config.database import describe_database_problem

    return describe_database_problem(str(exc.orig or exc))


def file_problem(exc: OSError) -> tuple[str, int]:
    """A file the user named that cannot be read or written (a directory, a path through a
    regular file, no permission, a full disk) is their input to fix: its path and the reason,
    exit 2. An OSError without a path is not about their input and stays unexpected."""
    if exc.filename is None:
        reason = (str(exc).strip().splitlines() or [""])[0]
        return f"unexpected {type(exc).__name__}: {reason}", 1
    return f"{exc.filename}: {exc.strerror or type(exc).__name__}", 2


if __name__ == "__main__":
    main()
