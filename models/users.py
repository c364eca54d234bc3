"""People who sign in to the web console, with one role each."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from zonewatch.models.base import Base, Timestamped


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
