"""Password hashing with Argon2id (argon2-cffi, the library's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
"""Argon2 takes any length, but hashing megabytes on every login attempt is a cheap DoS."""

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("zonewatch: no such user, same cost")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. An unknown user (``None``) costs the same time as a
    known one, so the answer's timing does not say which usernames exist."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (None when it is fine)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is shorter than {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password is longer than {MAX_PASSWORD_LENGTH} characters"
    if len(set(password)) < 4:
        return "the password is too repetitive"
    return None
