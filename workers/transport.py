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

from kombu.transport import redis, sqlalchemy
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
    def restore_unacked(self, client: object = None) -> None:
        try:
            super().restore_unacked(client)
        except AttributeError as error:
            log.warning(
                "could not give %d unacknowledged task(s) back to Redis (%s); they stay in "
                "its unacked set and are redelivered after the visibility timeout",
                len(self._delivered),
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
