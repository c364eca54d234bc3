"""The Celery tasks: the pipeline's stages made tasks, the crawl, the beat's jobs and upkeep.

Each module registers its own few tasks; :func:`register_tasks` is what the Celery app factory
calls.
"""

from __future__ import annotations

from celery import Celery

from zonewatch.workers.tasks import beat, crawl, maintenance, stages
from zonewatch.workers.tasks.beat import beat_schedule
from zonewatch.workers.tasks.crawl import CRAWL_QUEUE

__all__ = ["CRAWL_QUEUE", "beat_schedule", "register_tasks"]


def register_tasks(celery: Celery) -> None:
    """Define every task on ``celery``."""
    for module in (stages, crawl, maintenance, beat):
        module.register(celery)
