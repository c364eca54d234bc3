"""Change records for new and changed documents and for withdrawals.

Building a record is idempotent (a unique key per version or event); the entities and topics
of the version are copied onto the record so that filters and alert matching use an index.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Mention,
    VersionTopic,
)
from zonewatch.models.base import utcnow

SIGNIFICANCE = {"new_document": 0.5, "changed_document": 0.4, "removed_document": 0.6}


def _existing(session: Session, key: str) -> ChangeRecord | None:
    return session.scalars(select(ChangeRecord).where(ChangeRecord.dedupe_key == key)).first()


def record_version_changes(session: Session, version_id: int) -> list[int]:
    """The change records a new version gives (none for a technical re-extraction)."""
    version = session.get(DocumentVersion, version_id)
    if version is None or version.technical:
        return []
    key = f"version:{version.id}"
    existing = _existing(session, key)
    if existing is not None:
        return [existing.id]
    document = session.get(Document, version.document_id)
    assert document is not None
    previous = session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document.id)
        .where(DocumentVersion.number < version.number)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    ).first()
    kind = "new_document" if previous is None else "changed_document"
    record = ChangeRecord(
        kind=kind,
        dedupe_key=key,
        document_id=document.id,
        source_id=document.source_id,
        old_version_id=previous.id if previous is not None else None,
        new_version_id=version.id,
        title=version.title,
        significance=SIGNIFICANCE[kind],
        signals={"kind": kind},
        occurred_at=version.created_at,
    )
    session.add(record)
    session.flush()
    _copy_labels(session, record, version.id)
    return [record.id]


def record_withdrawal(session: Session, document_id: int) -> list[int]:
    document = session.get(Document, document_id)
    if document is None or document.status != "withdrawn" or document.current_version_id is None:
        return []
    key = f"withdrawn:{document.id}:{document.current_version_id}"
    existing = _existing(session, key)
    if existing is not None:
        return [existing.id]
    version = session.get(DocumentVersion, document.current_version_id)
    assert version is not None
    record = ChangeRecord(
        kind="removed_document",
        dedupe_key=key,
        document_id=document.id,
        source_id=document.source_id,
        old_version_id=version.id,
        title=version.title,
        significance=SIGNIFICANCE["removed_document"],
        signals={"kind": "removed_document"},
        occurred_at=utcnow(),
    )
    session.add(record)
    session.flush()
    _copy_labels(session, record, version.id)
    return [record.id]


def _copy_labels(session: Session, record: ChangeRecord, version_id: int) -> None:
    for entity_id in session.scalars(
        select(Mention.entity_id).where(Mention.version_id == version_id)
    ):
        session.add(ChangeEntity(change_id=record.id, entity_id=entity_id))
    for topic_id in session.scalars(
        select(VersionTopic.topic_id).where(VersionTopic.version_id == version_id)
    ):
        session.add(ChangeTopic(change_id=record.id, topic_id=topic_id))
    session.flush()
