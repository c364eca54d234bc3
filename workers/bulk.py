"""Send many tasks at once: one transaction on the embedded broker, one pipeline on Redis.

A crawl run that staged a thousand items, or a backfill, would otherwise pay one broker round
trip (on SQLite: one committed transaction) per message. kombu's ``Producer.batch()`` hands the
messages to the transport together: our embedded channel inserts them in one transaction, and
kombu's Redis channel in one pipeline. Other transports (``memory://`` in tests) send them one
by one through the same call.
"""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery


def publish_many(celery: Celery, task_name: str, arguments: Sequence[Sequence[object]]) -> int:
    """Send ``task_name`` once per entry of ``arguments`` (each the task's positional
    arguments), routed as :meth:`Celery.send_task` routes it; returns how many were sent.

    All or none on the embedded broker: a failure raises and leaves no message behind. Call it
    after the transaction that created the rows the tasks will fetch has committed. Messages
    are not retried one by one (``retry=False``): they leave together when the batch closes,
    and a failure there raises to the caller.
    """
    if not arguments:
        return 0
    with (
        celery.producer_or_acquire() as producer,
        producer.batch(max_size=len(arguments)),
    ):
        for args in arguments:
            celery.send_task(task_name, args=list(args), producer=producer, retry=False)
    return len(arguments)
