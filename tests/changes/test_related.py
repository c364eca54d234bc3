"""Related records of a change: what it corrects, what corrects it, its event, other sites."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes.related import Relation, related_records
from zonewatch.errors import NotFoundError
from zonewatch.models import Announcement, ChangeRecord, Document


def record(session: Session, key: str, **fields: object) -> ChangeRecord:
    row = ChangeRecord(
        kind=str(fields.pop("kind", "new_document")),
        dedupe_key=f"related-{key}",
        title=key,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


_numbers = itertools.count(1)


def document(session: Session, source_id: str, announcement_id: int | None) -> Document:
    row = Document(
        source_id=source_id,
        external_id=f"{source_id}-{next(_numbers)}",
        url=f"https://{source_id}.example.go.kr/1",
        announcement_id=announcement_id,
    )
    session.add(row)
    session.flush()
    return row


def relations(session: Session, change_id: int) -> list[tuple[Relation, str]]:
    return [(item.relation, item.title) for item in related_records(session, change_id)]


def test_corrections_and_the_records_of_one_event(db_session: Session) -> None:
    release = record(db_session, "release", event_key="version:7")
    record(db_session, "figure", kind="fact_change", event_key="version:7")
    record(db_session, "file", kind="attachment_added", event_key="version:7")
    fix = record(db_session, "fix", kind="correction", related_change_id=release.id)
    record(db_session, "unrelated", event_key="version:8")
    assert relations(db_session, release.id) == [
        (Relation.CORRECTED_BY, "fix"),
        (Relation.SAME_EVENT, "figure"),
        (Relation.SAME_EVENT, "file"),
    ]
    assert relations(db_session, fix.id) == [(Relation.CORRECTS, "release")]


def test_the_same_release_at_another_source(db_session: Session) -> None:
    factories.source(db_session, "ministry")
    factories.source(db_session, "korea-kr")
    announcement = Announcement(fingerprint="f" * 64, title="송도 바이오 클러스터")
    db_session.add(announcement)
    db_session.flush()
    first = document(db_session, "ministry", announcement.id)
    again = document(db_session, "korea-kr", announcement.id)
    original = record(db_session, "at ministry", document_id=first.id, source_id="ministry")
    copy = record(
        db_session,
        "at korea.kr",
        document_id=again.id,
        source_id="korea-kr",
        related_change_id=original.id,
        minor=True,
    )
    record(db_session, "its figure", kind="fact_change", document_id=again.id)
    assert relations(db_session, original.id) == [(Relation.CORRECTED_BY, "at korea.kr")]
    assert relations(db_session, copy.id) == [(Relation.CORRECTS, "at ministry")]
    alone = document(db_session, "ministry", None)
    assert relations(db_session, record(db_session, "alone", document_id=alone.id).id) == []


def test_appearances_without_a_link_between_the_records(db_session: Session) -> None:
    factories.source(db_session, "ministry")
    factories.source(db_session, "korea-kr")
    announcement = Announcement(fingerprint="a" * 64, title="같은 발표")
    db_session.add(announcement)
    db_session.flush()
    first = record(
        db_session, "one", document_id=document(db_session, "ministry", announcement.id).id
    )
    record(db_session, "two", document_id=document(db_session, "korea-kr", announcement.id).id)
    assert relations(db_session, first.id) == [(Relation.APPEARANCE, "two")]


def test_an_unknown_change(db_session: Session) -> None:
    with pytest.raises(NotFoundError):
        related_records(db_session, 987654)
