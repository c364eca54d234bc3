"""Daily and weekly digests: what is new for a subscriber since their last digest, in one mail.

A digest is written first (its deliveries attached to it, in one transaction), then sent, then
marked sent; a sender that dies in between sends the same digest again with the same
Message-ID. Deliveries attached to a digest are never sent on their own, so a subscriber never
gets the same change twice.

A digest lists each document once: the events of one release in the period (it came out, then
was edited, then corrected) are one item that shows its latest state and all its records.
Model changes have no document and stay items of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.alerts.content import AlertItem, load_event
from zonewatch.alerts.email import digest_message
from zonewatch.alerts.events import document_records
from zonewatch.alerts.sender import classify_smtp_error, smtp_connection
from zonewatch.alerts.subscribers import lookup_email
from zonewatch.alerts.tokens import preferences_link, unsubscribe_url
from zonewatch.app import App
from zonewatch.changes.events import EventKey, EventKind
from zonewatch.errors import NotFoundError
from zonewatch.models import AlertDelivery, ChangeRecord, Digest, Subscriber, Subscription
from zonewatch.models.base import utcnow
from zonewatch.models.enums import DeliveryStatus, DigestPeriod, DigestStatus, SubscriberStatus

PERIODS = ("daily", "weekly")
WEEKLY_DAY = 0  # Monday, in the subscriber's timezone


@dataclass(frozen=True)
class DigestReport:
    built: int
    sent: int
    failed: int


def digest_message_id(digest_id: int) -> str:
    return f"<digest-{digest_id}@zonewatch>"


def pending_for(session: Session, subscriber_id: int, period: str) -> list[AlertDelivery]:
    return list(
        session.scalars(
            select(AlertDelivery)
            .where(
                AlertDelivery.subscriber_id == subscriber_id,
                AlertDelivery.delivery == period,
                AlertDelivery.digest_id.is_(None),
                AlertDelivery.status == DeliveryStatus.PENDING,
                AlertDelivery.channel == "email",
            )
            .order_by(AlertDelivery.id)
        )
    )


def is_due(
    subscriber: Subscriber, period: str, hour: int, now: dt.datetime, last: Digest | None
) -> bool:
    """At or after the subscriber's hour in their timezone, and not yet sent this day/week."""
    local = now.astimezone(ZoneInfo(subscriber.timezone))
    if local.hour < hour or (period == DigestPeriod.WEEKLY and local.weekday() != WEEKLY_DAY):
        return False
    if last is None:
        return True
    last_local = last.period_end.astimezone(ZoneInfo(subscriber.timezone))
    return last_local.date() < local.date()


def build_digest(
    session: Session, subscriber: Subscriber, period: str, now: dt.datetime
) -> Digest | None:
    """A digest of the subscriber's pending deliveries of this period, or None if none."""
    deliveries = pending_for(session, subscriber.id, period)
    if not deliveries:
        return None
    last_end = session.scalar(
        select(func.max(Digest.period_end)).where(
            Digest.subscriber_id == subscriber.id, Digest.period == period
        )
    )
    digest = Digest(
        subscriber_id=subscriber.id,
        period=period,
        period_start=last_end or min(d.created_at for d in deliveries),
        period_end=now,
    )
    session.add(digest)
    session.flush()
    digest.message_id = digest_message_id(digest.id)
    for delivery in deliveries:
        delivery.digest_id = digest.id
        delivery.status = DeliveryStatus.QUEUED
    session.flush()
    return digest


def render_digest(app: App, session: Session, digest: Digest) -> EmailMessage:
    subscriber = session.get(Subscriber, digest.subscriber_id)
    assert subscriber is not None
    deliveries = session.scalars(
        select(AlertDelivery).where(AlertDelivery.digest_id == digest.id).order_by(AlertDelivery.id)
    ).all()
    return _message(
        app,
        subscriber,
        digest_items(session, deliveries, subscriber),
        digest.period,
        digest.period_start,
        digest.period_end,
        digest.message_id or digest_message_id(digest.id),
    )


ItemKey = tuple[str, int | str]
"""What a digest item is about: ("document", id), or ("event", key) for a model change."""


def digest_items(
    session: Session, deliveries: Sequence[AlertDelivery], subscriber: Subscriber
) -> list[AlertItem]:
    """One item per document, in the order its first delivery came; an item shows the newest
    event's lead first, and says why after the subscription of its newest delivery. Events
    with nothing left to alert (all marked noise since) are left out."""
    groups: dict[ItemKey, list[AlertDelivery]] = {}
    for delivery in deliveries:
        groups.setdefault(_item_key(session, delivery), []).append(delivery)
    items = []
    for members in groups.values():
        keys = list(dict.fromkeys(delivery.event_key for delivery in members))
        records = document_records(session, keys)
        if not records:
            continue
        newest = max(members, key=lambda delivery: delivery.id)
        subscription = (
            session.get(Subscription, newest.subscription_id) if newest.subscription_id else None
        )
        items.append(load_event(session, records, subscriber, subscription))
    return items


def _item_key(session: Session, delivery: AlertDelivery) -> ItemKey:
    kind = EventKey.parse(delivery.event_key).kind
    lead = session.get(ChangeRecord, delivery.change_id)
    if kind is EventKind.MODEL or lead is None or lead.document_id is None:
        return ("event", delivery.event_key)
    return ("document", lead.document_id)


def _message(
    app: App,
    subscriber: Subscriber,
    items: list[AlertItem],
    period: str,
    start: dt.datetime,
    end: dt.datetime,
    message_id: str,
) -> EmailMessage:
    settings = app.settings
    return digest_message(
        items,
        subscriber,
        period=period,
        period_start=start,
        period_end=end,
        message_id=message_id,
        unsubscribe_url=unsubscribe_url(
            settings.public_url, settings.signing_key, subscriber.id, subscriber.token_key
        ),
        preferences_url=preferences_link(settings, subscriber),
        mail_from=settings.mail_from,
    )


def preview(app: App, subscriber_key: str, period: str) -> EmailMessage | None:
    """The digest the subscriber would get now, built and rendered but not recorded."""
    with app.session() as session:
        subscriber = find_subscriber(session, subscriber_key)
        deliveries = pending_for(session, subscriber.id, period)
        if not deliveries:
            return None
        items = digest_items(session, deliveries, subscriber)
        start = min(d.created_at for d in deliveries)
        message = _message(app, subscriber, items, period, start, utcnow(), "<preview@zonewatch>")
        session.rollback()
        return message


def find_subscriber(session: Session, key: str) -> Subscriber:
    """A subscriber by e-mail address or id; NotFoundError names what was asked for."""
    query = select(Subscriber).where(func.lower(Subscriber.email) == lookup_email(key))
    if key.isdigit():
        query = select(Subscriber).where(Subscriber.id == int(key))
    subscriber = session.scalars(query).first()
    if subscriber is None:
        raise NotFoundError(f"unknown subscriber {key!r} (see `zonewatch subscribers list`)")
    return subscriber


def dispatch_digests(
    app: App, period: str, now: dt.datetime | None = None, force: bool = False
) -> DigestReport:
    """Build the digests that are due (all with pending items when ``force``) and send every
    digest not yet sent, including ones a dead sender left behind."""
    now = now or utcnow()
    built = 0
    with app.session() as session:
        for subscriber in _subscribers_with_pending(session, period):
            hour = _hour(session, subscriber.id, period)
            last = _last_digest(session, subscriber.id, period)
            if force or is_due(subscriber, period, hour, now, last):
                built += build_digest(session, subscriber, period, now) is not None
    sent, failed = send_unsent(app, period)
    return DigestReport(built, sent, failed)


def _subscribers_with_pending(session: Session, period: str) -> list[Subscriber]:
    waiting = (
        select(AlertDelivery.subscriber_id)
        .where(
            AlertDelivery.delivery == period,
            AlertDelivery.digest_id.is_(None),
            AlertDelivery.status == DeliveryStatus.PENDING,
        )
        .distinct()
    )
    return list(
        session.scalars(
            select(Subscriber)
            .where(Subscriber.id.in_(waiting), Subscriber.status == SubscriberStatus.ACTIVE)
            .order_by(Subscriber.id)
        )
    )


def _hour(session: Session, subscriber_id: int, period: str) -> int:
    hour = session.scalar(
        select(func.min(Subscription.hour)).where(
            Subscription.subscriber_id == subscriber_id,
            Subscription.delivery == period,
            Subscription.active.is_(True),
        )
    )
    return int(hour if hour is not None else 8)


def _last_digest(session: Session, subscriber_id: int, period: str) -> Digest | None:
    return session.scalars(
        select(Digest)
        .where(Digest.subscriber_id == subscriber_id, Digest.period == period)
        .order_by(Digest.period_end.desc())
        .limit(1)
    ).first()


def send_unsent(app: App, period: str | None = None) -> tuple[int, int]:
    """Send every built digest not yet sent, over one connection; (sent, failed)."""
    with app.session() as session:
        query = select(Digest.id).where(Digest.status == DigestStatus.PENDING).order_by(Digest.id)
        if period:
            query = query.where(Digest.period == period)
        digest_ids = list(session.scalars(query))
    if not digest_ids:
        return 0, 0
    sent = failed = 0
    with smtp_connection(app.settings) as smtp:
        for digest_id in digest_ids:
            with app.session() as session:
                digest = session.get(Digest, digest_id)
                assert digest is not None
                message = render_digest(app, session, digest)
            try:
                smtp.send_message(message)
            except Exception as error:
                if classify_smtp_error(error) == "temporary":
                    raise
                _mark(app, digest_id, DigestStatus.FAILED, str(error))
                failed += 1
                continue
            _mark(app, digest_id, DigestStatus.SENT, None)
            sent += 1
    return sent, failed


def _mark(app: App, digest_id: int, status: DigestStatus, error: str | None) -> None:
    with app.session() as session:
        digest = session.get(Digest, digest_id)
        assert digest is not None
        digest.status = status
        now = utcnow()
        if status == DigestStatus.SENT:
            digest.sent_at = now
        for delivery in session.scalars(
            select(AlertDelivery).where(AlertDelivery.digest_id == digest_id)
        ):
            delivery.status = DeliveryStatus(status.value)
            delivery.sent_at = now if status == DigestStatus.SENT else None
            delivery.last_error = error[:1000] if error else None
