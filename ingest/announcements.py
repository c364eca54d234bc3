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
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.models import Announcement
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


@dataclass(frozen=True)
class Appearance:
    """A document whose first version ingest stored, to link to its announcement."""

    document_id: int
    fingerprint: str
    title: str


def appearance(document_id: int, title: str, published_at: dt.datetime | None) -> Appearance | None:
    """None when the release cannot be told apart (see :func:`announcement_fingerprint`)."""
    fingerprint = announcement_fingerprint(title, published_at)
    return None if fingerprint is None else Appearance(document_id, fingerprint, title)


def link_announcements(session: Session, appearances: Sequence[Appearance]) -> dict[int, int]:
    """The announcement of each appearance (by document id), made when it is the first
    appearance, for a whole batch: one INSERT of the new ones (a taken fingerprint is left
    as it is: another appearance, or another ingest a moment ago) and one SELECT of those it
    did not make. The first appearance in the batch names a new announcement."""
    titles: dict[str, str] = {}
    for item in appearances:
        titles.setdefault(item.fingerprint, item.title)
    now = utcnow()
    made = insert_new(
        session,
        Announcement,
        [{"fingerprint": f, "title": t[:1000], "first_seen_at": now} for f, t in titles.items()],
        returning=[Announcement.fingerprint, Announcement.id],
    )
    ids: dict[str, int] = {row.fingerprint: row.id for row in made}
    known = [fingerprint for fingerprint in titles if fingerprint not in ids]
    if known:
        found = select(Announcement.fingerprint, Announcement.id)
        rows = session.execute(found.where(Announcement.fingerprint.in_(known))).tuples()
        ids.update(rows.all())
    return {item.document_id: ids[item.fingerprint] for item in appearances}
