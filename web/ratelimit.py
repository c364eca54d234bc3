"""Login rate limiting, in memory: failed attempts per account and per client address.

Limits (per process; ``zonewatch web`` is one process): 5 failures per username and 20 per
address within 15 minutes; past either, sign-in answers 429 until the oldest failure ages out,
even with the right password. A success clears the account's count. Addresses are the
connecting peer: behind a proxy that is the proxy, so the per-account limit is what holds.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MAX_KEYS = 100_000
"""Keys kept at most; past it the oldest go, so a flood of made-up names cannot fill memory."""


class LoginLimiter:
    def __init__(
        self,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> int:
        failures = self._failures.get(key)
        if failures is None:
            return 0
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return 0
        return len(failures)

    def blocked(self, username: str, address: str) -> bool:
        now = self._clock()
        with self._lock:
            return (
                self._recent(f"u:{username}", now) >= self.account_limit
                or self._recent(f"a:{address}", now) >= self.address_limit
            )

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in (f"u:{username}", f"a:{address}"):
                self._failures.setdefault(key, deque()).append(now)
            while len(self._failures) > MAX_KEYS:
                del self._failures[next(iter(self._failures))]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(f"u:{username}", None)
