"""Change records (the diff log analysts review) and changes to the zone model itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Connection,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column, object_session, relationship
from sqlalchemy.orm.util import identity_key

from zonewatch.models.base import Base, utcnow
from zonewatch.models.documents import Document
from zonewatch.models.enums import (
    ChangeKind,
    ModelAction,
    ProposalOrigin,
    ProposalStatus,
    ReviewStatus,
    TokenKind,
    stored,
)


class EntityChange(Base):
    """A change to the zone model: applied from zones.yaml, or proposed from a document.

    ``before`` and ``after`` hold the entity's entry (None for a creation or a removal).
    """

    __tablename__ = "entity_changes"
    __table_args__ = (Index("ix_entity_changes_entity", "entity_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[ModelAction] = mapped_column(stored(ModelAction, "action", 24))
    status: Mapped[ProposalStatus] = mapped_column(stored(ProposalStatus, "status"), index=True)
    origin: Mapped[ProposalOrigin] = mapped_column(stored(ProposalOrigin, "origin", 24))
    before: Mapped[dict[str, Any] | None] = mapped_column()
    after: Mapped[dict[str, Any] | None] = mapped_column()
    effective_on: Mapped[dt.date | None]
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL")
    )
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime | None]
    note: Mapped[str | None] = mapped_column(
        Text, doc="Why an analyst accepted or rejected a proposal, kept with the decision."
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChangeRecord(Base):
    """One change worth a person's attention; the unit that alerts and digests carry."""

    __tablename__ = "change_records"
    __table_args__ = (
        Index("ix_change_records_created", "created_at"),
        Index("ix_change_records_kind_created", "kind", "created_at"),
        Index("ix_change_records_document", "document_id"),
        Index("ix_change_records_review", "review_status", "created_at"),
        Index("ix_change_records_event", "event_key"),
        Index("ix_change_records_released", "released_at"),
        Index("ix_change_records_placed", "placed_at", "occurred_at", "id"),
        Index("ix_change_records_new_version", "new_version_id"),
        Index("ix_change_records_occurred", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeKind] = mapped_column(stored(ChangeKind, "kind", 32))
    dedupe_key: Mapped[str] = mapped_column(
        String(200), unique=True, doc="Makes building a record idempotent."
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    old_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL")
    )
    new_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL")
    )
    entity_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("entity_changes.id", ondelete="SET NULL")
    )
    related_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_records.id", ondelete="SET NULL"),
        doc="What a correction corrects, or the other side of a fact change.",
    )
    title: Mapped[str] = mapped_column(String(1000))
    summary: Mapped[str | None] = mapped_column(Text)
    significance: Mapped[float] = mapped_column(default=0.0)
    signals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)
    minor: Mapped[bool] = mapped_column(default=False)
    event_key: Mapped[str | None] = mapped_column(
        String(200),
        doc="The document event the record belongs to (one version, one withdrawal, one model "
        "change): a subscriber gets one alert per event, however many records it made.",
    )
    baseline: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        doc="Recorded by a source's first crawl: what was already published, news to nobody.",
    )
    released_at: Mapped[dt.datetime | None] = mapped_column(
        doc="When the publisher released the document (its stated date), not when we saw it."
    )
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    placed_at: Mapped[dt.datetime] = mapped_column(
        doc="Where the record sits in the change log: its release date (its own, else its "
        "document's), else its detection time. Stored, so that an index orders the log; "
        "set on insert (:func:`_place_on_insert`) and kept by ingest when a document's date "
        "becomes known later (:func:`follow_document_release`)."
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    review_status: Mapped[ReviewStatus] = mapped_column(
        stored(ReviewStatus, "review_status"), default=ReviewStatus.NEW
    )
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)

    entities: Mapped[list[ChangeEntity]] = relationship(cascade="all, delete-orphan")
    topics: Mapped[list[ChangeTopic]] = relationship(cascade="all, delete-orphan")


@event.listens_for(ChangeRecord, "before_insert")
def _place_on_insert(
    _mapper: Mapper[ChangeRecord], connection: Connection, record: ChangeRecord
) -> None:
    """Give every new record its place in the log, whichever writer made it (the pipeline,
    proposals, model edits): a key each writer computed itself would drift apart. The same
    rule as the migration's backfill and as the log has always shown records."""
    if record.placed_at is not None:
        return
    if record.occurred_at is None:
        record.occurred_at = utcnow()
    published = (
        connection.scalar(select(Document.published_at).where(Document.id == record.document_id))
        if record.released_at is None and record.document_id is not None
        else None
    )
    record.placed_at = record.released_at or published or record.occurred_at


def follow_document_release(session: Session, document: Document) -> None:
    """Records without a release date of their own sit at their document's: when ingest
    learns the document's date later (a re-fetch), they move to it, as the log shows them,
    and so do their entity links, which carry the place for the entity pages' index."""
    place = ChangeRecord.occurred_at if document.published_at is None else document.published_at
    session.execute(
        update(ChangeRecord)
        .where(ChangeRecord.document_id == document.id, ChangeRecord.released_at.is_(None))
        .values(placed_at=place),
        execution_options={"synchronize_session": "fetch"},
    )
    moved = select(ChangeRecord.id).where(
        ChangeRecord.document_id == document.id, ChangeRecord.released_at.is_(None)
    )
    session.execute(
        update(ChangeEntity)
        .where(ChangeEntity.change_id.in_(moved))
        .values(
            placed_at=select(ChangeRecord.placed_at)
            .where(ChangeRecord.id == ChangeEntity.change_id)
            .scalar_subquery()
        ),
        execution_options={"synchronize_session": "fetch"},
    )


class ChangeEntity(Base):
    """The entities a change is about: the index alert matching and filters use.

    ``placed_at`` is the record's place in the change log, copied here (on insert, and by
    :func:`follow_document_release`) so that an entity's page walks its own index in the
    log's order and stops at the limit, instead of sorting every record of the entity.
    """

    __tablename__ = "change_entities"
    __table_args__ = (Index("ix_change_entities_placed", "entity_id", "placed_at", "change_id"),)

    change_id: Mapped[int] = mapped_column(
        ForeignKey("change_records.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True
    )
    placed_at: Mapped[dt.datetime]


@event.listens_for(ChangeEntity, "before_insert")
def _place_link_on_insert(
    _mapper: Mapper[ChangeEntity], connection: Connection, link: ChangeEntity
) -> None:
    """Copy the record's place onto a new link. The record is flushed before its links (they
    need its id), so it is nearly always in the session already; else it is read."""
    if link.placed_at is not None:
        return
    session = object_session(link)
    record = (
        session.identity_map.get(identity_key(ChangeRecord, link.change_id))
        if session is not None
        else None
    )
    placed = (
        record.placed_at
        if isinstance(record, ChangeRecord) and record.placed_at is not None
        else connection.scalar(
            select(ChangeRecord.placed_at).where(ChangeRecord.id == link.change_id)
        )
    )
    if placed is None:
        raise ValueError(f"change record {link.change_id} has no place in the log")
    link.placed_at = placed


class ChangeTopic(Base):
    __tablename__ = "change_topics"
    __table_args__ = (Index("ix_change_topics_topic", "topic_id", "change_id"),)

    change_id: Mapped[int] = mapped_column(
        ForeignKey("change_records.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )


class NoiseRule(Base):
    """What an analyst marked as noise for one source: edits that only touch such text are
    recorded as minor and alert nobody.

    A rule is either a raw ``fragment``, or a pattern: the ``kind`` of token the edit touched
    (phone, email, url, session, date, count) and, for dates and counts, the label before it
    (``context``); ``fragment`` then holds the pattern's readable key, e.g. ``<phone>``, so the
    next edit of another phone number is the same noise.
    """

    __tablename__ = "noise_rules"
    __table_args__ = (UniqueConstraint("source_id", "fragment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    fragment: Mapped[str] = mapped_column(String(500))
    kind: Mapped[TokenKind | None] = mapped_column(
        stored(TokenKind, "kind", 20), doc="Token kind of a pattern rule."
    )
    context: Mapped[str | None] = mapped_column(String(100), doc="Label before a date or count.")
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_records.id", ondelete="SET NULL"), doc="The verdict it came from."
    )
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
