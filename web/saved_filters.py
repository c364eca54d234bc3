"""Saved filters and "mark all seen" on the change log: each acts for the signed-in user
only, through :mod:`zonewatch.changes.saved_filters` and :mod:`zonewatch.changes.visits`."""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.responses import Response

from zonewatch.changes.saved_filters import delete_filter, save_filter
from zonewatch.changes.visits import mark_all_seen
from zonewatch.models.base import utcnow
from zonewatch.web.changes import READERS, parse_filters, signed_in_user, view_query, wants_new
from zonewatch.web.permissions import Page, require


@require(*READERS)
def save(page: Page) -> Response:
    """``POST /filters``: keep the view's query under a name, then show that view. The query
    is parsed first, so a saved filter always opens."""
    params = QueryParams(page.form.get("query", ""))
    parse_filters(params, page.console.app.settings.tz)
    wants_new(params)
    query = view_query(params)
    save_filter(page.db, signed_in_user(page).id, page.form.get("name", ""), query)
    return page.redirect("/changes" + (f"?{query}" if query else ""))


@require(*READERS)
def delete(page: Page) -> Response:
    """``POST /filters/{id}/delete``: only the owner's filter; any other id is unknown."""
    delete_filter(page.db, signed_in_user(page).id, page.request.path_params["filter_id"])
    return page.redirect("/changes")


@require(*READERS)
def seen(page: Page) -> Response:
    """``POST /changes/seen``: nothing in the log is new to the user any more."""
    mark_all_seen(signed_in_user(page), utcnow())
    return page.redirect("/changes")
