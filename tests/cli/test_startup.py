"""Start-up imports only what the command uses: structural checks, never timings (the
timings are in bench/)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from zonewatch.cli.main import COMMANDS, cli

HEAVY = ("scrapy", "twisted", "celery", "kombu", "sqlalchemy", "feedparser", "jinja2", "rich")


def _modules_after(argv: list[str]) -> set[str]:
    """The modules a fresh interpreter holds after running ``zonewatch ARGV``."""
    script = (
        "import sys\n"
        "from zonewatch.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stderr.split())


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_and_version_import_no_heavy_package(argv: list[str]) -> None:
    loaded = _roots(_modules_after(argv))
    assert "click" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_imports_no_command_module() -> None:
    loaded = _modules_after(["--help"])
    commands = {f"zonewatch.cli.{ref.module}" for ref in COMMANDS.values()}
    assert loaded.isdisjoint(commands), sorted(loaded & commands)


def test_parse_feed_needs_no_database_nor_crawler(tmp_path: object) -> None:
    loaded = _roots(_modules_after(["parse-feed", "--help"]))
    assert loaded.isdisjoint({"scrapy", "twisted", "celery", "sqlalchemy"})


def test_a_query_command_loads_neither_scrapy_nor_celery() -> None:
    loaded = _roots(_modules_after(["changes", "list", "--help"]))
    assert loaded.isdisjoint({"scrapy", "twisted", "celery", "kombu"})


def test_every_listed_command_loads_under_its_name() -> None:
    context = click.Context(cli)
    for name, ref in COMMANDS.items():
        command = ref.load()
        assert cli.get_command(context, name) is command
        assert command.help, name


def test_the_listing_shows_every_command_with_its_summary() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zonewatch.cli.main", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    for name in COMMANDS:
        assert f"\n  {name} " in result.stdout, name
