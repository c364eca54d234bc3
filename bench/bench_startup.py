"""Start-up: wall time of whole ``zonewatch`` invocations against what a user would otherwise run.

Each figure is one fresh process of the installed console script, the fastest of ``REPEAT``
runs (the least disturbed by other load), against a fresh ``python -c`` doing the same work
bare, in the same run. Each is given twice: wall time (what the user waits) and CPU time of
the process (user + system; on a machine shared with other load the wall time includes
waiting for a core, the CPU time does not):

- ``zonewatch --help`` and ``zonewatch changes list --limit 5`` / ``timeline ifez`` on a small
  database (``RELEASES`` corpus releases loaded by ``zonewatch backfill``) against a bare
  :mod:`sqlite3` query of the same five change records;
- ``zonewatch parse-feed FILE`` on an RSS file of ``FEED_ENTRIES`` corpus releases (written at
  run time) against the one-liner ``feedparser.parse`` of the same file.

The issue's target (reported, not asserted): ``--help`` and a simple query well under 0.3 s;
parse-feed was 9.6x the feedparser one-liner.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bench.corpus import CORPUS, releases
from bench.harness import Result
from zonewatch.workers.backfill import Release

REPEAT = 7
RELEASES = 100
FEED_ENTRIES = 30
ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))
BARE_QUERY = (
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1])\n"
    "print(db.execute('SELECT id, kind, title FROM change_records ORDER BY id DESC LIMIT 5')"
    ".fetchall())\n"
)
BARE_FEED = "import feedparser, sys; print(len(feedparser.parse(sys.argv[1]).entries))"


def startup() -> list[Result]:
    if not CORPUS.exists():
        print(f"startup: skipped, no corpus at {CORPUS}", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data_dir = _small_database(root)
        feed = _feed_file(root, releases(FEED_ENTRIES))
        env = _environment(data_dir)
        database = str(data_dir / "zonewatch.sqlite")
        bare_query = _timed([sys.executable, "-c", BARE_QUERY, database], env)
        bare_feed = _timed([sys.executable, "-c", BARE_FEED, str(feed)], env)
        query_baseline = "bare sqlite3 query of the same 5 change records (python -c)"
        feed_baseline = (
            f"python -c 'import feedparser; feedparser.parse(FILE)' ({FEED_ENTRIES} entries)"
        )
        cases = [
            ("startup_help", ["--help"], query_baseline, bare_query),
            (
                "startup_changes_list",
                ["changes", "list", "--limit", "5"],
                query_baseline,
                bare_query,
            ),
            ("startup_timeline", ["timeline", "ifez"], query_baseline, bare_query),
            ("startup_parse_feed", ["parse-feed", str(feed)], feed_baseline, bare_feed),
        ]
        results = []
        for name, argv, baseline, bare in cases:
            timing = _timed([ZONEWATCH, *argv], env)
            results.append(Result(name, timing.wall * 1000, "ms", baseline, bare.wall * 1000))
            results.append(
                Result(f"{name}_cpu", timing.cpu * 1000, "ms", f"{baseline}, CPU", bare.cpu * 1000)
            )
        return results


@dataclass(frozen=True)
class Timing:
    wall: float
    """Seconds, the fastest run."""
    cpu: float
    """Seconds of user and system time of the child, the least of any run."""


def _timed(argv: Sequence[str], env: dict[str, str]) -> Timing:
    """The fastest of ``REPEAT`` runs (after one that warms the file cache)."""
    subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
    wall = cpu = float("inf")
    for _ in range(REPEAT):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=120)
        wall = min(wall, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpu = min(cpu, used)
    return Timing(wall, cpu)


def _environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZONEWATCH_")}
    env["ZONEWATCH_DATA_DIR"] = str(data_dir)
    return env


def _small_database(root: Path) -> Path:
    """A data directory holding the first ``RELEASES`` corpus releases, loaded as a user
    would load them (``zonewatch backfill``)."""
    corpus = root / "corpus.jsonl.gz"
    with gzip.open(CORPUS, "rb") as source, gzip.open(corpus, "wb") as target:
        target.writelines(itertools.islice(source, RELEASES))
    data_dir = root / "data"
    subprocess.run(
        [ZONEWATCH, "backfill", "--corpus", str(corpus)],
        env=_environment(data_dir),
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return data_dir


def _feed_file(root: Path, entries: Sequence[Release]) -> Path:
    """An RSS 2.0 file of the releases, as a press room's feed carries them."""
    items = "".join(
        f"<item><title>{escape(release.title)}</title><link>{escape(release.url)}</link>"
        f"<guid>{escape(release.external_id)}</guid><pubDate>{_rfc822(release.published_at)}</pubDate>"
        f"<description>{escape(release.text)}</description></item>\n"
        for release in entries
    )
    path = root / "feed.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>press releases</title><link>https://www.korea.kr/</link>\n{items}"
        "</channel></rss>\n",
        encoding="utf-8",
    )
    return path


def _rfc822(published: dt.datetime | None) -> str:
    return format_datetime(published) if published and published.tzinfo else ""


BENCHMARKS = [startup]
