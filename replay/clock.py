"""The replay world's clock: which states exist and what "now" is in each of them.

Pages must not depend on the real date (tests would drift), so every state has a fixed
moment; footers, Last-Modified headers and new releases take their dates from it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")
STATES: tuple[int, ...] = (0, 1, 2, 3)
_FIRST_MORNING = datetime(2026, 8, 10, 9, 0, tzinfo=KST)


def check_state(state: int) -> int:
    """``state`` if it exists; a ValueError naming the valid states otherwise."""
    if state not in STATES:
        raise ValueError(f"no state {state!r}: states are {', '.join(map(str, STATES))}")
    return state


def state_time(state: int) -> datetime:
    """The moment the world moved into ``state`` (one day apart, 09:00 KST)."""
    return _FIRST_MORNING + timedelta(days=check_state(state))


def today(state: int) -> date:
    """The date printed in page footers ("오늘 날짜") while ``state`` is current."""
    return state_time(state).date()
