"""Match a document event against subscriptions and write the outbox rows, in one transaction.

A subscriber hears of an event once per channel, however many records it made (an edit, the
figures it moved, the files it replaced): every alertable record of the event is matched
through the per-process :class:`~zonewatch.alerts.matching.SubscriptionIndex`, and the rules
it matched are narrowed to one per subscriber and channel. The delivery points at the event's
lead record and names the event; the mail shows all of its records when it is rendered.

A delivery is unique per subscriber, event and channel, with a Message-ID derived from that
key, so matching again (a retried task) writes nothing more: the rows of a batch of events
go in one ``INSERT ... ON CONFLICT DO NOTHING`` and that unique key skips the ones written
before, without a read of the outbox or a savepoint per row. A record that joins an event
later (an analyst un-marks noise, a repeated build) changes nothing for subscribers who have
a delivery of it already: one still waiting shows the record when it is sent, one already
sent is not sent again. The record is in the change log; a second mail about the same event
would be the noise this design removes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from zonewatch.alerts.events import events_records
from zonewatch.alerts.matching import ChangeFacts, Rule, choose_deliveries, index_for
from zonewatch.models import AlertDelivery, ChangeEntity, ChangeRecord, ChangeTopic, DocumentVersion
from zonewatch.models.bulk import insert_new
from zonewatch.models.enums import DeliveryMode

Matched = Sequence[tuple[ChangeRecord, list[Rule]]]


def change_facts(session: Session, change: ChangeRecord) -> ChangeFacts:
    """The change as matching sees it; language and text come from its newest version."""
    return facts_of(session, [change])[change.id]


def facts_of(session: Session, changes: Sequence[ChangeRecord]) -> dict[int, ChangeFacts]:
    """The changes as matching sees them, by id, read in three queries for the whole batch
    (versions, entity links, topic links) rather than three per record: on PostgreSQL those
    round trips were most of matching's time."""
    ids = [change.id for change in changes]
    version_ids = {_version_of(change) for change in changes} - {None}
    versions = {
        row.id: row
        for row in session.execute(
            select(DocumentVersion.id, DocumentVersion.language, DocumentVersion.text).where(
                DocumentVersion.id.in_(version_ids)
            )
        )
    }
    entities = _links(session, ChangeEntity.change_id, ChangeEntity.entity_id, ids)
    topics = _links(session, ChangeTopic.change_id, ChangeTopic.topic_id, ids)
    facts: dict[int, ChangeFacts] = {}
    for change in changes:
        version = versions.get(_version_of(change) or -1)
        facts[change.id] = ChangeFacts(
            id=change.id,
            kind=change.kind,
            significance=change.significance,
            source_id=change.source_id,
            entity_ids=frozenset(entities.get(change.id, ())),
            topic_ids=frozenset(topics.get(change.id, ())),
            language=version.language if version else None,
            haystack=f"{change.title}\n{version.text if version else ''}",
            minor=change.minor,
            review_status=change.review_status,
            baseline=change.baseline,
        )
    return facts


def _version_of(change: ChangeRecord) -> int | None:
    return change.new_version_id or change.old_version_id


def _links(
    session: Session,
    owner: InstrumentedAttribute[int],
    value: InstrumentedAttribute[str],
    ids: list[int],
) -> dict[int, list[str]]:
    links: dict[int, list[str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for change_id, label in session.execute(select(owner, value).where(owner.in_(chunk))):
            links.setdefault(change_id, []).append(label)
    return links


CHUNK = 1000
"""Ids per IN list: a batch's records, well under either database's parameter limit."""


def match_event(session: Session, event_key: str) -> list[int]:
    """Write one outbox row per matching subscriber and channel for the event; returns the
    ids of the new immediate ones (none when it was matched before)."""
    return match_events(session, [event_key]).get(event_key, [])


def match_events(session: Session, event_keys: Sequence[str]) -> dict[str, list[int]]:
    """Match a batch of events against the subscription index (loaded once) and write all
    their outbox rows in bulk; returns each event's new immediate deliveries, in id order
    (every event of the batch has an entry, empty when nothing new was written).

    The unique key (subscriber, event, channel) decides what is new: rows an earlier or a
    concurrent match wrote are skipped by the insert itself, so no delivery is read first.
    """
    rows: list[dict[str, object]] = []
    immediate: dict[str, list[int]] = {key: [] for key in event_keys}
    events = {
        key: records for key, records in events_records(session, event_keys).items() if records
    }
    if not events:
        return immediate
    index = index_for(session)
    facts = facts_of(session, [record for records in events.values() for record in records])
    for event_key, records in events.items():
        matched = [(record, index.match(facts[record.id])) for record in records]
        chosen = choose_deliveries(rule for _, rules in matched for rule in rules)
        best = _best_rules(matched)
        rows += [
            outbox_row(event_key, records[0].id, best.get(_rule_key(choice), choice))
            for choice in chosen
        ]
    if not rows:
        return immediate
    for delivery_id, event_key in sorted(_new_immediate(session, rows)):
        immediate[event_key].append(delivery_id)
    return immediate


def _new_immediate(session: Session, rows: list[dict[str, object]]) -> list[tuple[int, str]]:
    """Write the rows; (id, event) of the new immediate ones. The database says which are
    immediate with a flag, so the mode of tens of thousands of rows is not read back and
    converted to an enum one by one."""
    immediate = (AlertDelivery.delivery == DeliveryMode.IMMEDIATE).label("immediate")
    returning = (AlertDelivery.id, AlertDelivery.event_key, immediate)
    written = insert_new(session, AlertDelivery, rows, returning)
    return [(row.id, row.event_key) for row in written if row.immediate]


RuleKey = tuple[int, str, str]


def _best_rules(matched: Matched) -> dict[RuleKey, Rule]:
    """The subscription each mail says it was sent for, per (subscriber, channel, mode): of
    the subscriber's rules in that mode and channel, the first that matched the highest
    record (lead first), lowest id on ties; the reader is told why about what the mail opens
    with. One pass over the matches, since an event can match thousands of rules."""
    best: dict[RuleKey, Rule] = {}
    for _, rules in matched:
        lowest: dict[RuleKey, Rule] = {}
        for rule in rules:
            key = _rule_key(rule)
            if key not in lowest or rule.id < lowest[key].id:
                lowest[key] = rule
        for key, rule in lowest.items():
            best.setdefault(key, rule)
    return best


def _rule_key(rule: Rule) -> RuleKey:
    return (rule.subscriber_id, rule.channel, rule.delivery)


def outbox_row(event_key: str, lead_id: int, rule: Rule) -> dict[str, object]:
    """One outbox row as the bulk insert takes it (status, attempts and time are the
    columns' defaults, which a multi-row insert applies per row)."""
    return {
        "subscriber_id": rule.subscriber_id,
        "change_id": lead_id,
        "subscription_id": rule.id,
        "event_key": event_key,
        "channel": rule.channel,
        "delivery": rule.delivery,
    }
