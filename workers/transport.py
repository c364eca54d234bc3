"""Broker transports: kombu's own, with two adjustments for how zonewatch runs them.

* Embedded: the SQLAlchemy transport passes every transport option on to ``create_engine``,
  so its polling interval (one second by default, the floor of every task's latency) is set
  on a subclass; and two workers starting at once must not both fail to create a queue.
* Redis: when Redis goes away with a task in flight, kombu 5.7 closes the channel and tries
  to give the unacknowledged messages back over a connection that no longer exists; the
  AttributeError that follows stops the whole worker. The messages are safe in Redis's
  ``unacked`` hash (AOF on) and come back after the visibility timeout, so the failed
  give-back is logged and the worker reconnects instead.
"""

from __future__ import annotations

import logging

from kombu.transport import redis, sqlalchemy, virtual
from sqlalchemy.exc import IntegrityError

SQLA_PREFIX = "sqla+"
REDIS_SCHEMES = ("redis://", "rediss://")

log = logging.getLogger(__name__)


class _EmbeddedChannel(sqlalchemy.Channel):
    def _get_or_create(self, queue: str) -> object:
        """Two workers starting together may both create a queue row; the loser reads the
        winner's row instead of stopping on the unique constraint."""
        try:
            return super()._get_or_create(queue)
        except IntegrityError:
            self.session.rollback()
            return self.session.query(self.queue_cls).filter(self.queue_cls.name == queue).one()


class EmbeddedTransport(sqlalchemy.Transport):
    Channel = _EmbeddedChannel
    polling_interval = 0.1


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


def transport_for(broker_url: str) -> tuple[str, type | None]:
    """The URL to give kombu and the transport class to use with it (None: kombu's own)."""
    if broker_url.startswith(SQLA_PREFIX):
        return broker_url.removeprefix(SQLA_PREFIX), EmbeddedTransport
    if broker_url.startswith(REDIS_SCHEMES):
        return broker_url, RedisTransport
    return broker_url, None
