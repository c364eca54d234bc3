"""Queue a crawl for the workers, and say whether any worker will take it.

``zonewatch crawl SOURCE --now`` and the console's "crawl now" both come here: neither runs
Scrapy in its own process; the run is recorded, the task sent, and the caller told whether
a worker consuming the crawl queue beat recently (a queued crawl nobody takes waits,
silently, until a worker starts).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.crawlers.runner import add_run
from zonewatch.models.base import utcnow
from zonewatch.workers.tasks import CRAWL_QUEUE
from zonewatch.workers.watch import live_consumers

CRAWL_TASK = "zonewatch.crawl_source"


@dataclass(frozen=True)
class QueuedCrawl:
    run_id: int
    source_id: str
    consumers: tuple[str, ...]
    """Workers taking the crawl queue that beat recently; empty: the crawl waits."""

    @property
    def worker_alive(self) -> bool:
        return bool(self.consumers)


def queue_crawl(app: App, session: Session, source_id: str, trigger: str = "manual") -> QueuedCrawl:
    """Record a queued run and send its task. ``session`` is committed before the task is
    sent: a worker that takes the task at once must find the run."""
    run = add_run(session, source_id, trigger, app.settings.crawl_heartbeat_seconds)
    run_id = run.id
    session.commit()
    app.celery.send_task(CRAWL_TASK, args=[run_id])
    consumers = live_consumers(session, CRAWL_QUEUE, utcnow())
    return QueuedCrawl(run_id, source_id, tuple(consumers))
