"""Cron lines: when a five-field line next matches (Celery's crontab parses the fields)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def next_cron_time(expression: str, after: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The first minute strictly after ``after`` that matches the cron line, in ``tz``.

    Celery is imported here, not at the top: every settings and sources load reaches this
    module, and most commands never parse a cron line."""
    from celery.schedules import crontab

    cron = crontab.from_string(expression)
    moment = after.astimezone(tz).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    for _ in range(400 * 24):
        day_ok = (
            moment.month in cron.month_of_year
            and moment.day in cron.day_of_month
            and moment.isoweekday() % 7 in cron.day_of_week
        )
        if not day_ok:
            moment = (moment + dt.timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if moment.hour not in cron.hour:
            moment = (moment + dt.timedelta(hours=1)).replace(minute=0)
            continue
        minutes = sorted(minute for minute in cron.minute if minute >= moment.minute)
        if minutes:
            return moment.replace(minute=minutes[0])
        moment = (moment + dt.timedelta(hours=1)).replace(minute=0)
    raise ValueError(f"cron line {expression!r} never matches")
