"""What time it is for a crawl.

Against the live web it is the real time. Against the replay server it is the replay world's
time (each timeline state is a day of its own), so that re-check decisions behave as they
would have on those days instead of comparing recorded pages with today's date.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

from zonewatch.config.settings import Settings
from zonewatch.models.base import utcnow


def crawl_time(settings: Settings) -> dt.datetime:
    if not settings.replay_url:
        return utcnow()
    url = f"{settings.replay_url}/_replay/state"
    with urllib.request.urlopen(url, timeout=10) as response:
        state = json.load(response)
    return dt.datetime.fromisoformat(state["now"]).astimezone(dt.UTC)
