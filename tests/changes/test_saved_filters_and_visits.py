"""Saved filters belong to one user; "new since my last visit" moves only between visits."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from zonewatch.changes.queries import ChangeFilter, list_changes
from zonewatch.changes.saved_filters import (
    MAX_NAME,
    delete_filter,
    save_filter,
    saved_filters,
)
from zonewatch.changes.visits import VISIT_GAP, mark_all_seen, visit_change_log
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeRecord, Role, User

NOON = dt.datetime(2026, 3, 2, 3, tzinfo=dt.UTC)


def _user(session: Session, name: str) -> User:
    user = User(username=name, password_hash="unused: these users never sign in", role=Role.ANALYST)
    session.add(user)
    session.flush()
    return user


def test_saved_filters_are_per_user_and_a_name_is_replaced(db_session: Session) -> None:
    ana, bo = _user(db_session, "ana"), _user(db_session, "bo")
    first = save_filter(db_session, ana.id, "  송도   검색 ", "q=송도")
    save_filter(db_session, bo.id, "송도 검색", "q=청라")
    again = save_filter(db_session, ana.id, "송도 검색", "q=송도&kind=correction")
    assert again.id == first.id
    assert [(f.name, f.query) for f in saved_filters(db_session, ana.id)] == [
        ("송도 검색", "q=송도&kind=correction")
    ]
    with pytest.raises(NotFoundError):
        delete_filter(db_session, bo.id, first.id)
    delete_filter(db_session, ana.id, first.id)
    assert saved_filters(db_session, ana.id) == []
    assert len(saved_filters(db_session, bo.id)) == 1


@pytest.mark.parametrize("name", ["", "   ", "가" * (MAX_NAME + 1)])
def test_a_saved_filter_needs_a_sensible_name(db_session: Session, name: str) -> None:
    user = _user(db_session, "cy")
    with pytest.raises(InputError):
        save_filter(db_session, user.id, name, "q=a")


def test_the_boundary_moves_only_when_a_new_visit_begins() -> None:
    user = User(username="dee")
    assert visit_change_log(user, NOON) is None, "never looked: everything is new"
    later = NOON + VISIT_GAP
    assert visit_change_log(user, later) is None, "paging within a visit keeps the marks"
    next_visit = later + VISIT_GAP + dt.timedelta(seconds=1)
    assert visit_change_log(user, next_visit) == later, "the last load of the previous visit"
    assert visit_change_log(user, next_visit + dt.timedelta(minutes=1)) == later
    mark_all_seen(user, next_visit + dt.timedelta(minutes=2))
    assert visit_change_log(
        user, next_visit + dt.timedelta(minutes=3)
    ) == next_visit + dt.timedelta(minutes=2)


def test_new_means_added_to_the_log_after_the_boundary(db_session: Session) -> None:
    """A record detected before the boundary but added after it is still new."""
    late = ChangeRecord(
        kind="new_document",
        dedupe_key="late",
        title="늦게 기록된 변경",
        occurred_at=NOON - dt.timedelta(hours=1),
        created_at=NOON + dt.timedelta(minutes=1),
    )
    old = ChangeRecord(kind="new_document", dedupe_key="old", title="옛 변경", created_at=NOON)
    db_session.add_all([late, old])
    db_session.flush()
    found = list_changes(db_session, ChangeFilter(added_after=NOON))
    assert [change.record.id for change in found] == [late.id]
