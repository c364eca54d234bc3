"""Argon2id at its cheapest for the tests.

The console hashes with the library's recommended parameters (64 MiB, three passes), which
is the point in production and costs about a second per hash on a busy two-core CI machine;
the web tests add a user of every role and sign in for nearly every test. The tests check
what the console does with hashes, not Argon2's cost, so the run swaps in a hasher with the
same algorithm and the smallest parameters. The parameters are not configurable in the
product (``zonewatch.web.passwords`` builds its hasher at import), hence the patch here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher

from zonewatch.web import passwords

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@contextmanager
def cheap_password_hashing() -> Iterator[PasswordHasher]:
    """Hash and verify console passwords with :data:`CHEAP_HASHER` inside the block."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_HASHER", CHEAP_HASHER)
        patch.setattr(passwords, "_DUMMY_HASH", CHEAP_HASHER.hash("zonewatch: no such user"))
        yield CHEAP_HASHER
