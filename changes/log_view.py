"""What the change log prints of a record, importable without SQLAlchemy.

``changes list`` prints the same rows whether they were read through the ORM
(:func:`zonewatch.changes.queries.list_changes`) or through the compiled statements of
:mod:`zonewatch.changes.fast_read`; both build a :class:`ChangeView`, and the JSON and the
table are made from it alone, so the two paths cannot print differently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from zonewatch.enums import ChangeKind, ReviewStatus
from zonewatch.errors import NotFoundError
from zonewatch.timefmt import KST, iso_local

CHANGE_KINDS = tuple(kind.value for kind in ChangeKind)
"""Plain strings, for choices and messages (click shows an enum choice by its member name)."""
REVIEW_STATUSES = tuple(status.value for status in ReviewStatus)
VERDICTS = tuple(status.value for status in ReviewStatus if status is not ReviewStatus.NEW)


class ListShape(StrEnum):
    """The pages of ``changes list`` that :mod:`zonewatch.changes.fast_read` reads from compiled
    SQL (the newest records, under no filter or under one source or one topic); any other
    request is read through the ORM."""

    LATEST = "latest"
    SOURCE = "source"
    TOPIC = "topic"


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
