"""Database bytes a plain ``zonewatch backfill --corpus`` leaves per 1,000 releases (SQLite).

Every release of ../shared/corpus (skipped when absent; ``--limit`` takes the first N, as in
``end_to_end``, whose docstring says why the whole corpus is the measure) is loaded by the
command itself into a fresh data directory, after ``zonewatch init``. The figure is the growth
of the database files (after a WAL checkpoint); the detail gives MB per 1,000 by table
(``dbstat`` pages, indexes included, an FTS5 index as its shadow tables). The baseline is the
releases' own title and text (UTF-8). The issue's target (reported, not asserted): at most
15 MB per 1,000 documents.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_end_to_end import database_bytes, storage_detail, table_bytes
from bench.corpus import CORPUS, releases
from bench.harness import Result
from zonewatch.app import configure
from zonewatch.workers.backfill import corpus_lines


def _zonewatch(data_dir: Path, *args: str) -> None:
    environment = {**os.environ, "ZONEWATCH_DATA_DIR": str(data_dir)}
    environment.pop("ZONEWATCH_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "zonewatch", *args], env=environment, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"zonewatch {' '.join(args)} exited {done.returncode}: {done.stderr}")


def _sizes(data_dir: Path) -> tuple[int, dict[str, int]]:
    app = configure(data_dir=data_dir)
    try:
        return database_bytes(app), table_bytes(app)
    finally:
        app.dispose()


def backfill_size(limit: int | None = None) -> list[Result]:
    if not CORPUS.exists():
        print("backfill_size: no corpus at ../shared/corpus; skipped", file=sys.stderr)
        return []
    with tempfile.TemporaryDirectory(prefix="zonewatch-backfill-") as scratch:
        directory = Path(scratch)
        corpus = directory / "releases.jsonl"
        with corpus.open("wb") as out:
            for _number, line in itertools.islice(corpus_lines(CORPUS), limit):
                out.write(line.rstrip(b"\n") + b"\n")
        data_dir = directory / "data"
        _zonewatch(data_dir, "init")
        empty, empty_tables = _sizes(data_dir)
        _zonewatch(data_dir, "backfill", "--corpus", str(corpus))
        full, tables = _sizes(data_dir)
    items = releases(limit)
    thousands = len(items) / 1000
    grown = {name: size - empty_tables.get(name, 0) for name, size in tables.items()}
    detail = storage_detail(grown, thousands)
    raw = sum(len(f"{r.title}\n{r.text}".encode()) for r in items)
    return [
        Result(
            name="backfill_mb_per_1000_documents[sqlite]",
            value=(full - empty) / thousands / 1e6,
            unit="MB",
            baseline="the releases' own text, UTF-8 (target 15 MB)",
            baseline_value=raw / thousands / 1e6,
            detail=detail,
        )
    ]


BENCHMARKS = [backfill_size]
