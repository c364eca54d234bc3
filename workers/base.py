"""The task base class: one session and transaction per task, follow-ups only after commit.

Tasks take ids, fetch again, and return early when their work is already done, so running one
twice changes nothing more. They acknowledge late and go back to the queue if their worker
dies; transient database errors are retried with backoff and jitter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from celery import Celery, Task
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zonewatch.workers import bulk
from zonewatch.workers.pipeline import Key, StageName, batches

if TYPE_CHECKING:
    from celery.canvas import Signature

    from zonewatch.app import App


@dataclass
class UnitOfWork:
    session: Session
    followups: list[Signature] = field(default_factory=list)

    def then(self, signature: Signature) -> None:
        """Send ``signature`` once this task's transaction has committed."""
        self.followups.append(signature)

    def then_all(self, signatures: Iterable[Signature]) -> None:
        self.followups.extend(signatures)


def enqueue(celery: Celery, signatures: Iterable[Signature]) -> None:
    """Publish follow-ups, the one place they go out: the messages of each task name leave
    together (one broker transaction or pipeline, see :func:`publish_many`)."""
    by_task: dict[str, list[Sequence[object]]] = {}
    for signature in signatures:
        by_task.setdefault(signature.task, []).append(tuple(signature.args))
    for task_name, arguments in by_task.items():
        bulk.publish_many(celery, task_name, arguments)


class DbTask(Task):  # type: ignore[misc]
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (OperationalError,)
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 8
    time_limit = 600
    soft_time_limit = 540

    @property
    def zonewatch(self) -> App:
        app: App = self.app.zonewatch
        return app

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        work = UnitOfWork(session=self.zonewatch.sessions())
        try:
            yield work
            work.session.commit()
        except BaseException:
            work.session.rollback()
            raise
        finally:
            work.session.close()
        enqueue(self.app, work.followups)

    def signature_for(self, name: str, *args: Any) -> Signature:
        return self.app.signature(name, args=args)

    def stage_messages(self, followups: Mapping[StageName, Sequence[Key]]) -> list[Signature]:
        """One message per batch of ids for each stage that follows; the sender takes all
        that is due, so one message to it is enough however many deliveries were written."""
        size = self.zonewatch.settings.pipeline_batch_size
        messages = []
        for stage, keys in followups.items():
            if stage is StageName.SEND:
                messages.append(self.signature_for(stage.task_name))
                continue
            messages += [self.signature_for(stage.task_name, tuple(b)) for b in batches(keys, size)]
        return messages
