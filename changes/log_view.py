"""What the change log prints of a record, importable without SQLAlchemy.

``changes list`` prints the same rows whether they were read through the ORM
(:func:`zonewatch.changes.queries.list_changes`) or through the compiled statements of
:mod:`zonewatch.changes.fast_read`; both build a :class:`ChangeView`, and the JSON and the
table are made from it alone, so the two paths cannot print differently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from zonewatch.entry_diff import PAST_TENSE, describe_entry_diff
from zonewatch.enums import ChangeKind, ReviewStatus
from zonewatch.errors import NotFoundError
from zonewatch.timefmt import KST, iso_local
from zonewatch.urls import canonical_url

ENTITY_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
"""What an entity id looks like (``zonewatch.config.zones.ENTITY_ID_PATTERN``): a name typed
in this form that is an entity's id names that entity, whatever other names there are
(``zonewatch.models.names``: an id is the most specific match)."""
CHANGE_KINDS = tuple(kind.value for kind in ChangeKind)
"""Plain strings, for choices and messages (click shows an enum choice by its member name)."""
REVIEW_STATUSES = tuple(status.value for status in ReviewStatus)
VERDICTS = tuple(status.value for status in ReviewStatus if status is not ReviewStatus.NEW)


def document_address(url: str | None) -> str | None:
    """A document's address as the log shows it, made canonical here as well as at ingest:
    documents stored before links were cleaned may still carry a session id until their next
    fetch."""
    return canonical_url(url) if url is not None else None


class ListShape(StrEnum):
    """The pages of ``changes list`` that :mod:`zonewatch.changes.fast_read` reads from compiled
    SQL (the newest records, under no filter or under one source or one topic); any other
    request is read through the ORM."""

    LATEST = "latest"
    SOURCE = "source"
    TOPIC = "topic"


@dataclass(frozen=True)
class ListRequest:
    """One page of ``changes list`` in a shape the compiled SQL covers."""

    shape: ListShape
    limit: int
    source_id: str | None = None
    topic_id: str | None = None

    def values(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "offset": 0,
            "source_id": self.source_id,
            "topic_id": self.topic_id,
        }


def unknown_source(source_id: str) -> NotFoundError:
    return NotFoundError(f"unknown source {source_id!r} (see `zonewatch sources list`)")


def unknown_topic(topic_id: str) -> NotFoundError:
    return NotFoundError(f"unknown topic {topic_id!r}")


class BaselineFilter(StrEnum):
    """Which records of a source's first crawl (releases already published when monitoring
    began) a list shows: all of them, marked (the default), none, or only those."""

    SHOW = "show"
    HIDE = "hide"
    ONLY = "only"


class EventType(StrEnum):
    """What a line of an entity's timeline is: a change record, or a model change."""

    CHANGE = "change"
    MODEL = "model"


class ReleaseOrigin(StrEnum):
    """Where a record's release date comes from."""

    RECORD = "record"
    DOCUMENT = "document"
    """Records made before release dates were stored carry none: their document's is used."""


@dataclass(frozen=True)
class Release:
    """When the publisher released what a record is about; ``at`` None when nobody said."""

    at: dt.datetime | None
    origin: ReleaseOrigin | None

    @classmethod
    def of(cls, record: dt.datetime | None, document: dt.datetime | None) -> Release:
        """The record's own release date, else its document's, else none (never the
        detection time: that is shown beside it, under its own name)."""
        if record is not None:
            return cls(record, ReleaseOrigin.RECORD)
        if document is not None:
            return cls(document, ReleaseOrigin.DOCUMENT)
        return cls(None, None)


@dataclass(frozen=True)
class ChangeView:
    """Every field of a record the change log shows, with its document's canonical address
    and release date, and its sorted entity and topic ids."""

    id: int
    kind: ChangeKind
    baseline: bool
    release: Release
    detected_at: dt.datetime
    created_at: dt.datetime
    title: str
    url: str | None
    summary: str | None
    significance: float
    signals: dict[str, Any]
    minor: bool
    source_id: str | None
    document_id: int | None
    old_version_id: int | None
    new_version_id: int | None
    entity_change_id: int | None
    related_change_id: int | None
    event_key: str | None
    dedupe_key: str
    review_status: ReviewStatus
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str | None
    entities: tuple[str, ...]
    topics: tuple[str, ...]
    diff: dict[str, Any]

    @classmethod
    def of(
        cls,
        record: Mapping[str, Any],
        url: str | None,
        release: Release,
        entities: tuple[str, ...],
        topics: tuple[str, ...],
    ) -> ChangeView:
        """A record's stored columns, by name (as the ORM or a compiled statement reads
        them), with its document's address and its release and links."""
        return cls(
            id=record["id"],
            kind=ChangeKind(record["kind"]),
            baseline=record["baseline"],
            release=release,
            detected_at=record["occurred_at"],
            created_at=record["created_at"],
            title=record["title"],
            url=document_address(url),
            summary=record["summary"],
            significance=record["significance"],
            signals=record["signals"],
            minor=record["minor"],
            source_id=record["source_id"],
            document_id=record["document_id"],
            old_version_id=record["old_version_id"],
            new_version_id=record["new_version_id"],
            entity_change_id=record["entity_change_id"],
            related_change_id=record["related_change_id"],
            event_key=record["event_key"],
            dedupe_key=record["dedupe_key"],
            review_status=ReviewStatus(record["review_status"]),
            reviewed_by=record["reviewed_by"],
            reviewed_at=record["reviewed_at"],
            review_note=record["review_note"],
            entities=entities,
            topics=topics,
            diff=record["diff"],
        )

    def as_json(self, tz: ZoneInfo = KST) -> dict[str, Any]:
        """Every field as JSON-ready data, times in ``tz`` with their offset."""
        return {
            "id": self.id,
            "kind": self.kind,
            "baseline": self.baseline,
            "released_at": iso_local(self.release.at, tz),
            "release_date_from": self.release.origin,
            "detected_at": iso_local(self.detected_at, tz),
            "created_at": iso_local(self.created_at, tz),
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "significance": self.significance,
            "signals": self.signals,
            "minor": self.minor,
            "source_id": self.source_id,
            "document_id": self.document_id,
            "old_version_id": self.old_version_id,
            "new_version_id": self.new_version_id,
            "entity_change_id": self.entity_change_id,
            "related_change_id": self.related_change_id,
            "event_key": self.event_key,
            "dedupe_key": self.dedupe_key,
            "review_status": self.review_status,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": iso_local(self.reviewed_at, tz),
            "review_note": self.review_note,
            "entities": list(self.entities),
            "topics": list(self.topics),
            "diff": self.diff,
        }


def day_text(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class TimelineEvent:
    """One line of an entity's timeline: a change record, or a model change that has none.

    ``status`` is a record's review status or a model change's decision. Model changes have
    no release date: they sit at their detection (application) time.
    """

    type: EventType
    id: int
    kind: str
    title: str
    status: str
    released_at: dt.datetime | None
    detected_at: dt.datetime
    entities: tuple[str, ...]
    baseline: bool = False
    significance: float | None = None
    source_id: str | None = None
    entity_change_id: int | None = None
    origin: str | None = None
    effective_on: dt.date | None = None
    decided_by: str | None = None

    @property
    def placed_at(self) -> dt.datetime:
        return self.released_at or self.detected_at

    def as_json(self, tz: ZoneInfo = KST) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "released_at": iso_local(self.released_at, tz),
            "detected_at": iso_local(self.detected_at, tz),
            "baseline": self.baseline,
            "entities": list(self.entities),
            "significance": self.significance,
            "source_id": self.source_id,
            "entity_change_id": self.entity_change_id,
            "origin": self.origin,
            "effective_on": day_text(self.effective_on),
            "decided_by": self.decided_by,
        }


def sorted_links(rows: Iterable[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """The entity ids of each record, from (record, entity) rows in entity order."""
    found: dict[int, list[str]] = {}
    for change_id, entity_id in rows:
        found.setdefault(change_id, []).append(entity_id)
    return {change_id: tuple(ids) for change_id, ids in found.items()}


def record_event(row: Mapping[Any, Any], entities: Mapping[int, tuple[str, ...]]) -> TimelineEvent:
    """A timeline line from a record's row (``zonewatch.changes.queries.TIMELINE_COLUMNS``)."""
    return TimelineEvent(
        type=EventType.CHANGE,
        id=row["id"],
        kind=row["kind"],
        title=row["title"],
        status=row["review_status"],
        released_at=Release.of(row["released_at"], row["published_at"]).at,
        detected_at=row["occurred_at"],
        entities=entities.get(row["id"], ()),
        baseline=row["baseline"],
        significance=row["significance"],
        source_id=row["source_id"],
        entity_change_id=row["entity_change_id"],
    )


def _model_title(row: Mapping[Any, Any]) -> str:
    before, after, action = row["before"], row["after"], row["action"]
    described = describe_entry_diff(before, after)
    if before is None or after is None:
        return f"{row['entity_id']} {described}"
    return f"{row['entity_id']} {PAST_TENSE.get(action, action)}: {described}"


def model_event(row: Mapping[Any, Any]) -> TimelineEvent:
    """A timeline line from a model change's row
    (``zonewatch.changes.queries.MODEL_CHANGE_COLUMNS``)."""
    return TimelineEvent(
        type=EventType.MODEL,
        id=row["id"],
        kind=f"model_{row['action']}",
        title=_model_title(row),
        status=row["status"],
        released_at=None,
        detected_at=row["created_at"],
        entities=(row["entity_id"],),
        origin=row["origin"],
        effective_on=row["effective_on"],
        decided_by=row["decided_by"],
    )


def merged_timeline(
    records: list[TimelineEvent], model_changes: list[TimelineEvent], limit: int
) -> list[TimelineEvent]:
    """The newest ``limit`` lines, oldest first; a model change that already has a record
    (an applied zones.yaml edit) appears once, as the record."""
    shown = {event.entity_change_id for event in records}
    events = records + [event for event in model_changes if event.id not in shown]
    oldest_first = sorted(
        events, key=lambda event: (event.placed_at, event.type is EventType.CHANGE, event.id)
    )
    return oldest_first[-limit:]
