"""The change log, for the roles that read changes (a change's own page: web/change_page.py).

The filters are the command line's (``zonewatch changes list``), as query parameters, so a
filtered view is a link an analyst can keep. The views parse, call
:mod:`zonewatch.changes.queries` and render; nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams
from starlette.responses import Response

from zonewatch.changes.queries import (
    CHANGE_KINDS,
    REVIEW_STATUSES,
    BaselineFilter,
    ChangeFilter,
    ChangePosition,
    LoggedChange,
    hidden_baselines,
    list_changes,
    with_entity_ids,
)
from zonewatch.changes.saved_filters import saved_filters
from zonewatch.changes.visits import visit_change_log
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Role, User
from zonewatch.models.base import utcnow
from zonewatch.web.permissions import Page, require
from zonewatch.web.redirects import current_path

READERS = (Role.ADMIN, Role.ANALYST, Role.OPERATOR)
"""Who reads the change log; watchers see only their own subscriptions."""
PAGE_SIZE = 50
POSITIONS = ("after", "before")
"""The older/newer links' positions: where a page starts, not what it shows."""
MAX_PAGE = 10_000
FILTER_FIELDS = (
    "entity",
    "zone_type",
    "topic",
    "source",
    "since",
    "until",
    "detected_since",
    "detected_until",
    "min_significance",
    "baseline",
    "q",
)
T = TypeVar("T")


def _one(params: QueryParams, name: str, parse: Callable[[str], T], label: str) -> T | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return parse(value)
    except ValueError:
        raise InputError(f"{label}: {value[:100]!r} is not valid") from None


def _significance(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1 or math.isnan(number):
        raise ValueError(value)
    return number


def _page_number(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_PAGE:
        raise ValueError(value)
    return number


def _only_new(value: str) -> bool:
    if value != "1":
        raise ValueError(value)
    return True


def parse_filters(params: QueryParams, tz: ZoneInfo) -> tuple[ChangeFilter, int]:
    """The change log's filters and page number from a query string; InputError names a bad
    parameter. ``new=1`` is not a filter yet: it needs the viewer (:func:`only_new`)."""
    day = dt.date.fromisoformat
    filters = ChangeFilter(
        entity_id=params.get("entity", "").strip() or None,
        zone_type=params.get("zone_type", "").strip() or None,
        topic_id=params.get("topic", "").strip() or None,
        source_id=params.get("source", "").strip() or None,
        kinds=tuple(kind for kind in params.getlist("kind") if kind),
        statuses=tuple(status for status in params.getlist("status") if status),
        since=_one(params, "since", day, "since"),
        until=_one(params, "until", day, "until"),
        detected_since=_one(params, "detected_since", day, "detected since"),
        detected_until=_one(params, "detected_until", day, "detected until"),
        min_significance=_one(params, "min_significance", _significance, "minimum significance"),
        baseline=_one(params, "baseline", BaselineFilter, "baseline") or BaselineFilter.SHOW,
        text=params.get("q", "").strip() or None,
        limit=PAGE_SIZE + 1,
        tz=tz,
    )
    page = _one(params, "page", _page_number, "page") or 1
    return replace(filters, offset=(page - 1) * PAGE_SIZE), page


def wants_new(params: QueryParams) -> bool:
    return _one(params, "new", _only_new, "new") or False


def only_new(filters: ChangeFilter, seen_at: dt.datetime | None) -> ChangeFilter:
    """Narrow to records new to the viewer; with no boundary (never looked) all are new."""
    return replace(filters, added_after=seen_at)


def view_query(params: QueryParams) -> str:
    """The query string of the view, without the page: what a saved filter or an export
    keeps."""
    return urlencode(
        [
            (key, value)
            for key, value in params.multi_items()
            if key != "page" and key not in POSITIONS and value
        ]
    )


def _position(params: QueryParams, name: str) -> ChangePosition | None:
    return _one(params, name, ChangePosition.from_token, name)


def _page_link(params: QueryParams, page: int, name: str, position: ChangePosition) -> str:
    """The page's number rides along for display only: the position says where it starts."""
    kept = view_query(params)
    return (
        "/changes?"
        + (f"{kept}&" if kept else "")
        + urlencode([("page", str(page)), (name, position.token())])
    )


@dataclass(frozen=True)
class LogPage:
    """One page of the log, with the positions of its neighbours (None at either end)."""

    rows: list[LoggedChange]
    number: int
    newer: ChangePosition | None
    older: ChangePosition | None


def _log_page(page: Page, filters: ChangeFilter, number: int) -> LogPage:
    """Keyset pages: ``after`` the last row of the page before, or ``before`` the first row
    of the page after, so records added meanwhile never shift a row onto two pages or off
    both. A bare ``page=N`` (an old link) still means an offset. Newer than the top there is
    nothing left to go back to: that is the first page, read afresh."""
    params = page.request.query_params
    after, before = _position(params, "after"), _position(params, "before")
    if after is not None and before is not None:
        raise InputError("after and before: a page starts at one position, not two")
    if after is not None or before is not None:
        filters = replace(filters, offset=0, after=after, before=before)
    found = list_changes(page.db, filters)
    if before is not None and len(found) <= PAGE_SIZE:
        found = list_changes(page.db, replace(filters, before=None))
        number, before = 1, None
    if before is not None:
        rows = found[-PAGE_SIZE:]
        return LogPage(rows, number, ChangePosition.of(rows[0]), ChangePosition.of(rows[-1]))
    rows = found[:PAGE_SIZE]
    newer = ChangePosition.of(rows[0]) if rows and number > 1 else None
    older = ChangePosition.of(rows[-1]) if len(found) > PAGE_SIZE else None
    return LogPage(rows, number, newer, older)


def signed_in_user(page: Page) -> User:
    user = page.user
    if user is None:
        raise NotFoundError("the signed-in user no longer exists")
    return user


@require(*READERS)
def change_log(page: Page) -> Response:
    """``/changes``: newest release first, each with its release date and detection time;
    each load counts toward the viewer's visits (``zonewatch.changes.visits``)."""
    params = page.request.query_params
    filters, number = parse_filters(params, page.console.app.settings.tz)
    filters = with_entity_ids(page.db, filters)
    new = wants_new(params)
    user = signed_in_user(page)
    seen_at = visit_change_log(user, utcnow())
    if new:
        filters = only_new(filters, seen_at)
    shown = _log_page(page, filters, number)
    rows = shown.rows
    query = view_query(params)
    return page.render(
        "changes.html",
        rows=rows,
        new_ids={
            row.record.id for row in rows if seen_at is None or row.record.created_at > seen_at
        },
        only_new=new,
        query=query,
        saved=saved_filters(page.db, user.id),
        params={name: params.get(name, "") for name in FILTER_FIELDS},
        chosen_kinds=set(filters.kinds),
        chosen_statuses=set(filters.statuses),
        kinds=CHANGE_KINDS,
        statuses=REVIEW_STATUSES,
        baselines=[choice.value for choice in BaselineFilter],
        hidden=hidden_baselines(page.db, filters),
        number=shown.number,
        previous=_page_link(params, max(shown.number - 1, 1), "before", shown.newer)
        if shown.newer is not None
        else None,
        next=_page_link(params, shown.number + 1, "after", shown.older)
        if shown.older is not None
        else None,
        here=current_path(page.request),
    )
