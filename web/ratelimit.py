"""Login rate limiting, in the database: failed attempts per account and per client address.

Limits: 5 failures per username and 20 per address within 15 minutes; past either, sign-in
answers 429 until the oldest failure ages out, even with the right password. A success clears
the account's count. The failures are rows of ``login_failures``, so every web process (the
compose file runs several workers) sees the same counts; each new failure deletes the rows
that have aged out, so the table holds at most one window of failures. Addresses are the
connecting peer: behind a proxy that is the proxy, so the per-account limit is what holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from zonewatch.models import LoginFailure
from zonewatch.models.base import utcnow

WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
KEY_LENGTH = 260
"""The column's width: a longer username or address is cut, never refused."""


def account_key(username: str) -> str:
    return f"u:{username}"[:KEY_LENGTH]


def address_key(address: str) -> str:
    return f"a:{address}"[:KEY_LENGTH]


class LoginLimiter:
    """The limits and the clock; the counts live in the session's database."""

    def __init__(
        self,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window: dt.timedelta = WINDOW,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window
        self._clock = clock

    def _recent(self, session: Session, key: str, since: dt.datetime) -> int:
        return int(
            session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(LoginFailure.key == key, LoginFailure.failed_at > since)
            )
            or 0
        )

    def blocked(self, session: Session, username: str, address: str) -> bool:
        since = self._clock() - self.window
        return (
            self._recent(session, account_key(username), since) >= self.account_limit
            or self._recent(session, address_key(address), since) >= self.address_limit
        )

    def failed(self, session: Session, username: str, address: str) -> None:
        """Counts one failure for the account and the address, and prunes what aged out
        (one indexed delete: cheap, and it keeps a flood of made-up names bounded)."""
        now = self._clock()
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - self.window))
        session.add_all(
            [
                LoginFailure(key=account_key(username), failed_at=now),
                LoginFailure(key=address_key(address), failed_at=now),
            ]
        )
        session.flush()

    def succeeded(self, session: Session, username: str) -> None:
        session.execute(delete(LoginFailure).where(LoginFailure.key == account_key(username)))
