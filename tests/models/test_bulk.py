"""The bulk insert keeps every value as given and skips rows whose unique key is taken."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.models import Announcement
from zonewatch.models.bulk import insert_new

KST = dt.timezone(dt.timedelta(hours=9))
AWKWARD = 'quote " backslash \\ brace {a,b} NULL\nnew line, 한글 \u2028 end'


def test_values_arrive_unchanged_and_a_taken_key_is_skipped(db_session: Session) -> None:
    seen = dt.datetime(2026, 12, 7, 15, 30, 5, 123456, tzinfo=KST)
    rows = [
        {"fingerprint": "bulk-a", "title": AWKWARD, "first_seen_at": seen},
        {"fingerprint": "bulk-b", "title": "", "first_seen_at": seen},
    ]
    first = insert_new(db_session, Announcement, rows, [Announcement.id, Announcement.fingerprint])
    assert sorted(row.fingerprint for row in first) == ["bulk-a", "bulk-b"]

    again = [*rows, {"fingerprint": "bulk-c", "title": "new", "first_seen_at": seen}]
    second = insert_new(db_session, Announcement, again, [Announcement.fingerprint])
    assert [row.fingerprint for row in second] == ["bulk-c"]

    stored = db_session.execute(
        select(Announcement.title, Announcement.first_seen_at).where(
            Announcement.fingerprint == "bulk-a"
        )
    ).one()
    assert stored.title == AWKWARD
    assert _utc(stored.first_seen_at) == seen.astimezone(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC times, PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
