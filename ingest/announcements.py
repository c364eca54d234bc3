"""One release, several appearances: a ministry board and korea.kr publish the same text.

Documents are linked to an announcement by a fingerprint of their title (letters and digits
only, so spacing and punctuation differences between sites do not matter) and their
publication day in Korea; the change log then shows one announcement with several
appearances instead of the same news twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from zonewatch.models import Announcement, Document
from zonewatch.models.base import utcnow
from zonewatch.models.bulk import insert_new

KST = dt.timezone(dt.timedelta(hours=9))
_NOT_WORD = re.compile(r"[\W_]+")
MIN_TITLE = 8


def announcement_fingerprint(title: str, published_at: dt.datetime | None) -> str | None:
    """None when the title is too short or the date unknown to tell releases apart."""
    squashed = _NOT_WORD.sub("", title).lower()
    if len(squashed) < MIN_TITLE or published_at is None:
        return None
    day = published_at.astimezone(KST).date().isoformat()
    return hashlib.sha256(f"{squashed}|{day}".encode()).hexdigest()


def link_announcement(
    session: Session, document: Document, title: str, published_at: dt.datetime | None
) -> int | None:
    """Link the document to its announcement, made when it is the first appearance; returns
    the announcement's id (None when the release cannot be told apart)."""
    fingerprint = announcement_fingerprint(title, published_at)
    if fingerprint is None:
        return None
    with session.no_autoflush:
        announcement_id = _new_announcement(session, fingerprint, title)
        if announcement_id is None:  # another appearance, or another ingest a moment ago
            announcement_id = session.scalar(announcement_query(fingerprint))
    assert announcement_id is not None
    document.announcement_id = announcement_id
    return announcement_id


def _new_announcement(session: Session, fingerprint: str, title: str) -> int | None:
    """Insert the announcement unless its fingerprint is taken, in one statement: most
    releases appear once, and a lookup, a savepoint and an insert were three round trips.
    Autoflush is off around it, so that the document's pending changes go in one UPDATE
    with its link instead of one before it."""
    rows = insert_new(
        session,
        Announcement,
        [{"fingerprint": fingerprint, "title": title[:1000], "first_seen_at": utcnow()}],
        returning=[Announcement.id],
    )
    return rows[0].id if rows else None


def announcement_query(fingerprint: str) -> Select[tuple[int]]:
    return select(Announcement.id).where(Announcement.fingerprint == fingerprint)


def earlier_appearance(session: Session, document: Document) -> Document | None:
    """The same announcement at another source, first seen before this one (two items of one
    board with the same title and day are two releases, not two appearances)."""
    if document.announcement_id is None:
        return None
    return session.scalars(
        select(Document)
        .where(
            Document.announcement_id == document.announcement_id,
            Document.id < document.id,
            Document.source_id != document.source_id,
        )
        .order_by(Document.id)
        .limit(1)
    ).first()
