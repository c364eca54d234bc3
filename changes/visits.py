"""“New since my last visit”: which change records a console user has not seen yet.

Definition. A *visit* is a run of change-log page loads with no gap longer than
:data:`VISIT_GAP` between two of them. When a visit begins, the user's boundary
(``users.log_seen_at``) becomes the time of the last load of the previous visit. A record is
*new* to the user when it was added to the log (``created_at``) after that boundary; a user
who never opened the log has no boundary, and everything is new to them. "Mark all seen"
moves the boundary to now.

Why a gap and not every load: paging through the log or changing a filter must not clear
the marks the user is reading. Why ``created_at`` and not the detection time
(``occurred_at``): the pipeline may add a record minutes after the fetch that detected it,
and such a record, detected before a visit but added during it, must still be new at the
next one, not lost between the two.
"""

from __future__ import annotations

import datetime as dt

from zonewatch.models import User

VISIT_GAP = dt.timedelta(minutes=30)


def visit_change_log(user: User, now: dt.datetime) -> dt.datetime | None:
    """Count a load of the change log and return the boundary of the current visit."""
    if user.log_visited_at is None or now - user.log_visited_at > VISIT_GAP:
        user.log_seen_at = user.log_visited_at
    user.log_visited_at = now
    return user.log_seen_at


def mark_all_seen(user: User, now: dt.datetime) -> None:
    """Nothing in the log is new to the user any more (until more is added)."""
    user.log_seen_at = now
    user.log_visited_at = now
