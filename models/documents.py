"""Documents seen at sources, their raw snapshots and their meaningful versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zonewatch.models.base import Base, utcnow
from zonewatch.models.enums import (
    DocumentStatus,
    FetchedItemStatus,
    IngestOutcome,
    ItemOutcome,
    stored,
)
from zonewatch.models.packed import PackedText


class Announcement(Base):
    """One release as published, whichever sources it appeared at (a board and korea.kr)."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(1000))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Document(Base):
    """One item of one source, identified by the site's own id (stable across edits)."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_documents_published", "published_at"),
        Index("ix_documents_current_version", "current_version_id"),
        Index("ix_documents_first_seen", "first_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[DocumentStatus] = mapped_column(
        stored(DocumentStatus, "status"), default=DocumentStatus.ACTIVE
    )
    published_at: Mapped[dt.datetime | None]
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[dt.datetime | None]
    content_fetched_at: Mapped[dt.datetime | None] = mapped_column(
        doc="Fetch time of the newest item that showed the document's content (or its 304 or "
        "its removal); an item fetched before it is stale and never becomes current."
    )
    http_etag: Mapped[str | None] = mapped_column(String(300))
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    attachments_checked_at: Mapped[dt.datetime | None] = mapped_column(
        doc="When the files were last downloaded or revalidated: they are re-asked for on "
        "their own, slower schedule, since a 304 article page says nothing about its files."
    )
    list_fingerprint: Mapped[str | None] = mapped_column(
        String(64), doc="Hash of what the list page shows for the item (title, date)."
    )
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="SET NULL"), index=True
    )
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL", use_alter=True)
    )

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document",
        foreign_keys="DocumentVersion.document_id",
        order_by="DocumentVersion.number",
        passive_deletes=True,
    )
    current_version: Mapped[DocumentVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class Snapshot(Base):
    """A raw fetch of a page, kept apart from what was extracted from it.

    The body itself lives in the data directory under ``path``: gzip-compressed and
    content-addressed by sha256, so rows whose pages are identical share one file. Retention
    (``zonewatch prune``) removes old bodies but keeps the row: its sha256 is what tells a
    re-extraction (a technical version) from a changed page.
    """

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    fetched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    url: Mapped[str] = mapped_column(String(2000))
    http_status: Mapped[int]
    content_type: Mapped[str | None] = mapped_column(String(200))
    encoding: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    path: Mapped[str] = mapped_column(String(500))
    pruned_at: Mapped[dt.datetime | None] = mapped_column(
        doc="When retention removed the body; the stored-page view then says so."
    )


class DocumentVersion(Base):
    """What a document said at one point: a new row only when meaningful content changed."""

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        Index("ix_document_versions_hash", "content_hash"),
        Index("ix_document_versions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(1000))
    subtitle: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(PackedText, doc="Compressed on SQLite (models.packed).")
    published_at: Mapped[dt.datetime | None]
    department: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str | None] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(40))
    technical: Mapped[bool] = mapped_column(
        default=False, doc="Produced by re-extraction with a newer extractor; alerts nobody."
    )
    classified_at: Mapped[dt.datetime | None]
    classifier_version: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Attachment.position"
    )


class Attachment(Base):
    """A file attached to a version (HWP, HWPX, PDF, ...) with its extracted text."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(2000))
    size: Mapped[int | None]
    media_type: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(PackedText)
    extraction_error: Mapped[str | None] = mapped_column(String(500))
    http_etag: Mapped[str | None] = mapped_column(
        String(300), doc="Validators of the file's answer, for conditional re-requests."
    )
    http_last_modified: Mapped[str | None] = mapped_column(String(100))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)

    version: Mapped[DocumentVersion] = relationship(back_populates="attachments")


class FetchedItem(Base):
    """What a crawl fetched for one item, staged for the ingest stage.

    The crawl process writes one row per item as it goes (so a failure on page 3 keeps what
    pages 1-2 gave); ingest turns it into a document version, or only marks the document seen.
    """

    __tablename__ = "fetched_items"
    __table_args__ = (
        UniqueConstraint("run_id", "external_id"),
        Index("ix_fetched_items_status", "status", "id"),
        Index("ix_fetched_items_run_status", "run_id", "status"),
        Index("ix_fetched_items_version", "version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[ItemOutcome] = mapped_column(stored(ItemOutcome, "outcome"))
    stored_payload: Mapped[FetchedPayload | None] = relationship(
        lazy="select", cascade="all, delete-orphan", passive_deletes=True
    )
    """Loaded on first read: lists of items (a run's, the pending counts) never read it, and a
    batch reader joins it in (``ingest.services.load_items``)."""
    status: Mapped[FetchedItemStatus] = mapped_column(
        stored(FetchedItemStatus, "status"), default=FetchedItemStatus.PENDING
    )
    result: Mapped[IngestOutcome | None] = mapped_column(
        stored(IngestOutcome, "result"), doc="What ingest made of it."
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("document_versions.id", ondelete="SET NULL"),
        doc="The version ingest stored, so that a redelivered task can send its follow-up.",
    )
    error: Mapped[str | None] = mapped_column(String(1000))
    fetched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ingested_at: Mapped[dt.datetime | None]

    @hybrid_property
    def payload(self) -> dict[str, Any] | None:
        """The item as fetched; None once ingested (the document version holds it).
        Pending, failed and superseded items keep it."""
        return None if self.stored_payload is None else self.stored_payload.data

    @payload.inplace.setter
    def _payload_setter(self, value: dict[str, Any] | None) -> None:
        if value is None:
            self.stored_payload = None
        elif self.stored_payload is None:
            self.stored_payload = FetchedPayload(data=value)
        else:
            self.stored_payload.data = value

    @payload.inplace.expression
    @classmethod
    def _payload_expression(cls) -> ColumnElement[dict[str, Any] | None]:
        """The payload as a subquery of the enclosing query's item: select it with the item
        (``select(FetchedItem.id, FetchedItem.payload)``); alone it has no item and fails."""
        return (
            select(FetchedPayload.data)
            .where(FetchedPayload.item_id == cls.id)
            .correlate_except(FetchedPayload)
            .scalar_subquery()
        )


class FetchedPayload(Base):
    """A staged item's payload, in its own table so that releasing it frees whole pages.

    Ingest deletes the row once the document version holds what the item said. Set to NULL
    in place, the payloads left ``fetched_items`` pages mostly empty on SQLite (2.7 of its
    2.8 MB per 1,000 items); deleted rows' pages go back to the free list and are reused.
    """

    __tablename__ = "fetched_payloads"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("fetched_items.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]]
