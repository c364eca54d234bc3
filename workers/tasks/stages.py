"""The pipeline's batch stages as Celery tasks, generated from :data:`PIPELINE`.

A task takes a batch of ids, runs the stage in one transaction and, once it committed, sends
one message per batch of what follows. A redelivered batch re-checks each id, so it makes
nothing twice and sends again only what is still to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery

from zonewatch.workers.base import DbTask
from zonewatch.workers.pipeline import PIPELINE, Key, Stage, StageContext, StageName

LEGACY_NAMES = {
    "zonewatch.ingest_item": StageName.INGEST,
    "zonewatch.finalize_run": StageName.FINALIZE_RUNS,
    "zonewatch.classify_version": StageName.CLASSIFY,
    "zonewatch.record_withdrawal": StageName.WITHDRAW,
    "zonewatch.match_event": StageName.MATCH,
}
"""The one-id tasks of earlier releases: messages still queued when workers are upgraded are
taken as batches of one, rather than refused and lost."""


def register(celery: Celery) -> None:
    for stage in PIPELINE.values():
        _register_stage(celery, stage.name.task_name, stage)
    for name, stage_name in LEGACY_NAMES.items():
        _register_stage(celery, name, PIPELINE[stage_name])


def _register_stage(celery: Celery, name: str, stage: Stage) -> None:
    @celery.task(base=DbTask, bind=True, shared=False, name=name)
    def run_stage(self: DbTask, keys: Sequence[Key] | Key) -> list[str]:
        batch = [keys] if isinstance(keys, int | str) else list(keys)
        with self.unit_of_work() as work:
            advance = stage.run(StageContext(work.session, self.zonewatch), batch)
            work.then_all(self.stage_messages(advance.next))
        return advance.outcomes(batch)
