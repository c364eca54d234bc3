"""Password hashing with Argon2id; the cost comes from the settings (ZONEWATCH_PASSWORD_HASH_*).

A hasher is built on first use for each cost and kept, with the dummy hash that makes an
unknown user cost as much as a known one: building it at import made every importer pay
a full hash, and a cost fixed in code left the tests only monkeypatching to make it cheap.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from zonewatch.config.settings import PasswordHashing

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
"""Argon2 takes any length, but hashing megabytes on every login attempt is a cheap DoS."""


@lru_cache(maxsize=4)
def _hasher(cost: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.time_cost, memory_cost=cost.memory_cost, parallelism=cost.parallelism
    )


@lru_cache(maxsize=4)
def _dummy_hash(cost: PasswordHashing) -> str:
    return _hasher(cost).hash("zonewatch: no such user, same cost")


def hash_password(password: str, cost: PasswordHashing) -> str:
    return _hasher(cost).hash(password)


def verify_password(password_hash: str | None, password: str, cost: PasswordHashing) -> bool:
    """True when ``password`` matches. An unknown user (``None``) costs the same time as a
    known one, so the answer's timing does not say which usernames exist."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        checked = _hasher(cost).verify(password_hash or _dummy_hash(cost), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return checked and password_hash is not None


def needs_rehash(password_hash: str, cost: PasswordHashing) -> bool:
    """True when the stored hash used other parameters than ``cost``."""
    return _hasher(cost).check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (None when it is fine)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is shorter than {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password is longer than {MAX_PASSWORD_LENGTH} characters"
    if len(set(password)) < 4:
        return "the password is too repetitive"
    return None
