"""Subscribers, their subscriptions, and the delivery outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import lru_cache

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import text as sa_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zonewatch.models.base import Base, Timestamped, utcnow
from zonewatch.models.enums import (
    ChangeKind,
    DeliveryMode,
    DeliveryStatus,
    DigestPeriod,
    DigestStatus,
    SubscriberStatus,
    stored,
)


def delivery_message_id(event_key: str, subscriber_id: int, channel: str) -> str:
    """The Message-ID of the delivery of one event to one subscriber on one channel. An
    event key's colons may not stand in a Message-ID, so its parts are joined with dots."""
    event = event_key.replace(":", ".")
    return f"<event.{event}.subscriber-{subscriber_id}.{_channel_part(channel)}@zonewatch>"


@lru_cache(maxsize=64)
def _channel_part(channel: str) -> str:
    return hashlib.sha256(channel.encode()).hexdigest()[:8]


def _token_key() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(Timestamped, Base):
    """Someone who gets alerts.

    ``token_key`` is random and made with the row: unsubscribe tokens name it as well as the
    id, because SQLite reuses a deleted row's id and an old link must not reach the new row.
    ``links_epoch`` is named by preferences links too: raising it revokes every preferences
    link sent so far (a forwarded mail) while old one-click unsubscribe links keep working.
    ``status``: active, paused (by the subscriber), suspended (bounces) or unsubscribed.
    """

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="ko")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Seoul")
    status: Mapped[SubscriberStatus] = mapped_column(
        stored(SubscriberStatus, "status"), default=SubscriberStatus.ACTIVE
    )
    hard_failures: Mapped[int] = mapped_column(default=0)
    token_key: Mapped[str] = mapped_column(String(64), default=_token_key)
    links_epoch: Mapped[int] = mapped_column(default=0, server_default=sa_text("0"))

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", order_by="Subscription.id"
    )


class Subscription(Timestamped, Base):
    """What a subscriber wants: every set criterion must match (AND); unset ones match all."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_entity", "entity_id"),
        Index("ix_subscriptions_topic", "topic_id"),
        Index("ix_subscriptions_source", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    topic_id: Mapped[str | None] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    keyword: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    change_kind: Mapped[ChangeKind | None] = mapped_column(stored(ChangeKind, "change_kind", 32))
    min_significance: Mapped[float] = mapped_column(default=0.0)
    delivery: Mapped[DeliveryMode] = mapped_column(
        stored(DeliveryMode, "delivery"), default=DeliveryMode.IMMEDIATE
    )
    hour: Mapped[int] = mapped_column(default=8)
    channel: Mapped[str] = mapped_column(String(500), default="email")
    active: Mapped[bool] = mapped_column(default=True)

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")


class Digest(Base):
    """One digest mail: which period it covers for which subscriber."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("subscriber_id", "period", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    period: Mapped[DigestPeriod] = mapped_column(stored(DigestPeriod, "period"))
    period_start: Mapped[dt.datetime]
    period_end: Mapped[dt.datetime]
    status: Mapped[DigestStatus] = mapped_column(
        stored(DigestStatus, "status"), default=DigestStatus.PENDING
    )
    message_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class AlertDelivery(Base):
    """The outbox: one row per subscriber, document event and channel, written with the match.

    ``change_id`` is the event's lead record; the mail shows every record of ``event_key``.
    The unique key leads with the event, so one index both keeps the outbox exactly-once and
    serves matching's lookup of an event's deliveries; a subscriber's own rows (digests,
    pausing, the console) go through the narrow ``ix_alert_deliveries_subscriber``. The
    wide key columns were indexed twice before, a fifth of the outbox's bytes.

    The Message-ID is not stored: it is a function of the unique key (:attr:`message_id`),
    and as a column it was a third of every row, on a table with a row per subscriber and
    event.
    """

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", "subscriber_id", "channel"),
        Index("ix_alert_deliveries_change", "change_id"),
        Index("ix_alert_deliveries_subscriber", "subscriber_id"),
        Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id", ondelete="CASCADE"))
    change_id: Mapped[int] = mapped_column(ForeignKey("change_records.id", ondelete="CASCADE"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="SET NULL")
    )
    event_key: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(500))
    delivery: Mapped[DeliveryMode] = mapped_column(stored(DeliveryMode, "delivery"))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("digests.id", ondelete="SET NULL"))
    status: Mapped[DeliveryStatus] = mapped_column(
        stored(DeliveryStatus, "status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    @property
    def message_id(self) -> str:
        """The same for every send of this delivery, so a receiver can drop a repeat."""
        return delivery_message_id(self.event_key, self.subscriber_id, self.channel)
