"""Match a change record against subscriptions and write the outbox rows, in one transaction.

Candidates come from the per-process :class:`~zonewatch.alerts.matching.SubscriptionIndex`. A
delivery is unique per subscriber, change and channel, with a deterministic Message-ID, so
matching twice (a retried task) writes nothing more.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zonewatch.alerts.matching import ChangeFacts, Rule, choose_deliveries, index_for
from zonewatch.models import AlertDelivery, ChangeRecord, DocumentVersion


def message_id(change_id: int, subscriber_id: int, channel: str) -> str:
    digest = hashlib.sha256(channel.encode()).hexdigest()[:8]
    return f"<change-{change_id}.subscriber-{subscriber_id}.{digest}@zonewatch>"


def change_facts(session: Session, change: ChangeRecord) -> ChangeFacts:
    """The change as matching sees it; language and text come from its newest version."""
    version = session.get(DocumentVersion, change.new_version_id or change.old_version_id or -1)
    return ChangeFacts(
        id=change.id,
        kind=change.kind,
        significance=change.significance,
        source_id=change.source_id,
        entity_ids=frozenset(link.entity_id for link in change.entities),
        topic_ids=frozenset(link.topic_id for link in change.topics),
        language=version.language if version else None,
        haystack=f"{change.title}\n{version.text if version else ''}",
        minor=change.minor,
        review_status=change.review_status,
    )


def match_change(session: Session, change_id: int) -> list[int]:
    """Write an outbox row per matching subscriber and channel; returns immediate ones' ids."""
    change = session.get(ChangeRecord, change_id)
    if change is None or change.minor or change.review_status == "noise":
        return []
    rules = choose_deliveries(index_for(session).match(change_facts(session, change)))
    done = set(
        session.execute(
            select(AlertDelivery.subscriber_id, AlertDelivery.channel).where(
                AlertDelivery.change_id == change_id
            )
        ).tuples()
    )
    immediate = []
    for rule in rules:
        if (rule.subscriber_id, rule.channel) in done:
            continue
        delivery = _write(session, change_id, rule)
        if delivery is not None and delivery.delivery == "immediate":
            immediate.append(delivery.id)
    return immediate


def _write(session: Session, change_id: int, rule: Rule) -> AlertDelivery | None:
    """Add one outbox row; None when a concurrent match wrote it first."""
    delivery = AlertDelivery(
        subscriber_id=rule.subscriber_id,
        change_id=change_id,
        subscription_id=rule.id,
        event_key=f"change:{change_id}",
        channel=rule.channel,
        delivery=rule.delivery,
        message_id=message_id(change_id, rule.subscriber_id, rule.channel),
    )
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        return None
    return delivery
