"""The change log and the timeline as history grows: p95 at 1,000 and at 1,000,000 records.

A scratch SQLite database (the embedded mode) is initialised and grown with synthetic change
records (:mod:`bench.synthetic`, bulk inserts). Measured through the query functions the CLI,
the API and the console call, each in a fresh session: the change log's first page, the next
page by keyset (after the first page's last position), the first page about the entity with
the most records (``changes list --entity``), and that entity's timeline. The baseline, in the same
database and run, is the floor any page can reach: the newest ``PAGE`` rows by primary key in
plain SQL. Flat means the million-record figures stay near the thousand-record ones; the
issue's ceiling is 50 ms at a million. The million is in ``make bench-scale`` only (building
it takes minutes).
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, text

from bench.harness import Result
from bench.synthetic import grow
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.queries import ChangeFilter, ChangePosition, list_changes, timeline
from zonewatch.models.changes import ChangeEntity

PAGE = 50
REQUESTS = 30
SMALL = 1_000
LARGE = 1_000_000


def p95_ms(function: Callable[[], object], requests: int = REQUESTS) -> float:
    """The 95th percentile of ``requests`` runs in milliseconds, after one warm-up run.

    Garbage the set-up left (growing the history makes tens of thousands of objects) is
    collected first: otherwise a full collection of it lands inside one measured run, and with
    30 runs that one outlier is the 95th percentile (a 5 ms first page measured 80 ms)."""
    gc.collect()
    function()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[18]


def _busiest_entity(app: App) -> str:
    """The entity with the most records: the longest timeline there is to sort."""
    with app.session() as session:
        entity = session.scalar(
            select(ChangeEntity.entity_id)
            .group_by(ChangeEntity.entity_id)
            .order_by(func.count().desc(), ChangeEntity.entity_id)
            .limit(1)
        )
    if entity is None:
        raise RuntimeError("no change records to measure")
    return str(entity)


def _cases(app: App, entity: str) -> dict[str, Callable[[], object]]:
    with app.session() as session:
        first = list_changes(session, ChangeFilter(limit=PAGE))
    after = ChangePosition.of(first[-1])

    def query(run: Callable[..., object]) -> Callable[[], object]:
        def measured() -> object:
            with app.session() as session:
                return run(session)

        return measured

    return {
        "change_log_first_page": query(lambda s: list_changes(s, ChangeFilter(limit=PAGE))),
        "change_log_next_page": query(
            lambda s: list_changes(s, ChangeFilter(limit=PAGE, after=after))
        ),
        "change_log_entity_page": query(
            lambda s: list_changes(s, ChangeFilter(entity_id=entity, limit=PAGE))
        ),
        "entity_timeline": query(lambda s: timeline(s, entity, limit=100)),
    }


def _floor(app: App) -> Callable[[], object]:
    sql = text(f"SELECT * FROM change_records ORDER BY id DESC LIMIT {PAGE}")

    def run() -> object:
        with app.engine.connect() as connection:
            return connection.execute(sql).all()

    return run


def history_at(records: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        app = configure(data_dir=Path(tmp))
        initialize(app)
        grown = grow(app, records)
        print(f"history: {records:,} records loaded in {grown.seconds:.0f} s", file=sys.stderr)
        entity = _busiest_entity(app)
        floor = p95_ms(_floor(app))
        results = [
            Result(
                name=f"{name}_p95_ms[{records:,}]",
                value=p95_ms(case),
                unit="ms",
                baseline=f"newest {PAGE} rows by primary key in plain SQL (entity {entity})",
                baseline_value=floor,
            )
            for name, case in _cases(app, entity).items()
        ]
        app.dispose()
    return results


def change_history() -> list[Result]:
    return history_at(SMALL)


def change_history_million() -> list[Result]:
    return history_at(LARGE)


BENCHMARKS = [change_history]
SCALE_BENCHMARKS = [change_history_million]
