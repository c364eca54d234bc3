"""People who sign in to the web console, with one role each."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zonewatch.models.base import Base, Timestamped, utcnow


class Role(StrEnum):
    """What a console user may do. Roles are not a ladder: each page names the roles it
    serves (``zonewatch.web.permissions.require``), so adding a page never widens another."""

    ADMIN = "admin"
    OPERATOR = "operator"
    ANALYST = "analyst"
    WATCHER = "watcher"


class User(Timestamped, Base):
    """A console account. ``password_hash`` is an Argon2id string (salt and parameters inside
    it); ``session_epoch`` is in every session cookie, so bumping it (logout, a new password,
    a role change) ends every session the user has, on every device."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'operator', 'analyst', 'watcher')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="ko", server_default="ko")
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    last_login_at: Mapped[dt.datetime | None]
    log_visited_at: Mapped[dt.datetime | None]
    """When the user last opened the change log (see ``zonewatch.changes.visits``)."""
    log_seen_at: Mapped[dt.datetime | None]
    """Records added to the log after this are new to the user; None: never looked."""


class SavedFilter(Base):
    """A change-log view a user named: the query string of ``/changes``, without a page."""

    __tablename__ = "saved_filters"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        Index("ix_saved_filters_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A personal token for feeds and the JSON API, which cannot carry a session cookie.

    Only the SHA-256 of the token is stored: the token itself is shown once, when made, so a
    copy of the database opens nothing. A 32-byte random token needs no slow hash (nothing
    to guess). ``prefix`` (the token's first characters) lets a person tell tokens apart.
    Removing the user removes their tokens; a role change applies to them at once, since
    the role is read from the user on every request.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]


class LoginFailure(Base):
    """One failed sign-in, counted under a key (``u:<username>`` or ``a:<address>``).

    In the database rather than in memory so every web process (docker-compose runs several
    workers) counts the same failures; rows older than the window are deleted as new ones
    arrive (``zonewatch.web.ratelimit``)."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(260))
    failed_at: Mapped[dt.datetime] = mapped_column(index=True)
