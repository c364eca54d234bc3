"""The pipeline run in this process: for the demo's set-up, `zonewatch crawl SOURCE`, tests and
backfills.

It drives the same declaration the workers do (:data:`~zonewatch.workers.pipeline.PIPELINE`),
one transaction per batch, follow-ups taken up only after their batch committed. Batches of the
earliest stage go first, so that every version is classified before changes are built from it
and cross-document figures compare with everything this run stored, as in one crawl's order.
Everything stored and not yet classified, diffed or matched is taken up by
:func:`process_pending`, so running it twice does nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from zonewatch.app import App
from zonewatch.models import ChangeRecord, Document, DocumentVersion
from zonewatch.workers.pipeline import PIPELINE, Advance, Key, StageContext, StageName

Progress = Callable[[StageName, int, int], None]
"""Told after each batch: the stage, ids it has done so far, ids it has been given so far."""


@dataclass
class Drive:
    """What one run of the pipeline in this process did, stage by stage."""

    results: dict[StageName, dict[Key, str]] = field(default_factory=dict)
    made: dict[StageName, list[int]] = field(default_factory=dict)
    errors: dict[StageName, dict[Key, str]] = field(default_factory=dict)
    left: dict[StageName, list[Key]] = field(default_factory=dict)
    """Follow-ups for stages this run was not asked to drive (the sender, for one)."""

    def record(self, stage: StageName, advance: Advance) -> None:
        self.results.setdefault(stage, {}).update(advance.results)
        self.made.setdefault(stage, []).extend(advance.made)
        if advance.errors:
            self.errors.setdefault(stage, {}).update(advance.errors)


ALL_STAGES = frozenset(PIPELINE)


def drive(
    app: App,
    seeds: Mapping[StageName, Sequence[Key]],
    stages: Collection[StageName] = ALL_STAGES,
    progress: Progress | None = None,
) -> Drive:
    """Run ``seeds`` and everything that follows them within ``stages``, a bounded batch per
    transaction; an id is taken up at most once per stage in one drive."""
    size = app.settings.pipeline_batch_size
    pending: dict[StageName, list[Key]] = {name: [] for name in PIPELINE}
    given: dict[StageName, set[Key]] = {name: set() for name in PIPELINE}
    done: dict[StageName, int] = dict.fromkeys(PIPELINE, 0)
    report = Drive()

    def take(followups: Mapping[StageName, Sequence[Key]]) -> None:
        for stage, keys in followups.items():
            if stage not in stages or stage not in PIPELINE:
                report.left.setdefault(stage, []).extend(keys)
                continue
            fresh = [key for key in keys if key not in given[stage]]
            given[stage].update(fresh)
            pending[stage] += fresh
            if PIPELINE[stage].in_id_order:
                pending[stage].sort(key=int)

    take(seeds)
    while stage := next((name for name in PIPELINE if pending[name]), None):
        batch, pending[stage] = pending[stage][:size], pending[stage][size:]
        with app.session() as session:
            advance = PIPELINE[stage].run(StageContext(session, app), batch)
        report.record(stage, advance)
        take(advance.next)
        done[stage] += len(batch)
        if progress is not None:
            progress(stage, done[stage], len(given[stage]))
    return report


@dataclass
class InlineReport:
    classified: int = 0
    change_ids: list[int] = field(default_factory=list)
    deliveries: int = 0
    """Immediate deliveries written (digest ones wait for their digest)."""
    events: list[str] = field(default_factory=list)
    """The events matched: one alert each at most, per subscriber and channel."""
    errors: dict[StageName, dict[Key, str]] = field(default_factory=dict)
    """Ids a stage could not process, with a one-line reason each."""


def process_pending(app: App) -> InlineReport:
    """Classify, diff and match everything stored and not yet done; sending is left to the
    caller (it needs the signing key), the rest is done here."""
    report = drive(app, pending_work(app), stages=ALL_STAGES)
    changes = report.made.get(StageName.BUILD_CHANGES, []) + report.made.get(StageName.WITHDRAW, [])
    classified = report.results.get(StageName.CLASSIFY, {})
    return InlineReport(
        classified=sum(1 for word in classified.values() if word == "classified"),
        change_ids=list(dict.fromkeys(changes)),
        deliveries=len(report.made.get(StageName.MATCH, [])),
        events=[str(key) for key in report.results.get(StageName.MATCH, {})],
        errors=report.errors,
    )


def pending_work(app: App) -> dict[StageName, list[Key]]:
    """Versions not classified, versions classified but without change records, and withdrawn
    documents (whose record, if made already, is found again rather than made twice)."""
    with app.session() as session:
        unclassified = list(
            session.scalars(
                select(DocumentVersion.id)
                .where(DocumentVersion.classified_at.is_(None))
                .order_by(DocumentVersion.id)
            )
        )
        recorded = select(ChangeRecord.new_version_id).where(
            ChangeRecord.new_version_id.is_not(None)
        )
        unrecorded = list(
            session.scalars(
                select(DocumentVersion.id)
                .where(DocumentVersion.technical.is_(False))
                .where(DocumentVersion.classified_at.is_not(None))
                .where(DocumentVersion.id.not_in(recorded))
                .order_by(DocumentVersion.id)
            )
        )
        withdrawn = list(
            session.scalars(
                select(Document.id).where(Document.status == "withdrawn").order_by(Document.id)
            )
        )
    return {
        StageName.CLASSIFY: list(unclassified),
        StageName.BUILD_CHANGES: list(unrecorded),
        StageName.WITHDRAW: list(withdrawn),
    }
