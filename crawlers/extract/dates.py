"""Publication dates from the strings press rooms, feeds and APIs put around them.

Every pattern is explicit and anchored on digit boundaries. A general-purpose fuzzy parser
(``dateutil.parser.parse(fuzzy=True)``) happily reads a phone number such as 051-888-0000 or a
document number as a date, and a wrong date is worse than none: it reorders the timeline and
can make an old release look new. So the text is searched for the known shapes only, the
earliest match wins (list rows and bylines put the publication date first), and a match must
be a real calendar date in a plausible year range.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["KST", "parse_published"]

KST = ZoneInfo("Asia/Seoul")

_MIN_YEAR = 1980
_MAX_YEAR = 2100

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_ZONE_HOURS = {
    "z": 0,
    "ut": 0,
    "utc": 0,
    "gmt": 0,
    "kst": 9,
    "jst": 9,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}

# A time of day after a date: "10:11", "14:00:00", "00:00:00.0", "T16:43:13+09:00",
# optionally after a weekday in parentheses ("2026-03-02(월) 10:00").
_TIME = (
    r"(?:\s*\([월화수목금토일]\))?"
    r"(?:(?P<sep>T|\s+)(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:[.,]\d{1,9})?)?"
    r"(?:\s*(?P<zone>[Zz]|[+-]\d{2}:?\d{2}|(?i:UTC|GMT|UT|KST|JST|[ECMP][SD]T)\b))?)?"
)
_END = r"(?![\d])"
_START = r"(?<![\d.-])"

_PATTERNS = [
    # 2026-03-02, 2026.03.02, 2026. 3. 2., 2026/03/02 (one separator style per date)
    re.compile(_START + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _END + _TIME),
    re.compile(_START + r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _END + _TIME),
    re.compile(
        _START + r"(?P<y>\d{4})\.\s?(?P<m>\d{1,2})\.\s?(?P<d>\d{1,2})" + _END + r"\.?" + _TIME
    ),
    # 2026년 3월 2일
    re.compile(_START + r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일" + _TIME),
    # 01/02/2020 14:00:00 (the open API: month first)
    re.compile(_START + r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})" + _END + _TIME),
    # Mar 2, 2026 / March 02 2026 (optionally after a weekday)
    re.compile(
        r"(?i:\b" + _MONTH + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _END + _TIME
    ),
    # 2 March 2026 / Mon, 02 Mar 2026 10:00:00 +0900 (RFC 822)
    re.compile(_START + r"(?P<d>\d{1,2})\s+(?i:" + _MONTH + r")\s+(?P<y>\d{4})" + _END + _TIME),
]

# Compact forms are only accepted as the whole string: inside text, eight digits are as likely
# to be a document number as a date.
_COMPACT = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<hh>\d{2})(?P<mi>\d{2})(?P<ss>\d{2})?)?"
)


def parse_published(text: str, tz: ZoneInfo = KST) -> datetime | None:
    """The first date (and time) found in ``text``, as an aware datetime in ``tz``; else None.

    A date without a zone is taken to be in ``tz`` (KST unless told), a date without a time is
    midnight, and a date with an offset is converted to ``tz``. Never raises.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return _parse(text, tz)
    except (ValueError, OverflowError):  # pragma: no cover - regexes should make this unreachable
        return None


def _parse(text: str, tz: ZoneInfo) -> datetime | None:
    stripped = text.strip()
    compact = _COMPACT.fullmatch(stripped)
    if compact:
        return _build(compact, tz)

    found: list[tuple[int, int, datetime]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = _build(match, tz)
            if value is not None:
                found.append((match.start(), -(match.end() - match.start()), value))
                break
    if not found:
        return None
    return min(found, key=lambda item: (item[0], item[1]))[2]


def _build(match: re.Match[str], tz: ZoneInfo) -> datetime | None:
    groups = match.groupdict()
    year, day = int(groups["y"]), int(groups["d"])
    month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        date = datetime(year, month, day)
    except ValueError:
        return None

    if groups.get("hh") is None:
        return date.replace(tzinfo=tz)
    hour, minute, second = int(groups["hh"]), int(groups["mi"]), int(groups["ss"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return date.replace(tzinfo=tz)  # the date stands; the "time" was something else
    stamp = date.replace(hour=hour, minute=minute, second=second)
    # "10:00-12:00" is a time range, not an offset: numeric offsets count only after seconds
    # or in the ISO form with "T".
    numeric = groups.get("ss") is not None or groups.get("sep") == "T"
    zone = _zone(groups.get("zone"), numeric_allowed=numeric)
    if zone is None:
        return stamp.replace(tzinfo=tz)
    return stamp.replace(tzinfo=zone).astimezone(tz)


def _zone(text: str | None, *, numeric_allowed: bool) -> tzinfo | None:
    if not text:
        return None
    lowered = text.lower()
    if lowered in _ZONE_HOURS:
        return timezone(timedelta(hours=_ZONE_HOURS[lowered]))
    if not numeric_allowed:
        return None
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
