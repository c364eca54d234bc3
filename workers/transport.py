"""Broker transports: our own embedded one, and kombu's Redis transport with one adjustment.

* Embedded (``sqla+sqlite:///`` or ``sqla+postgresql://``): kombu's SQLAlchemy transport hands
  out one message per poll and keeps every consumed row, and a message taken by a worker that
  is then killed is never seen again. Ours (:class:`EmbeddedTransport`, on the table of
  :mod:`zonewatch.workers.broker_store`) claims up to the prefetch window per poll, deletes a
  message when it is acknowledged (in batches, in the next claim's transaction), gives back
  what a stopping worker still holds, and lets the claims of a worker that died lapse after
  the visibility timeout. A message delivered ``max_deliveries`` times without an
  acknowledgement becomes a dead letter. It polls again at once after a poll that found
  work, backs off to the polling interval only while idle, and wakes when an
  acknowledgement frees a slot.
* Redis: when Redis goes away with a task in flight, kombu 5.7 closes the channel and tries
  to give the unacknowledged messages back over a connection that no longer exists; the
  AttributeError that follows stops the whole worker. The messages are safe in Redis's
  ``unacked`` hash (AOF on) and come back after the visibility timeout, so the failed
  give-back is logged and the worker reconnects instead.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from queue import Empty
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, redis, virtual
from sqlalchemy.exc import OperationalError

from zonewatch.workers.broker_store import (
    DEFAULT_MAX_DELIVERIES,
    ClaimedMessage,
    MessageStore,
    store_for,
)

SQLA_PREFIX = "sqla+"
REDIS_SCHEMES = ("redis://", "rediss://")

DEFAULT_CLAIM_TIMEOUT = 60.0
FETCH_LIMIT = 100
"""The most messages one poll claims when the consumer sets no prefetch window."""
ACK_BATCH = 100
"""Acknowledged rows deleted together; fewer wait for the next poll (at most one interval)."""
MIN_POLLING_INTERVAL = 0.002

log = logging.getLogger(__name__)


class _EmbeddedQoS(virtual.QoS):
    """Acknowledge = delete the row; give back = free the row where it is (kombu's virtual
    QoS would publish a copy instead, leaving the claimed original behind)."""

    channel: EmbeddedChannel

    def ack(self, delivery_tag: str) -> None:
        self.channel.finished([delivery_tag])
        super().ack(delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        if requeue:
            self.channel.give_back([delivery_tag])
        else:
            self.channel.finished([delivery_tag])
        self._quick_ack(delivery_tag)

    def restore_unacked(self) -> list[tuple[Exception, Any]]:
        self._flush()
        tags = list(self._delivered)
        self._delivered.clear()
        try:
            self.channel.give_back(tags, delivered=False)
        except OperationalError as error:
            log.warning(
                "could not give back %d task message(s) (%s); they are delivered again once "
                "their claim lapses",
                len(tags),
                error,
            )
        return []


class _EmbeddedPublishBatch:
    """``Producer.batch()`` on the embedded broker: messages gathered, then inserted in one
    transaction (all or none) when the batch flushes."""

    def __init__(self, channel: EmbeddedChannel, max_size: int) -> None:
        self.channel = channel
        self.max_size = max_size
        self.rows: list[tuple[str, str]] = []

    def publish(self, message: dict[str, Any], **kwargs: Any) -> None:
        self.channel.basic_publish(message, _publish_batch=self, **kwargs)
        if len(self.rows) >= self.max_size:
            self.flush()

    def add(self, queue: str, message: dict[str, Any]) -> None:
        self.rows.append((queue, json.dumps(message)))

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        self.channel.store.put_many(rows)

    def discard(self) -> None:
        self.rows = []

    def close(self) -> None:
        self.rows = []


class EmbeddedChannel(virtual.Channel):
    QoS = _EmbeddedQoS

    def __init__(self, connection: EmbeddedTransport, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        client: Any = connection.client
        options = client.transport_options
        self.visibility_timeout = float(options.get("visibility_timeout", DEFAULT_CLAIM_TIMEOUT))
        self.max_deliveries = int(options.get("max_deliveries", DEFAULT_MAX_DELIVERIES))
        self.store: MessageStore = store_for(client.hostname)
        self.holder = uuid.uuid4().hex
        """Whose claims these are: giving back or renewing touches only this channel's."""
        self._rows: dict[str, int] = {}
        """Delivery tag -> row id of every message this channel holds and has not settled."""
        self._done: list[int] = []
        self._done_lock = threading.Lock()
        self._renewed_at = time.monotonic()

    # --- what kombu's virtual channel asks of a transport ---

    def _new_queue(self, queue: str, **kwargs: Any) -> None:
        """Queues are a column of the message table; nothing to create."""

    def _has_queue(self, queue: str, **kwargs: Any) -> bool:
        return True

    def _put(self, queue: str, message: dict[str, Any], **kwargs: Any) -> None:
        batch = kwargs.get("_publish_batch")
        if isinstance(batch, _EmbeddedPublishBatch):
            batch.add(queue, message)
            return
        self.store.put_many([(queue, json.dumps(message))])

    def _get(self, queue: str, timeout: float | None = None) -> dict[str, Any]:
        claimed = self._claim([queue], 1)
        if not claimed:
            raise Empty()
        return self._hold(claimed[0])

    def _get_many(self, queues: Iterable[str], timeout: float | None = None) -> None:
        """Claim up to the prefetch window in one transaction and deliver every message."""
        window = self.qos.can_consume_max_estimate()
        claimed = self._claim(list(dict.fromkeys(queues)), min(window or FETCH_LIMIT, FETCH_LIMIT))
        if not claimed:
            raise Empty()
        for message in claimed:
            self.connection._deliver(self._hold(message), message.queue)

    def _size(self, queue: str) -> int:
        return self.store.size(queue)

    def _purge(self, queue: str) -> int:
        return self.store.purge(queue)

    def _delete(self, queue: str, *args: Any, **kwargs: Any) -> None:
        self.store.purge(queue)

    def create_publish_batch(self, max_size: int) -> _EmbeddedPublishBatch:
        return _EmbeddedPublishBatch(self, max_size)

    def drain_events(self, timeout: float | None = None, callback: Any = None) -> Any:
        """Before each poll: renew this worker's claims when due, and delete acknowledged
        rows now if no claim follows (the prefetch window is full)."""
        self._renew_if_due()
        if not (self._consumers and self.qos.can_consume()):
            self._delete_finished()
        return super().drain_events(timeout=timeout, callback=callback)

    def close(self) -> None:
        """Give back what is held and delete what was acknowledged; a broker that cannot be
        reached now costs only a second run of those tasks, once their claims lapse."""
        self._delete_finished_or_log()
        super().close()
        self._delete_finished_or_log()

    # --- settling ---

    def finished(self, tags: Iterable[str]) -> None:
        """Acknowledged: the rows are deleted with the next claim, or at once when many wait."""
        rows = [row for row in (self._rows.pop(tag, None) for tag in tags) if row is not None]
        with self._done_lock:
            self._done.extend(rows)
            full = len(self._done) >= ACK_BATCH
        if full:
            self._delete_finished_or_log()
        self._wake_consumer()

    def give_back(self, tags: Iterable[str], *, delivered: bool = True) -> None:
        """Free the rows now. ``delivered``: the task ran (a reject with requeue, e.g. its
        pool process died), so the delivery counts towards ``max_deliveries``; a stopping
        worker's unstarted messages do not."""
        rows = [row for row in (self._rows.pop(tag, None) for tag in tags) if row is not None]
        self.store.release(rows, self.holder, delivered=delivered)
        self._wake_consumer()

    def _wake_consumer(self) -> None:
        transport = self.connection
        if transport is not None:
            transport.wake()

    def _take_finished(self) -> list[int]:
        with self._done_lock:
            done, self._done = self._done, []
        return done

    def _delete_finished(self) -> None:
        done = self._take_finished()
        try:
            self.store.delete(done)
        except BaseException:
            with self._done_lock:
                self._done.extend(done)
            raise

    def _delete_finished_or_log(self) -> None:
        """For callers that must not raise (an acknowledgement, a close): the rows stay
        queued for deletion by the next poll, or lapse and run again if there is none."""
        try:
            self._delete_finished()
        except OperationalError as error:
            log.warning("could not delete acknowledged task messages yet: %s", error)

    def _claim(self, queues: list[str], limit: int) -> list[ClaimedMessage]:
        done = self._take_finished()
        try:
            return self.store.claim(
                queues,
                limit,
                self.visibility_timeout,
                self.holder,
                finished=done,
                max_deliveries=self.max_deliveries,
            )
        except BaseException:
            with self._done_lock:
                self._done.extend(done)
            raise

    def _hold(self, message: ClaimedMessage) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(message.payload)
        self._rows[payload["properties"]["delivery_tag"]] = message.row_id
        return payload

    def _renew_if_due(self) -> None:
        """A live worker keeps its claims: a long task is never handed to a second worker."""
        now = time.monotonic()
        if now - self._renewed_at < self.visibility_timeout / 4:
            return
        self._renewed_at = now
        self.store.renew(self._rows.copy().values(), self.holder)


class EmbeddedTransport(virtual.Transport):
    Channel = EmbeddedChannel
    can_parse_url = True
    default_port = None
    driver_type = "sql"
    driver_name = "zonewatch-embedded"
    connection_errors = (OperationalError,)
    implements = virtual.Transport.implements.extend(batch_publish=True)
    polling_interval = 0.05
    """The longest wait between polls of an idle worker; busy workers poll back to back."""

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self._wakeup = threading.Event()
        self._idle_delay = MIN_POLLING_INTERVAL

    def wake(self) -> None:
        """A slot came free or a message was given back: poll now rather than after a sleep."""
        self._wakeup.set()

    def drain_events(self, connection: Any, timeout: Any = None, **kwargs: Any) -> None:
        """Deliver what one poll finds; while polls find nothing, wait twice as long each
        time, up to :attr:`polling_interval`, or until :meth:`wake`."""
        cycle: Any = self.cycle
        started = time.monotonic()
        while True:
            try:
                cycle.get(self._deliver, timeout=timeout)
            except Empty:
                waited = time.monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise TimeoutError() from None
                delay = self._idle_delay
                if timeout is not None:
                    delay = min(delay, timeout - waited)
                self._wakeup.wait(delay)
                self._wakeup.clear()
                self._idle_delay = min(self._idle_delay * 2, self.polling_interval)
            else:
                self._idle_delay = MIN_POLLING_INTERVAL
                return


class _RedisQoS(redis.QoS):
    """Acks, rejects and give-backs on a channel whose connection is gone are logged, not
    raised: kombu 5.7 raises AttributeError there, which stops the whole worker. The message
    stays in Redis's unacked set and comes back after the visibility timeout (tasks are
    idempotent, so running it again is harmless)."""

    def restore_unacked(self, client: object = None) -> None:
        try:
            super().restore_unacked(client)
        except AttributeError as error:
            _lost("give back", len(self._delivered), error)

    def ack(self, delivery_tag: object) -> None:
        try:
            super().ack(delivery_tag)
        except AttributeError as error:
            _lost("acknowledge", 1, error)
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: object, requeue: bool = False) -> None:
        try:
            super().reject(delivery_tag, requeue=requeue)
        except AttributeError as error:
            _lost("reject", 1, error)
            virtual.QoS.ack(self, delivery_tag)


def _lost(action: str, count: int, error: Exception) -> None:
    log.warning(
        "could not %s %d task message(s): the broker connection is gone (%s); they stay in "
        "Redis's unacked set and are delivered again after the visibility timeout",
        action,
        count,
        error,
    )


class _RedisChannel(redis.Channel):
    QoS = _RedisQoS


class RedisTransport(redis.Transport):
    Channel = _RedisChannel


EMBEDDED_ALIAS = "zonewatch-embedded"


def transport_for(broker_url: str) -> tuple[str, type | None]:
    """The URL to give kombu and the transport class to use with it (None: kombu's own).

    kombu reads ``scheme+rest://`` as "transport ``scheme``, URL ``rest://``", and only
    transports it knows by name may stand there, so ``sqla+postgresql+psycopg://`` with the
    ``sqla+`` merely removed would name a transport ``postgresql``. The embedded URL is given
    to kombu under our transport's registered name instead.
    """
    if broker_url.startswith(SQLA_PREFIX):
        register_embedded_transport()
        return f"{EMBEDDED_ALIAS}+{broker_url.removeprefix(SQLA_PREFIX)}", EmbeddedTransport
    if broker_url.startswith(REDIS_SCHEMES):
        return broker_url, RedisTransport
    return broker_url, None


def register_embedded_transport() -> None:
    """Make :data:`EMBEDDED_ALIAS` a transport name kombu resolves (idempotent)."""
    TRANSPORT_ALIASES.setdefault(EMBEDDED_ALIAS, f"{__name__}:EmbeddedTransport")
