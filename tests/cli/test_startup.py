"""Start-up imports only what the command uses: structural checks, never timings (the
timings are in bench/)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


CRAWLING = {"scrapy", "twisted", "parsel", "trafilatura", "pdfminer", "olefile"}
"""What only crawling a site (or reading a page) needs."""
WORKERS = {"celery", "kombu"}
WEB = {"jinja2", "starlette"}
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>보도자료</title><link>https://example.go.kr/</link>
<item><title>송도 국제도시 개발계획 변경</title><link>https://example.go.kr/view?id=7</link>
<pubDate>Mon, 02 Mar 2026 10:00:00 +0900</pubDate>
<description>&lt;p&gt;계획 변경 고시&lt;/p&gt;</description></item>
</channel></rss>
"""


def _run_loading(argv: list[str]) -> tuple[str, set[str]]:
    """Run ``zonewatch ARGV`` in a fresh interpreter, which must succeed; returns its output
    and the root packages it imported."""
    script = (
        "import sys\n"
        "from zonewatch.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, _roots(set(done.stderr.split()))


def test_parse_feed_of_a_file_loads_no_crawler_nor_database(tmp_path: Path) -> None:
    """A feed file is read by feedparser and the project's decoder alone: no Scrapy, no
    Twisted, no ORM, no settings, no validated source configuration (the issue measured
    parse-feed at 9.6x a feedparser one-liner, nearly all of it imports)."""
    feed = tmp_path / "feed.xml"
    feed.write_text(FEED, encoding="utf-8")
    output, loaded = _run_loading(["parse-feed", str(feed)])
    assert [entry["title"] for entry in json.loads(output)["entries"]] == [
        "송도 국제도시 개발계획 변경"
    ]
    assert "feedparser" in loaded
    unwanted = CRAWLING | WORKERS | WEB | {"sqlalchemy", "pydantic", "pydantic_settings", "yaml"}
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory after ``zonewatch init``: the zone model and sources are loaded."""
    directory = tmp_path_factory.mktemp("startup") / "data"
    _run_loading(["--data-dir", str(directory), "init"])
    return directory


@pytest.mark.parametrize(
    "argv",
    [
        ["changes", "list", "--limit", "5"],
        ["changes", "list", "--source", "korea-kr-press", "--format", "json"],
        ["changes", "list", "--topic", "plan"],
        ["changes", "list", "--format", "csv"],
        ["timeline", "ifez"],
        ["timeline", "ifez", "--format", "csv"],
    ],
    ids=[
        "changes-list",
        "changes-list-source",
        "changes-list-topic",
        "changes-list-csv",
        "timeline",
        "timeline-csv",
    ],
)
def test_the_simple_pages_of_the_change_log_load_no_sqlalchemy(
    data_dir: Path, argv: list[str]
) -> None:
    """The newest records, under no filter or one source or one topic, and an entity's
    timeline by its id, are read from compiled SQL by the standard drivers: SQLAlchemy alone
    costs more than "well under 0.3 s"."""
    _, loaded = _run_loading(["--data-dir", str(data_dir), *argv])
    assert "sqlite3" in loaded
    unwanted = CRAWLING | WORKERS | WEB | {"sqlalchemy", "yaml", "feedparser", "psycopg"}
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


@pytest.mark.parametrize(
    "argv",
    [
        ["changes", "list", "--entity", "ifez", "--limit", "5"],
        ["timeline", "IFEZ"],
        ["sources", "list"],
    ],
    ids=["changes-list-entity", "timeline-by-name", "sources-list"],
)
def test_queries_load_neither_crawler_nor_workers_nor_web(data_dir: Path, argv: list[str]) -> None:
    """A query of another shape runs through SQLAlchemy and prints; the crawl, the workers,
    the web console and the source configuration's parsers stay unloaded."""
    _, loaded = _run_loading(["--data-dir", str(data_dir), *argv])
    assert "sqlalchemy" in loaded
    unwanted = CRAWLING | WORKERS | WEB | {"yaml", "feedparser"}
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


def test_the_enums_load_without_the_orm() -> None:
    """What the crawl side names (an item's outcome) must not cost the ORM."""
    script = "import sys, zonewatch.enums; print('sqlalchemy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


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
