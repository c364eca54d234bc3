"""The records a change page links to, and why: what it corrects or repeats, what corrects or
repeats it, the other records of its event, and the same release at other sources.

An analyst judging a change needs these side by side: a correction means little without the
release it corrects, and a release seen at three sites is one piece of news, not three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from zonewatch.changes.corrections import DOCUMENT_KINDS
from zonewatch.changes.queries import get_change
from zonewatch.models import ChangeRecord, Document

RELATED_LIMIT = 20
"""Per relation: a release corrected twenty times needs its own page, not a longer list."""


class Relation(StrEnum):
    """How another record relates to the one shown."""

    CORRECTS = "corrects"
    """The shown record is a correction of this one (or a later appearance of it)."""
    CORRECTED_BY = "corrected_by"
    """This record names the shown one as what it corrects or repeats."""
    SAME_EVENT = "same_event"
    """Made by the same document event (the figures and files of one edit)."""
    APPEARANCE = "appearance"
    """The same release published at another source."""


@dataclass(frozen=True)
class RelatedRecord:
    relation: Relation
    id: int
    kind: str
    title: str
    source_id: str | None
    detected_at: dt.datetime
    review_status: str


def _related(relation: Relation, record: ChangeRecord) -> RelatedRecord:
    return RelatedRecord(
        relation=relation,
        id=record.id,
        kind=record.kind,
        title=record.title,
        source_id=record.source_id,
        detected_at=record.occurred_at,
        review_status=record.review_status,
    )


def related_records(session: Session, change_id: int) -> list[RelatedRecord]:
    """Every related record of ``change_id``, each once, grouped by relation (in the order of
    :class:`Relation`), oldest first inside a group; NotFoundError for an unknown change."""
    record = get_change(session, change_id)
    found: list[RelatedRecord] = []
    seen = {record.id}

    def add(relation: Relation, records: list[ChangeRecord]) -> None:
        for other in records:
            if other.id not in seen:
                seen.add(other.id)
                found.append(_related(relation, other))

    if record.related_change_id is not None:
        target = session.get(ChangeRecord, record.related_change_id)
        add(Relation.CORRECTS, [target] if target is not None else [])
    add(
        Relation.CORRECTED_BY,
        _records(session, ChangeRecord.related_change_id == record.id),
    )
    if record.event_key is not None:
        add(Relation.SAME_EVENT, _records(session, ChangeRecord.event_key == record.event_key))
    add(Relation.APPEARANCE, _appearances(session, record))
    return found


def _records(session: Session, condition: ColumnElement[bool]) -> list[ChangeRecord]:
    return list(
        session.scalars(
            select(ChangeRecord)
            .where(condition)
            .order_by(ChangeRecord.occurred_at, ChangeRecord.id)
            .limit(RELATED_LIMIT)
        )
    )


def _appearances(session: Session, record: ChangeRecord) -> list[ChangeRecord]:
    """The document records of the same announcement at other documents (other sites)."""
    if record.document_id is None:
        return []
    announcement = session.scalar(
        select(Document.announcement_id).where(Document.id == record.document_id)
    )
    if announcement is None:
        return []
    others = select(Document.id).where(
        Document.announcement_id == announcement, Document.id != record.document_id
    )
    return _records(
        session,
        ChangeRecord.document_id.in_(others) & ChangeRecord.kind.in_(DOCUMENT_KINDS),
    )
