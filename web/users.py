"""Console accounts: add, list, change role, remove, and check a login.

The command line (``zonewatch users``) and the web pages both come here; every input is
checked once, and an error says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.config.settings import PasswordHashing
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Role, User
from zonewatch.models.base import utcnow
from zonewatch.web.passwords import hash_password, needs_rehash, password_problem, verify_password

LANGUAGES = ("ko", "en")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")


@dataclass(frozen=True)
class UserRow:
    """A user as lists show it (never the hash)."""

    id: int
    username: str
    role: Role
    language: str
    last_login_at: str | None


def normalize_username(value: str) -> str:
    """Lower-case, trimmed; 2-64 of a-z 0-9 . _ @ - starting with a letter or digit."""
    name = value.strip().lower()
    if not _USERNAME.match(name):
        raise InputError(
            f"bad username {value!r}: use 2-64 characters a-z, 0-9, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InputError(f"unknown role {value!r} (one of {known})") from None


def check_language(value: str) -> str:
    if value not in LANGUAGES:
        raise InputError(f"unknown language {value!r} (one of {', '.join(LANGUAGES)})")
    return value


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None:
        raise NotFoundError(f"unknown user {username!r} (see `zonewatch users list`)")
    return user


def add_user(
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    language: str = "ko",
    *,
    cost: PasswordHashing,
) -> User:
    name = normalize_username(username)
    problem = password_problem(password)
    if problem:
        raise InputError(problem)
    role = parse_role(role) if isinstance(role, str) else role
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise InputError(f"user {name!r} exists already")
    user = User(
        username=name,
        password_hash=hash_password(password, cost),
        role=role.value,
        language=check_language(language),
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[UserRow]:
    from zonewatch.timefmt import local_minutes

    return [
        UserRow(
            user.id,
            user.username,
            Role(user.role),
            user.language,
            local_minutes(user.last_login_at) or None,
        )
        for user in session.scalars(select(User).order_by(User.username))
    ]


def _admins(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN)) or 0
    )


def set_role(session: Session, username: str, role: Role | str) -> User:
    """Change a user's role; their sessions end (the next page asks them to sign in again).
    The last admin cannot be demoted: nobody could manage accounts from the console then."""
    user = get_user(session, username)
    role = parse_role(role) if isinstance(role, str) else role
    if user.role == Role.ADMIN and role is not Role.ADMIN and _admins(session) == 1:
        raise InputError(f"{user.username!r} is the last admin; make another admin first")
    if user.role != role.value:
        user.role = role.value
        user.session_epoch += 1
    session.flush()
    return user


def remove_user(session: Session, username: str, by: int | None = None) -> None:
    """Remove an account (its sessions end with it). ``by``, the acting user, cannot remove
    themselves: an admin would lose the console in the middle of managing it."""
    user = get_user(session, username)
    if by is not None and user.id == by:
        raise InputError("you cannot remove your own account; ask another admin")
    if user.role == Role.ADMIN and _admins(session) == 1:
        raise InputError(f"{user.username!r} is the last admin; make another admin first")
    session.delete(user)
    session.flush()


def set_password(session: Session, username: str, password: str, *, cost: PasswordHashing) -> User:
    """A new password ends every session the user had."""
    problem = password_problem(password)
    if problem:
        raise InputError(problem)
    user = get_user(session, username)
    user.password_hash = hash_password(password, cost)
    user.session_epoch += 1
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, cost: PasswordHashing
) -> User | None:
    """The user when the name and password match, else None (the same answer, and about the
    same time, for an unknown name and a wrong password). A hash made with weaker parameters
    is replaced on the way."""
    try:
        name = normalize_username(username)
    except InputError:
        name = ""
    user = session.scalar(select(User).where(User.username == name)) if name else None
    if not verify_password(user.password_hash if user is not None else None, password, cost):
        return None
    assert user is not None
    if needs_rehash(user.password_hash, cost):
        user.password_hash = hash_password(password, cost)
    user.last_login_at = utcnow()
    session.flush()
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Sign the user out everywhere (the console's logout does this)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_epoch += 1
        session.flush()


def set_language(session: Session, user_id: int, language: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"unknown user id {user_id}")
    user.language = check_language(language)
    session.flush()
    return user


def change_password(
    session: Session, user_id: int, current: str, new: str, *, cost: PasswordHashing
) -> User:
    """A user's own change: the current password is asked so that a session left open
    cannot be turned into the account. Every session ends (the caller re-issues its own)."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"unknown user id {user_id}")
    if not verify_password(user.password_hash, current, cost):
        raise InputError("the current password is not right")
    return set_password(session, user.username, new, cost=cost)
