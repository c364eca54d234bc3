"""The read side of stored documents: a bounded, stable list and one document with its
versions, as JSON-ready data (the API's ``/documents``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Document, DocumentVersion, Source
from zonewatch.timefmt import KST, iso_local
from zonewatch.urls import canonical_url


@dataclass(frozen=True)
class DocumentFilter:
    """Newest first by id (the order they were found in); ``after_id`` starts a page after a
    document, so pages stay right while new documents arrive."""

    source_id: str | None = None
    status: str | None = None
    after_id: int | None = None
    limit: int = 50


def _current_title(document: Document) -> str | None:
    version = document.current_version
    return version.title if version is not None else None


def document_as_json(document: Document, tz: ZoneInfo = KST) -> dict[str, Any]:
    """A document as lists show it: its address, state, dates and current title."""
    return {
        "id": document.id,
        "source_id": document.source_id,
        "external_id": document.external_id,
        "url": canonical_url(document.url),
        "status": document.status,
        "title": _current_title(document),
        "published_at": iso_local(document.published_at, tz),
        "first_seen_at": iso_local(document.first_seen_at, tz),
        "last_seen_at": iso_local(document.last_seen_at, tz),
        "current_version_id": document.current_version_id,
    }


def list_documents(session: Session, filters: DocumentFilter) -> list[Document]:
    if filters.source_id is not None and session.get(Source, filters.source_id) is None:
        raise NotFoundError(f"unknown source {filters.source_id!r} (see `zonewatch sources list`)")
    if filters.limit < 1:
        raise InputError("the limit must be at least 1")
    query = (
        select(Document)
        .options(selectinload(Document.current_version))
        .order_by(Document.id.desc())
        .limit(filters.limit)
    )
    if filters.source_id is not None:
        query = query.where(Document.source_id == filters.source_id)
    if filters.status is not None:
        query = query.where(Document.status == filters.status)
    if filters.after_id is not None:
        query = query.where(Document.id < filters.after_id)
    return list(session.scalars(query))


def _version_json(version: DocumentVersion, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "id": version.id,
        "number": version.number,
        "title": version.title,
        "published_at": iso_local(version.published_at, tz),
        "created_at": iso_local(version.created_at, tz),
        "language": version.language,
        "department": version.department,
        "attachments": [
            {"name": item.name, "url": item.url, "media_type": item.media_type, "size": item.size}
            for item in version.attachments
        ],
    }


def document_details(session: Session, document_id: int, tz: ZoneInfo = KST) -> dict[str, Any]:
    """A document with every version (oldest first) and the current version's text."""
    document = session.get(
        Document,
        document_id,
        options=[selectinload(Document.versions).selectinload(DocumentVersion.attachments)],
    )
    if document is None:
        raise NotFoundError(f"unknown document {document_id}")
    current = document.current_version
    return {
        **document_as_json(document, tz),
        "text": current.text if current is not None else None,
        "versions": [_version_json(version, tz) for version in document.versions],
    }
