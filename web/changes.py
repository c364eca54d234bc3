"""The change log, for the roles that read changes (a change's own page: web/change_page.py).

The filters are the command line's (``zonewatch changes list``), as query parameters, so a
filtered view is a link an analyst can keep. The views parse, call
:mod:`zonewatch.changes.queries` and render; nothing else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import replace
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
        [(key, value) for key, value in params.multi_items() if key != "page" and value]
    )


def _page_link(params: QueryParams, page: int) -> str:
    kept = view_query(params)
    return "/changes?" + (f"{kept}&" if kept else "") + urlencode([("page", str(page))])


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
    found = list_changes(page.db, filters)
    rows = found[:PAGE_SIZE]
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
        number=number,
        previous=_page_link(params, number - 1) if number > 1 else None,
        next=_page_link(params, number + 1) if len(found) > PAGE_SIZE else None,
        here=current_path(page.request),
    )
