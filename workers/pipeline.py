"""The pipeline, declared once: each stage, what it does to a batch of ids, and what follows.

ingest -> classify -> build changes -> match (and ingest -> withdraw -> match, ingest ->
finalize the run). Two drivers run this one declaration: the Celery tasks
(:mod:`zonewatch.workers.tasks.stages`), one message per batch, and the in-process runner
(:mod:`zonewatch.workers.inline`) for the demo's set-up, `zonewatch crawl SOURCE`, tests and
backfills. Neither decides what follows what; they only carry :class:`Advance` from one
transaction to the next, after it committed.

A stage takes a bounded batch of ids in one transaction. Every id checks again whether its work
is done, so a redelivered batch makes nothing twice. An id whose input is bad (its code raised,
or the database refused one of its values: a ``DataError``, which a retry would only meet again)
is rolled back to its savepoint, recorded with a one-line error, and the rest of the batch goes
on. Any other database error fails the whole batch, which is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm import Session

from zonewatch.alerts.events import events_to_match
from zonewatch.alerts.services import match_events
from zonewatch.changes.services import (
    load_batch,
    record_version_changes,
    record_withdrawal,
    write_links,
)
from zonewatch.classify.services import classify_versions
from zonewatch.crawlers.health import finalize_run
from zonewatch.ingest.services import (
    IngestResult,
    apply_item,
    load_items,
    mark_items,
    pending_items,
)
from zonewatch.models import CrawlRun, DocumentVersion, FetchedItem, FetchedPayload
from zonewatch.models.db import vacuum_on_postgres
from zonewatch.models.enums import FetchedItemStatus

if TYPE_CHECKING:
    from zonewatch.app import App

log = logging.getLogger(__name__)

Key = int | str
"""What a stage's message carries per item: a row id, or an event key for matching."""

T = TypeVar("T")


class StageName(StrEnum):
    INGEST = "ingest_items"
    FINALIZE_RUNS = "finalize_runs"
    CLASSIFY = "classify_versions"
    BUILD_CHANGES = "build_changes"
    WITHDRAW = "record_withdrawals"
    MATCH = "match_events"
    SEND = "send_deliveries"
    """Not a batch stage: the sender takes whatever is due, so one message says "look"."""

    @property
    def task_name(self) -> str:
        return f"zonewatch.{self.value}"


@dataclass
class Advance:
    """What a stage made of one batch: a word per id, what it made, and what follows."""

    results: dict[Key, str] = field(default_factory=dict)
    made: list[int] = field(default_factory=list)
    """Ids of the rows the batch wrote (versions, change records, immediate deliveries)."""
    next: dict[StageName, list[Key]] = field(default_factory=dict)
    errors: dict[Key, str] = field(default_factory=dict)
    _queued: set[tuple[StageName, Key]] = field(default_factory=set, repr=False)

    def then(self, stage: StageName, key: Key) -> None:
        if (stage, key) not in self._queued:
            self._queued.add((stage, key))
            self.next.setdefault(stage, []).append(key)

    def failed(self, key: Key, error: Exception) -> str:
        line = one_line(error)
        self.errors[key] = line
        self.results[key] = f"error: {line}"
        log.error("pipeline item %s failed: %s", key, line)
        return line

    def outcomes(self, keys: Sequence[Key]) -> list[str]:
        """The word for each id, in the batch's order (what a task returns)."""
        return [self.results.get(key, "?") for key in keys]


@dataclass(frozen=True)
class StageContext:
    session: Session
    app: App


StageFn = Callable[[StageContext, Sequence[Key]], Advance]


@dataclass(frozen=True)
class Stage:
    name: StageName
    run: StageFn
    leads_to: frozenset[StageName] = frozenset()
    in_id_order: bool = True
    """Whether the in-process runner takes its ids lowest first (row ids: the order they were
    stored); event keys keep the order their records were made in."""


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]


def bad_input(error: Exception) -> bool:
    """Whether ``error`` is about one id's input rather than the database: anything the code
    raised, and a value a column refuses (a figure beyond its range, a name beyond its length),
    which fails the same way on every retry. Other database errors (a lost connection, a
    unique key another worker took first) are worth retrying as a batch."""
    return isinstance(error, DataError) or not isinstance(error, SQLAlchemyError)


def isolated(
    session: Session, key: int, advance: Advance, step: Callable[[Session, int], T]
) -> T | None:
    """Run one id's work in a savepoint: bad input (:func:`bad_input`) is rolled back and
    recorded (None), while another database error fails the batch, so that the whole message
    is retried."""
    try:
        with session.begin_nested():
            return step(session, key)
    except Exception as error:
        if not bad_input(error):
            raise
        advance.failed(key, error)
        return None


def together(
    session: Session, keys: Sequence[int], advance: Advance, step: Callable[[Session, int], T]
) -> dict[int, T | None]:
    """Every id's work, in one savepoint for the whole batch (two statements, not two per
    id); only when an id's input is bad is the batch rolled back and run again id by id
    (:func:`isolated`), so that the bad one is recorded and the rest stored. Another
    database error fails the batch either way."""
    found: dict[int, T | None] = dict.fromkeys(keys)
    for part in whole_or_each(session, keys, advance, lambda s, ids: {k: step(s, k) for k in ids}):
        found.update(part)
    return found


def whole_or_each(
    session: Session,
    keys: Sequence[int],
    advance: Advance,
    step: Callable[[Session, list[int]], T],
) -> list[T]:
    """``step`` over the whole batch in one savepoint (its one result in a list); when an
    id's input is bad, the batch is rolled back and ``step`` runs once per id in its own
    savepoint (:func:`isolated`), giving the results of the ids that went through. For
    stages that write a batch in a few statements: the bad id costs one extra pass, never a
    retry of the message."""
    try:
        with session.begin_nested():
            return [step(session, list(keys))]
    except Exception as error:
        if not bad_input(error):
            raise
        log.info("batch rolled back and run id by id: %s", one_line(error))
    alone = (isolated(session, key, advance, lambda s, k: step(s, [k])) for key in keys)
    return [result for result in alone if result is not None]


def batches(keys: Sequence[Key], size: int) -> list[list[Key]]:
    return [list(keys[start : start + size]) for start in range(0, len(keys), size)]


# --- the stages -------------------------------------------------------------------------------


def ingest(ctx: StageContext, item_ids: Sequence[Key]) -> Advance:
    """Staged items into versions, in one savepoint for the batch (:func:`together`), their
    rows marked and payloads released in one statement each for the batch; each run whose
    last item this batch took is finalised."""
    advance = Advance()
    session = ctx.session
    ids = list(dict.fromkeys(int(key) for key in item_ids))
    held = load_items(session, ids)
    applied = together(session, ids, advance, apply_item)
    mark_items(session, [result for result in applied.values() if result is not None])
    for item_id, result in applied.items():
        _ingested(session, item_id, result, advance)
    session.flush()
    del held
    runs = session.scalars(select(FetchedItem.run_id).where(FetchedItem.id.in_(ids)).distinct())
    for run_id in sorted(runs):
        if not _pending_in(session, run_id):
            advance.then(StageName.FINALIZE_RUNS, run_id)
    return advance


def _ingested(
    session: Session, item_id: int, result: IngestResult | None, advance: Advance
) -> None:
    """One item's outcome; a bad one keeps its payload and says why on its row, and is not
    pending."""
    if result is None:
        row = session.get(FetchedItem, item_id)
        if row is not None:
            row.status, row.error = FetchedItemStatus.FAILED, advance.errors[item_id][:1000]
        return
    advance.results[item_id] = "already" if result.repeated else result.result
    if result.version_id is not None and not result.repeated:
        advance.made.append(result.version_id)
    _ingest_followups(session, result, advance)


def _ingest_followups(session: Session, result: IngestResult, advance: Advance) -> None:
    """The next stage for an ingested item. A repeat (its process may have died after the
    commit, before sending) sends it again while the version is still unclassified."""
    if result.result in ("new", "changed") and result.version_id is not None:
        if result.repeated:
            version = session.get(DocumentVersion, result.version_id)
            if version is None or version.classified_at is not None:
                return
        advance.then(StageName.CLASSIFY, result.version_id)
    elif result.result == "gone" and result.document_id is not None:
        advance.then(StageName.WITHDRAW, result.document_id)


def _pending_in(session: Session, run_id: int) -> int:
    """Items of the run still to ingest. Locking the run makes concurrent last batches count
    one after the other, so that at least one of them sees nothing pending."""
    session.get(CrawlRun, run_id, with_for_update=True)
    return (
        session.scalar(
            select(func.count())
            .select_from(FetchedItem)
            .where(FetchedItem.run_id == run_id, FetchedItem.status == FetchedItemStatus.PENDING)
        )
        or 0
    )


def finalize(ctx: StageContext, run_ids: Sequence[Key]) -> Advance:
    """Each run's counts and its source's health. The payloads its items held were deleted as
    they were ingested: on PostgreSQL they are vacuumed away first, so that a crawl leaves
    no dead payload rows (a third of a run's growth) behind until autovacuum comes."""
    advance = Advance()
    vacuum_on_postgres(ctx.session, FetchedPayload.__tablename__)
    for run_id in map(int, run_ids):
        advance.results[run_id] = finalize_run(ctx.session, run_id).status
    return advance


def classify(ctx: StageContext, version_ids: Sequence[Key]) -> Advance:
    """The batch is classified and written as a whole; a version whose classification fails
    is left out by the classify stage, and one whose findings the database refuses fails
    alone (:func:`whole_or_each`)."""
    advance = Advance()
    ids = [int(key) for key in version_ids]
    classifier = ctx.app.classifier
    found = whole_or_each(
        ctx.session, ids, advance, lambda s, keys: classify_versions(s, keys, classifier)
    )
    for batch in found:
        for version_id, error in batch.failed.items():
            advance.failed(version_id, error)
        for version_id, outcome in batch.outcomes.items():
            advance.results[version_id] = "classified" if outcome.classified else "already"
            advance.then(StageName.BUILD_CHANGES, version_id)
    for version_id in ids:
        advance.results.setdefault(version_id, "gone")
    return advance


def build_changes(ctx: StageContext, version_ids: Sequence[Key]) -> Advance:
    """Each version's records, then their links for the whole batch, then the events."""
    batch = load_batch(ctx.session, [int(key) for key in version_ids])
    advance = Advance()
    built = _changes(ctx, version_ids, partial(record_version_changes, batch=batch), advance)
    write_links(ctx.session, batch, built)
    return _to_match(ctx.session, advance)


def withdraw(ctx: StageContext, document_ids: Sequence[Key]) -> Advance:
    advance = Advance()
    _changes(ctx, document_ids, record_withdrawal, advance)
    return _to_match(ctx.session, advance)


def _changes(
    ctx: StageContext,
    ids: Sequence[Key],
    record: Callable[[Session, int], list[int]],
    advance: Advance,
) -> list[int]:
    """Change records for each id; returns the ids whose records stand."""
    built = []
    for key, change_ids in together(
        ctx.session, [int(key) for key in ids], advance, record
    ).items():
        if change_ids is None:
            continue
        built.append(key)
        advance.results[key] = f"{len(change_ids)} records"
        advance.made += change_ids
    return built


def _to_match(session: Session, advance: Advance) -> Advance:
    """The events the batch's records make, one matching batch for all."""
    for event_key in events_to_match(session, list(dict.fromkeys(advance.made))):
        advance.then(StageName.MATCH, event_key)
    return advance


def match(ctx: StageContext, event_keys: Sequence[Key]) -> Advance:
    advance = Advance()
    immediate = match_events(ctx.session, [str(key) for key in event_keys])
    for key, delivery_ids in immediate.items():
        advance.results[key] = f"{len(delivery_ids)} immediate"
        advance.made += delivery_ids
        for delivery_id in delivery_ids:
            advance.then(StageName.SEND, delivery_id)
    return advance


PIPELINE: Mapping[StageName, Stage] = {
    stage.name: stage
    for stage in (
        Stage(
            StageName.INGEST,
            ingest,
            frozenset({StageName.CLASSIFY, StageName.WITHDRAW, StageName.FINALIZE_RUNS}),
        ),
        Stage(StageName.FINALIZE_RUNS, finalize),
        Stage(StageName.CLASSIFY, classify, frozenset({StageName.BUILD_CHANGES})),
        Stage(StageName.BUILD_CHANGES, build_changes, frozenset({StageName.MATCH})),
        Stage(StageName.WITHDRAW, withdraw, frozenset({StageName.MATCH})),
        Stage(StageName.MATCH, match, frozenset({StageName.SEND}), in_id_order=False),
    )
}
"""Every batch stage in the order the in-process runner prefers (earlier stages first)."""


def after_crawl(session: Session, run_id: int) -> Advance:
    """What a finished crawl leads to: its staged items to ingest, or, when it staged none,
    the run to finalise."""
    advance = Advance()
    items = pending_items(session, run_id)
    for item_id in items:
        advance.then(StageName.INGEST, item_id)
    if not items:
        advance.then(StageName.FINALIZE_RUNS, run_id)
    return advance
