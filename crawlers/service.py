"""Crawl one source now, ingest what it fetched, and carry it through the rest of the pipeline:
the whole of `zonewatch crawl`.

A crawl that only stored versions would leave them unclassified, undiffed and unmatched until
some worker happened to look, and a release first seen that way would reach nobody; so the
command runs the remaining stages here, in this process, and sends the immediate alerts they
queued when it can (it needs the signing key for their unsubscribe links), saying plainly
what it left to the workers when it cannot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from zonewatch.app import App
from zonewatch.crawlers.runner import create_run, run_child
from zonewatch.models import AlertDelivery, ChangeRecord, CrawlRun, Source
from zonewatch.timefmt import KST, iso_local
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import StageName, after_crawl

if TYPE_CHECKING:
    from zonewatch.alerts.sender import SendReport
    from zonewatch.workers.inline import InlineReport, Progress

ID_BATCH = 500
"""Ids per IN (...) list: well under SQLite's limit on bound parameters."""


class CrawlProgress(Protocol):
    """What a long crawl reports as it goes (the CLI draws it; tests record it)."""

    def crawling(self, items_staged: int) -> None: ...

    def ingesting(self, done: int, total: int) -> None: ...


def crawl_now(
    app: App, source_id: str, trigger: str = "manual", progress: CrawlProgress | None = None
) -> dict[str, object]:
    """Crawl, then ingest what the crawl staged and finalise the run, through the pipeline's
    own stages in this process; classification and the rest are :func:`process_crawl`'s."""
    run_id = create_run(app, source_id, trigger)
    run_child(app, run_id, progress.crawling if progress is not None else None)
    with app.session() as session:
        seeds = after_crawl(session, run_id).next
    drive(
        app,
        seeds,
        stages={StageName.INGEST, StageName.FINALIZE_RUNS},
        progress=_ingest_progress(progress) if progress is not None else None,
    )
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        return run_record(run, app.settings.tz)


def _ingest_progress(progress: CrawlProgress) -> Progress:
    def told(stage: StageName, done: int, total: int) -> None:
        if stage is StageName.INGEST:
            progress.ingesting(done, total)

    return told


def run_record(run: CrawlRun, tz: ZoneInfo = KST) -> dict[str, object]:
    """A crawl run as plain data, for printing and for tests."""
    return {
        "run": run.id,
        "source": run.source_id,
        "trigger": run.trigger,
        "status": run.status,
        "started_at": iso_local(run.started_at, tz),
        "finished_at": iso_local(run.finished_at, tz),
        "duration_seconds": run.duration_seconds,
        "requests": run.requests,
        "bytes": run.bytes_received,
        "not_modified": run.not_modified,
        "items_found": run.items_found,
        "new": run.items_new,
        "changed": run.items_changed,
        "unchanged": run.items_unchanged,
        "errors": run.errors,
        "article_pages": run.stats.get("zonewatch/article_pages", 0),
        "list_pages": run.stats.get("zonewatch/list_pages", 0),
    }


@dataclass(frozen=True)
class Sending:
    """What became of the immediate alerts the crawl queued."""

    report: SendReport | None = None
    """What this command sent (None when it sent nothing itself)."""
    left_to_workers: str | None = None
    """Why this command did not send them, when it did not."""


@dataclass(frozen=True)
class PipelineOutcome:
    """What the stages after ingest made of everything stored and not yet processed."""

    classified: int
    change_kinds: dict[str, int] = field(default_factory=dict)
    immediate_alerts: int = 0
    digest_alerts: int = 0
    sending: Sending = Sending()

    @property
    def change_records(self) -> int:
        return sum(self.change_kinds.values())


@dataclass(frozen=True)
class CrawlOutcome:
    record: dict[str, object]
    health: str
    health_reason: str | None
    pipeline: PipelineOutcome


LEFT_TO_WORKERS = (
    "ZONEWATCH_SECRET_KEY is not set, so this command cannot sign their unsubscribe links; "
    "the workers send them (`zonewatch run`, or `zonewatch worker` with `zonewatch beat`)"
)


def process_crawl(app: App, source_id: str, record: dict[str, object]) -> CrawlOutcome:
    """Run classify, diff and match on what is pending, send the immediate alerts that made,
    and report it with the source's health as the finished run left it."""
    from zonewatch.workers.inline import process_pending

    report = process_pending(app)
    pipeline = _pipeline_outcome(app, report)
    with app.session() as session:
        source = session.get(Source, source_id)
        assert source is not None  # the run was just made for it
        health, reason = source.health, source.health_reason
    return CrawlOutcome(record=record, health=health, health_reason=reason, pipeline=pipeline)


def _pipeline_outcome(app: App, report: InlineReport) -> PipelineOutcome:
    change_ids = list(dict.fromkeys(report.change_ids))
    kinds: Counter[str] = Counter()
    deliveries: Counter[str] = Counter()
    with app.session() as session:
        for batch in _batches(change_ids):
            kinds.update(
                session.scalars(select(ChangeRecord.kind).where(ChangeRecord.id.in_(batch)))
            )
            deliveries.update(
                dict(
                    session.execute(
                        select(AlertDelivery.delivery, func.count())
                        .where(AlertDelivery.change_id.in_(batch))
                        .group_by(AlertDelivery.delivery)
                    )
                    .tuples()
                    .all()
                )
            )
    immediate = deliveries.pop("immediate", 0)
    return PipelineOutcome(
        classified=report.classified,
        change_kinds=dict(kinds.most_common()),
        immediate_alerts=immediate,
        digest_alerts=sum(deliveries.values()),
        sending=send_queued_alerts(app) if immediate else Sending(),
    )


def send_queued_alerts(app: App) -> Sending:
    """Send what is due now, as the workers' send task would; without a signing key the
    alerts stay queued for the workers, and the caller is told why."""
    from zonewatch.alerts.sender import send_all_due

    if app.settings.secret_key is None:
        return Sending(left_to_workers=LEFT_TO_WORKERS)
    return Sending(report=send_all_due(app))


def _batches(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + ID_BATCH] for start in range(0, len(ids), ID_BATCH)]
