"""Build the Celery app from a configured zonewatch; no module-level app object."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import Celery

if TYPE_CHECKING:
    from zonewatch.app import App


def make_celery(app: App) -> Celery:
    """A Celery app whose broker and behaviour come from the zonewatch settings.

    Tasks acknowledge late and go back to the queue if their worker dies; one task is fetched
    at a time so that a killed worker loses no prefetched work.
    """
    settings = app.settings
    celery = Celery("zonewatch", set_as_current=False)
    celery.conf.update(
        broker_url=settings.effective_broker_url,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        timezone=settings.timezone,
        enable_utc=True,
        worker_hijack_root_logger=False,
    )
    if settings.effective_broker_url.startswith(("redis", "rediss")):
        # Redis redelivers a task whose worker died once this much time has passed.
        celery.conf.broker_transport_options = {"visibility_timeout": 3600}
    celery.zonewatch = app
    return celery
