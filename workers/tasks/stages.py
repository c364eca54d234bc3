"""The pipeline's batch stages as Celery tasks, generated from :data:`PIPELINE`.

A task takes a batch of ids, runs the stage in one transaction and, once it committed, sends
one message per batch of what follows. A redelivered batch re-checks each id, so it makes
nothing twice and sends again only what is still to do.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery

from zonewatch.workers.base import DbTask
from zonewatch.workers.pipeline import PIPELINE, Key, Stage, StageContext


def register(celery: Celery) -> None:
    for stage in PIPELINE.values():
        _register_stage(celery, stage)


def _register_stage(celery: Celery, stage: Stage) -> None:
    @celery.task(base=DbTask, bind=True, shared=False, name=stage.name.task_name)
    def run_stage(self: DbTask, keys: Sequence[Key]) -> list[str]:
        with self.unit_of_work() as work:
            advance = stage.run(StageContext(work.session, self.zonewatch), keys)
            work.then_all(self.stage_messages(advance.next))
        return advance.outcomes(keys)
