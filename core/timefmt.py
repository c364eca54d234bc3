"""One way to show a moment to a person: local time (KST by default), to the minute.

Every command, list, export and mail shows times through :func:`local_minutes`, so an
operator never meets raw UTC with microseconds in one place and KST in another. Machine
formats (JSON fields meant for programs) keep ISO 8601 with the offset, through
:func:`iso_local`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")
MINUTES = "%Y-%m-%d %H:%M"


def aware(moment: dt.datetime) -> dt.datetime:
    """The database hands back naive UTC on SQLite and aware UTC on PostgreSQL."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def local_minutes(moment: dt.datetime | None, tz: ZoneInfo = KST, *, zone_name: bool = True) -> str:
    """``2026-12-06 17:40 KST``; an empty string for no moment."""
    if moment is None:
        return ""
    local = aware(moment).astimezone(tz)
    text = local.strftime(MINUTES)
    return f"{text} {local.tzname()}" if zone_name else text


def iso_local(moment: dt.datetime | None, tz: ZoneInfo = KST) -> str | None:
    """``2026-12-06T17:40:00+09:00``: for JSON, to the second, in local time with its offset."""
    if moment is None:
        return None
    return aware(moment).astimezone(tz).replace(microsecond=0).isoformat()
