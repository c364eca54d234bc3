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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zonewatch.models import Announcement, Document

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
) -> Announcement | None:
    fingerprint = announcement_fingerprint(title, published_at)
    if fingerprint is None:
        return None
    announcement = _find(session, fingerprint)
    if announcement is None:
        try:
            with session.begin_nested():
                announcement = Announcement(fingerprint=fingerprint, title=title[:1000])
                session.add(announcement)
        except IntegrityError:  # another ingest created it a moment ago
            announcement = _find(session, fingerprint)
            assert announcement is not None
    document.announcement_id = announcement.id
    return announcement


def _find(session: Session, fingerprint: str) -> Announcement | None:
    return session.scalars(
        select(Announcement).where(Announcement.fingerprint == fingerprint)
    ).first()


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
