"""Change-log views a console user keeps under a name: each is the query string of
``/changes`` (the filters and the search, never the page), and belongs to one user only.

Every function takes the owner: a user can neither list nor delete another's filters, and
asking for one that is not theirs is the same "unknown" as one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import SavedFilter

MAX_NAME = 100
MAX_QUERY = 2000
MAX_PER_USER = 100


def saved_filters(session: Session, user_id: int) -> list[SavedFilter]:
    """The user's filters, by name."""
    return list(
        session.scalars(
            select(SavedFilter).where(SavedFilter.user_id == user_id).order_by(SavedFilter.name)
        )
    )


def save_filter(session: Session, user_id: int, name: str, query: str) -> SavedFilter:
    """Keep ``query`` under ``name``; saving under a name the user already has replaces its
    query (the view they named changed, not a second one)."""
    name = " ".join(name.split())
    if not name:
        raise InputError("a saved filter needs a name")
    if len(name) > MAX_NAME:
        raise InputError(f"a saved filter's name has at most {MAX_NAME} characters")
    if len(query) > MAX_QUERY:
        raise InputError(f"a saved filter has at most {MAX_QUERY} characters of query")
    existing = session.scalar(
        select(SavedFilter).where(SavedFilter.user_id == user_id, SavedFilter.name == name)
    )
    if existing is not None:
        existing.query = query
        session.flush()
        return existing
    count = session.scalar(
        select(func.count()).select_from(SavedFilter).where(SavedFilter.user_id == user_id)
    )
    if (count or 0) >= MAX_PER_USER:
        raise InputError(f"at most {MAX_PER_USER} saved filters; delete one first")
    saved = SavedFilter(user_id=user_id, name=name, query=query)
    session.add(saved)
    session.flush()
    return saved


def delete_filter(session: Session, user_id: int, filter_id: int) -> None:
    saved = session.get(SavedFilter, filter_id)
    if saved is None or saved.user_id != user_id:
        raise NotFoundError(f"unknown saved filter {filter_id}")
    session.delete(saved)
    session.flush()
