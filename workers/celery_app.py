"""Build the Celery app from a configured zonewatch; no module-level app object."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from celery import Celery
from celery.signals import worker_init, worker_process_init
from kombu.entity import Queue

from zonewatch.workers.tasks import CRAWL_QUEUE, beat_schedule, register_tasks
from zonewatch.workers.transport import SQLA_PREFIX, transport_for

if TYPE_CHECKING:
    from zonewatch.app import App
    from zonewatch.config.settings import Settings


def make_celery(app: App) -> Celery:
    """A Celery app whose broker and behaviour come from the zonewatch settings.

    Tasks acknowledge late and go back to the queue if their worker dies. Each pool process
    holds ``worker_prefetch_multiplier`` tasks (one by default): whatever a killed worker held
    comes back, on Redis after the visibility timeout, on the embedded broker once its claims
    lapse.
    """
    settings = app.settings
    celery = Celery("zonewatch", set_as_current=False)
    broker_url, transport = transport_for(settings.effective_broker_url)
    if transport is not None:
        celery.conf.broker_transport = transport
    celery.conf.update(
        broker_url=broker_url,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=settings.worker_prefetch_multiplier,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        timezone=settings.timezone,
        enable_utc=True,
        worker_hijack_root_logger=False,
    )
    celery.conf.broker_transport_options = broker_transport_options(settings)
    celery.conf.task_default_queue = "default"
    celery.conf.task_queues = (Queue("default"), Queue(CRAWL_QUEUE))
    # Long crawls get their own queue, so that they never hold up ingest and alerts.
    celery.conf.task_routes = {"zonewatch.crawl_source": {"queue": CRAWL_QUEUE}}
    celery.conf.beat_schedule = beat_schedule()
    celery.zonewatch = app
    register_tasks(celery)

    def fresh_connections(**_: object) -> None:
        # A forked worker process must not share the parent's database connections.
        app.engine.dispose(close=False)

    worker_process_init.connect(fresh_connections, weak=False)
    worker_init.connect(lambda **_: build_classifier(app), weak=False)
    return celery


def build_classifier(app: App) -> None:
    """Build the classifier in the worker's main process, before it forks its pool: every
    pool process inherits the one copy, instead of each spending seconds building its own
    inside its first classification task (a batch's documents then wait for it).

    Its objects then live as long as the worker, so they are frozen out of the collector
    (:func:`gc.freeze`, as the gc docs advise before a fork): otherwise every full collection
    in a pool process walks them all again, which took a third of matching's time on
    PostgreSQL, and touching them unshares their pages."""
    _ = app.classifier
    gc.freeze()


def broker_transport_options(settings: Settings) -> dict[str, float]:
    """Transport options per broker kind.

    Redis gives a dead worker's unacknowledged tasks back after the visibility timeout; kombu
    looks for them every ``unacked_restore_interval`` seconds. The embedded broker's claims
    are renewed by their live worker and lapse after ``broker_claim_timeout_seconds``; its
    idle workers poll at most ``broker_polling_interval_seconds`` apart, and a message
    delivered ``broker_max_deliveries`` times without finishing becomes a dead letter (see
    :mod:`zonewatch.workers.transport`).
    """
    broker_url = settings.effective_broker_url
    if broker_url.startswith(("redis", "rediss")):
        return {
            "visibility_timeout": settings.task_visibility_timeout_seconds,
            "unacked_restore_interval": 5,
            "unacked_restore_throttle": 1,
        }
    if broker_url.startswith(SQLA_PREFIX):
        return {
            "visibility_timeout": settings.broker_claim_timeout_seconds,
            "polling_interval": settings.broker_polling_interval_seconds,
            "max_deliveries": settings.broker_max_deliveries,
        }
    return {}
