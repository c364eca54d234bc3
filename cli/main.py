"""Entry point of the ``zonewatch`` console script."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from zonewatch import __version__
from zonewatch.cli.capture import capture
from zonewatch.cli.changes import changes, timeline_command
from zonewatch.cli.classify import eval_command, reclassify, train_command
from zonewatch.cli.context import CliContext
from zonewatch.cli.crawling import crawl, parse_feed_command, parse_page_command, replay
from zonewatch.cli.digest import digest
from zonewatch.cli.entities import entities
from zonewatch.cli.model import model
from zonewatch.cli.prune import prune
from zonewatch.cli.setup import demo, init
from zonewatch.cli.sources import sources
from zonewatch.cli.subscribers import subscribers, subscriptions
from zonewatch.cli.users import users
from zonewatch.cli.web import web
from zonewatch.cli.workers import beat, run_all, worker
from zonewatch.errors import ZonewatchError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    cli_context = CliContext(overrides)
    ctx.obj = cli_context
    ctx.call_on_close(cli_context.close)


cli.add_command(init)
cli.add_command(demo)
cli.add_command(entities)
cli.add_command(sources)
cli.add_command(worker)
cli.add_command(run_all)
cli.add_command(crawl)
cli.add_command(parse_feed_command)
cli.add_command(parse_page_command)
cli.add_command(replay)
cli.add_command(capture)
cli.add_command(beat)
cli.add_command(eval_command)
cli.add_command(reclassify)
cli.add_command(train_command)
cli.add_command(changes)
cli.add_command(timeline_command)
cli.add_command(model)
cli.add_command(web)
cli.add_command(subscribers)
cli.add_command(subscriptions)
cli.add_command(digest)
cli.add_command(users)
cli.add_command(prune)


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
    except (OperationalError, ProgrammingError) as exc:
        click.echo(f"error: {database_problem(exc)}", err=True)
        sys.exit(1)
    except OSError as exc:
        message, code = file_problem(exc)
        click.echo(f"error: {message}", err=True)
        sys.exit(code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        reason = (str(exc).strip().splitlines() or [""])[0]
        click.echo(f"error: unexpected {type(exc).__name__}: {reason}", err=True)
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)


def database_problem(exc: OperationalError | ProgrammingError) -> str:
    """Say what is wrong with the database in words an operator can act on."""
    reason = (str(exc.orig or exc).strip().splitlines() or ["?"])[0]
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return "the database is not initialised: run `zonewatch init` first"
    return f"database unavailable: {reason}"


def file_problem(exc: OSError) -> tuple[str, int]:
    """A file the user named that cannot be read or written (a directory, a path through a
    regular file, no permission, a full disk) is their input to fix: its path and the reason,
    exit 2. An OSError without a path is not about their input and stays unexpected."""
    if exc.filename is None:
        reason = (str(exc).strip().splitlines() or [""])[0]
        return f"unexpected {type(exc).__name__}: {reason}", 1
    return f"{exc.filename}: {exc.strerror or type(exc).__name__}", 2
