"""What an alert about one event shows: the event's alertable records, the lead one first.

Matching, the sender and digests all read an event through :func:`event_records`, so what a
subscriber is matched on is what their mail shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from zonewatch.changes.events import EventKey, EventKind, event_keys, lead_first
from zonewatch.models import ChangeRecord, EntityChange
from zonewatch.models.enums import ChangeKind, ReviewStatus

DECIDED = ("accepted", "applied")
"""Statuses of a model change that is true: accepted by an analyst, or applied from zones.yaml."""


def event_records(session: Session, event_key: str) -> list[ChangeRecord]:
    """The records of ``event_key`` that may alert someone, the lead record first; none for a
    proposal, a baseline or an event whose records are all minor or noise."""
    key = EventKey.parse(event_key)
    if not key.alertable:
        return []
    query = select(ChangeRecord).where(ChangeRecord.event_key == event_key)
    if key.kind is EventKind.CHANGE:
        # The record the key names, also when it was made while deliveries already named
        # events and records did not yet (its event_key is empty then).
        query = select(ChangeRecord).where(ChangeRecord.id == key.ids[0])
    return lead_first(alertable(session, session.scalars(query.order_by(ChangeRecord.id))))


def events_records(session: Session, event_keys: Sequence[str]) -> dict[str, list[ChangeRecord]]:
    """:func:`event_records` of several events, read in one query per chunk of keys instead
    of one per event (matching takes a batch of events at a time); every key has an entry."""
    parsed = {key: EventKey.parse(key) for key in event_keys}
    by_key = [
        key
        for key, event in parsed.items()
        if event.alertable and event.kind is not EventKind.CHANGE
    ]
    by_id = {event.ids[0]: key for key, event in parsed.items() if event.kind is EventKind.CHANGE}
    found: dict[str, list[ChangeRecord]] = {key: [] for key in parsed}
    for start in range(0, len(by_key), _CHUNK):
        chunk = by_key[start : start + _CHUNK]
        for record in session.scalars(records_of_events(chunk)):
            found[record.event_key or ""].append(record)
    ids = list(by_id)
    for start in range(0, len(ids), _CHUNK):
        id_chunk = ids[start : start + _CHUNK]
        for record in session.scalars(select(ChangeRecord).where(ChangeRecord.id.in_(id_chunk))):
            found[by_id[record.id]].append(record)
    return {key: lead_first(alertable(session, records)) for key, records in found.items()}


def records_of_events(event_keys: Sequence[str]) -> Select[tuple[ChangeRecord]]:
    """The records of several events: one range of ``ix_change_records_event`` each."""
    return select(ChangeRecord).where(ChangeRecord.event_key.in_(event_keys))


def alertable(session: Session, records: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    """Records news to subscribers: not minor, not marked noise, not a source's baseline, and
    for a model change, only once the change is decided (a proposal waits for an analyst,
    and a rejected one reaches nobody)."""
    return [
        record
        for record in records
        if not record.minor
        and record.review_status != ReviewStatus.NOISE
        and not record.baseline
        and _decided(session, record)
    ]


def _decided(session: Session, record: ChangeRecord) -> bool:
    if record.kind != ChangeKind.MODEL_CHANGE:
        return True
    change = session.get(EntityChange, record.entity_change_id or -1)
    return change is not None and change.status in DECIDED


def document_records(session: Session, event_keys: Sequence[str]) -> list[ChangeRecord]:
    """The alertable records of several events of one document (a digest's item): the newest
    event's records first (records are made in order), lead first within each, so the item
    leads with the latest state."""
    groups = [group for key in event_keys if (group := event_records(session, key))]
    groups.sort(key=lambda group: max(record.id for record in group), reverse=True)
    return [record for group in groups for record in group]


def events_to_match(session: Session, change_ids: Sequence[int]) -> list[str]:
    """The events of freshly built records that may alert someone, in order: one matching
    task each, and none for a baseline crawl's hundreds of releases."""
    records: list[ChangeRecord] = []
    for start in range(0, len(change_ids), _CHUNK):
        chunk = change_ids[start : start + _CHUNK]
        records += session.scalars(select(ChangeRecord).where(ChangeRecord.id.in_(chunk)))
    records.sort(key=lambda record: record.id)
    keys = event_keys(alertable(session, records))
    return [key for key in keys if EventKey.parse(key).alertable]


_CHUNK = 500
"""Ids per query: a long pipeline run must not hit the database's limit on parameters."""
