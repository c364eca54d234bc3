"""A source's first crawl is its baseline: what was published before we watched is no news.

Without it, the first crawl of a press room records every release it lists (years of them) as
``new_document`` and mails them all. The rule, per version:

A version belongs to its source's baseline when

1. it is its document's first version (an edit, a restore, a withdrawal is never baseline);
2. a crawl run stored it (a fetched item names the version); and
3. no earlier run of the same source (a lower id) ended ``ok`` or ``partial`` having ingested
   at least one item.

4. or the run is a backfill (``zonewatch backfill``): history loaded on purpose is baseline
   whenever it is loaded, before or after the source's first crawl.

So the first crawl that actually read the source's list is the baseline. A first crawl that
failed outright, was skipped, or ingested nothing does not use it up: the next one is still
the baseline, since nobody knows what the failed one missed. Runs overlapping the first one
(started before it was finalised) belong to it too. Every later run records news, including
releases it is the first to see.

Versions no crawl stored (an import, a hand-made test row) are recorded as news: the rule has
nothing to go on, and an alert too many is better than a release silently swallowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from zonewatch.models import CrawlRun, DocumentVersion, FetchedItem
from zonewatch.models.enums import FetchedItemStatus, RunTrigger

BACKFILL_TRIGGER = RunTrigger.BACKFILL
"""The trigger of a backfill's crawl run (:mod:`zonewatch.workers.backfill`)."""
COMPLETE_RUN_STATUSES = ("ok", "partial")
"""Run statuses that say the crawl read the source's list (see crawlers.health.run_status)."""


def is_baseline(
    session: Session, version: DocumentVersion, runs: Mapping[int, CrawlRun] | None = None
) -> bool:
    """Whether ``version`` was stored by its source's baseline crawl (see the module doc).
    ``runs`` is :func:`storing_runs` of a batch holding the version, when read already."""
    if version.number != 1:
        return False
    if runs is None:
        runs = storing_runs(session, [version.id])
    run = runs.get(version.id)
    if run is None:
        return False
    if run.trigger == BACKFILL_TRIGGER:
        return True
    return not source_crawled_before(session, run)


def storing_runs(session: Session, version_ids: Sequence[int]) -> dict[int, CrawlRun]:
    """The runs that stored ``version_ids`` (first versions: exactly one item names each), by
    version, in two queries for a batch."""
    if not version_ids:
        return {}
    items = session.execute(storing_items(version_ids))
    found = {version_id: run_id for version_id, run_id in items if version_id}
    runs = session.scalars(select(CrawlRun).where(CrawlRun.id.in_(set(found.values()))))
    by_id = {run.id: run for run in runs}
    return {version_id: by_id[run_id] for version_id, run_id in found.items()}


def storing_items(version_ids: Sequence[int]) -> Select[tuple[int | None, int]]:
    """(version, run) of the items that stored ``version_ids``, newest first, one per
    version, through ``ix_fetched_items_version``."""
    return (
        select(FetchedItem.version_id, FetchedItem.run_id)
        .where(FetchedItem.version_id.in_(version_ids))
        .order_by(FetchedItem.id.desc())
        .limit(len(version_ids))
    )


def source_crawled_before(session: Session, run: CrawlRun) -> bool:
    """Whether an earlier run of the run's source completed and ingested something. Asked
    once per run and transaction: a batch's versions nearly all come from one run, and the
    answer (about earlier runs) is the same for each of them."""
    transaction = session.get_transaction()
    memo = session.info.get(_CRAWLED_BEFORE)
    if memo is None or memo[0] is not transaction:
        memo = session.info[_CRAWLED_BEFORE] = (transaction, {})
    answers: dict[int, bool] = memo[1]
    if run.id not in answers:
        answers[run.id] = _source_crawled_before(session, run)
    return answers[run.id]


_CRAWLED_BEFORE = "zonewatch.baseline.crawled_before"
"""The session's memo of :func:`source_crawled_before`: its transaction and the answers by
run id, started afresh in each transaction (a later one may see a run finalised since)."""


def _source_crawled_before(session: Session, run: CrawlRun) -> bool:
    ingested = exists().where(
        FetchedItem.run_id == CrawlRun.id, FetchedItem.status == FetchedItemStatus.INGESTED
    )
    earlier = session.scalar(
        select(CrawlRun.id)
        .where(
            CrawlRun.source_id == run.source_id,
            CrawlRun.id < run.id,
            CrawlRun.status.in_(COMPLETE_RUN_STATUSES),
            ingested,
        )
        .limit(1)
    )
    return earlier is not None
