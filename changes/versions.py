"""A document version as an analyst checks it: the text we extracted and the raw page we
fetched, so that a surprising diff can be traced to what the site really served.

The raw page is the publisher's HTML, which may carry scripts: callers show it as text, never
as markup of their own origin.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from zonewatch.crawlers.snapshots import snapshot_body
from zonewatch.errors import NotFoundError
from zonewatch.models import DocumentVersion, Snapshot

SOURCE_SHOWN = 1_000_000
"""Characters of a raw page shown on a page; the download has all of it."""
FALLBACK_ENCODING = "utf-8"


@dataclass(frozen=True)
class StoredPage:
    """The raw bytes of a version's fetch and how they were served."""

    snapshot_id: int
    url: str
    fetched_at: dt.datetime
    http_status: int
    content_type: str | None
    encoding: str
    """The declared encoding when Python knows it, else UTF-8 (what :meth:`text` decodes)."""
    declared_encoding: str | None
    body: bytes

    def text(self) -> str:
        """The page as text; bytes that are not valid in its encoding show as U+FFFD, visibly,
        rather than failing the page."""
        return self.body.decode(self.encoding, errors="replace")


@dataclass(frozen=True)
class VersionView:
    """One version with its document, its extracted text and the stored page (None when the
    fetch kept no raw body, e.g. versions made from a feed)."""

    id: int
    number: int
    document_id: int
    document_url: str
    title: str
    text: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    page: StoredPage | None


def _encoding(declared: str | None) -> str:
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError:
            pass
    return FALLBACK_ENCODING


def stored_page(session: Session, data_dir: Path, snapshot_id: int) -> StoredPage:
    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None:
        raise NotFoundError(f"unknown snapshot {snapshot_id}")
    body = snapshot_body(data_dir, snapshot)
    return StoredPage(
        snapshot_id=snapshot.id,
        url=snapshot.url,
        fetched_at=snapshot.fetched_at,
        http_status=snapshot.http_status,
        content_type=snapshot.content_type,
        encoding=_encoding(snapshot.encoding),
        declared_encoding=snapshot.encoding,
        body=body,
    )


def get_version(session: Session, version_id: int) -> DocumentVersion:
    version = session.get(DocumentVersion, version_id)
    if version is None:
        raise NotFoundError(f"unknown version {version_id}")
    return version


def version_view(session: Session, data_dir: Path, version_id: int) -> VersionView:
    """A version with its stored page; NotFoundError for an unknown version or a stored page
    whose file is gone (a data directory restored without its snapshots)."""
    version = get_version(session, version_id)
    page = (
        stored_page(session, data_dir, version.snapshot_id)
        if version.snapshot_id is not None
        else None
    )
    return VersionView(
        id=version.id,
        number=version.number,
        document_id=version.document_id,
        document_url=version.document.url,
        title=version.title,
        text=version.text,
        created_at=version.created_at,
        published_at=version.published_at,
        page=page,
    )
