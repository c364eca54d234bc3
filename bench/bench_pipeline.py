"""The pipeline in one process on a database in use: ingest -> classify -> changes -> match.

The database first gets ``GROWN_RECORDS`` synthetic change records (bulk-loaded, see
:mod:`bench.synthetic`) and ``SUBSCRIBERS`` subscribers with ``SUBSCRIPTIONS`` zone, topic,
source and keyword rules (the matching benchmark's mix); then ``ITEMS`` corpus releases,
staged as a later crawl stages them (news, so they are matched and alerted), go through the
in-process driver. Every cost that grows with the database or the subscriptions is in the
figure. The baseline is classification alone on the same releases in the same run: what the
pipeline adds around its one piece of real analysis.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.bench_matching import make_rules
from bench.corpus import CORPUS, releases, stage
from bench.harness import Result
from bench.synthetic import grow, subscribe
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.workers.backfill import Release
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import after_crawl

ITEMS = 300
GROWN_RECORDS = 20_000
SUBSCRIBERS = 10_000
SUBSCRIPTIONS = 30_000


def run_pipeline(app: App, run_id: int) -> None:
    """The in-process driver over a staged run (the one seam to change if the driver moves)."""
    with app.session() as session:
        seeds = after_crawl(session, run_id).next
    drive(app, seeds)


def classification_alone(app: App, items: list[Release]) -> float:
    classifier = app.classifier
    started = time.perf_counter()
    for release in items:
        classifier.classify(release.title, release.text)
    return time.perf_counter() - started


def pipeline_throughput(limit: int = ITEMS) -> list[Result]:
    if not CORPUS.exists():
        print("pipeline_throughput: no corpus at ../shared/corpus; skipped", file=sys.stderr)
        return []
    items = releases(limit)
    with tempfile.TemporaryDirectory() as tmp:
        app = configure(data_dir=Path(tmp))
        initialize(app)
        grow(app, GROWN_RECORDS)
        subscribe(app, make_rules(SUBSCRIPTIONS, subscribers=SUBSCRIBERS))
        run_id, _ = stage(app, items)
        alone = classification_alone(app, items)
        started = time.perf_counter()
        run_pipeline(app, run_id)
        pipeline = time.perf_counter() - started
        app.dispose()
    return [
        Result(
            name="pipeline_items_per_second",
            value=len(items) / pipeline,
            unit="items/s",
            baseline=f"classification alone on the same items ({GROWN_RECORDS:,} records, "
            f"{SUBSCRIBERS:,} subscribers with {SUBSCRIPTIONS:,} subscriptions)",
            baseline_value=len(items) / alone,
        )
    ]


BENCHMARKS = [pipeline_throughput]
