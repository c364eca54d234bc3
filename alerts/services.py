"""Match a change record against subscriptions and write the outbox rows, in one transaction.

A delivery is unique per subscriber, change and channel, with a deterministic Message-ID, so
matching twice (a retried task) writes nothing more.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zonewatch.models import AlertDelivery, ChangeRecord, DocumentVersion, Subscriber, Subscription
from zonewatch.models.queries import descendants


def message_id(change_id: int, subscriber_id: int, channel: str) -> str:
    digest = hashlib.sha256(channel.encode()).hexdigest()[:8]
    return f"<change-{change_id}.subscriber-{subscriber_id}.{digest}@zonewatch>"


def _matches(session: Session, subscription: Subscription, change: ChangeRecord) -> bool:
    if change.significance < subscription.min_significance:
        return False
    if subscription.change_kind and subscription.change_kind != change.kind:
        return False
    if subscription.source_id and subscription.source_id != change.source_id:
        return False
    if subscription.topic_id and subscription.topic_id not in {t.topic_id for t in change.topics}:
        return False
    if subscription.entity_id:
        wanted = {subscription.entity_id, *descendants(session, subscription.entity_id)}
        if not wanted & {link.entity_id for link in change.entities}:
            return False
    version = session.get(DocumentVersion, change.new_version_id or change.old_version_id or -1)
    if subscription.language and (version is None or version.language != subscription.language):
        return False
    if subscription.keyword:
        haystack = f"{change.title}\n{version.text if version else ''}".lower()
        if subscription.keyword.lower() not in haystack:
            return False
    return True


def match_change(session: Session, change_id: int) -> list[int]:
    """Write an outbox row per matching subscriber and channel; returns immediate ones' ids."""
    change = session.get(ChangeRecord, change_id)
    if change is None or change.review_status == "noise":
        return []
    subscriptions = session.scalars(
        select(Subscription)
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(Subscription.active.is_(True), Subscriber.status == "active")
        .order_by(Subscription.id)
    )
    immediate = []
    for subscription in subscriptions:
        if not _matches(session, subscription, change):
            continue
        delivery = AlertDelivery(
            subscriber_id=subscription.subscriber_id,
            change_id=change.id,
            subscription_id=subscription.id,
            channel=subscription.channel,
            delivery=subscription.delivery,
            message_id=message_id(change.id, subscription.subscriber_id, subscription.channel),
        )
        try:
            with session.begin_nested():
                session.add(delivery)
        except IntegrityError:
            continue  # already matched (another subscription of the same subscriber, or a retry)
        if delivery.delivery == "immediate":
            immediate.append(delivery.id)
    return immediate
