"""Entity pages: search by any name, and one page per entity with its names, districts,
history and timeline.

A name in the address (``/entities/송도``) leads to the entity's own page (by id, so that a
link stays valid through a rename) or, when the name stands for several, to the list of
candidates. The views parse, call :mod:`zonewatch.models.names`,
:mod:`zonewatch.models.queries` and :mod:`zonewatch.changes.queries`, and render.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from starlette.responses import Response

from zonewatch.changes.queries import timeline
from zonewatch.entry_diff import describe_entry_diff
from zonewatch.errors import NotFoundError
from zonewatch.models import Role
from zonewatch.models.names import (
    Candidate,
    resolve_entity,
    search_entities,
)
from zonewatch.models.queries import entity_details, list_entities
from zonewatch.web.permissions import Page, require

READERS = (Role.ADMIN, Role.ANALYST, Role.OPERATOR)
"""Who reads the zone model: everyone who reads the change log it explains."""
TIMELINE_LIMIT = 100


def entity_path(entity_id: str) -> str:
    return "/entities/" + quote(entity_id, safe="")


@require(*READERS)
def entity_index(page: Page) -> Response:
    """``/entities?q=``: the entities a name stands for, then those whose names contain it;
    without a query, the whole model."""
    query = page.request.query_params.get("q", "").strip()
    if not query:
        return page.render(
            "entities.html",
            query="",
            exact=[],
            similar=[],
            every=list_entities(page.db),
            entity_path=entity_path,
        )
    exact = list(resolve_entity(page.db, query).candidates)
    named = {candidate.id for candidate in exact}
    return _listing(
        page, query, exact, [c for c in search_entities(page.db, query) if c.id not in named]
    )


@require(*READERS)
def entity_page(page: Page) -> Response:
    """``/entities/{id or name}``: the entity's page, a redirect to it, or the candidates."""
    reference = page.request.path_params["entity"]
    resolution = resolve_entity(page.db, reference)
    if resolution.ambiguous:
        return _listing(page, resolution.query, list(resolution.candidates), [])
    entity_id = resolution.entity_id
    if entity_id is None:
        raise NotFoundError(f"unknown entity {resolution.query!r}")
    if entity_id != reference:
        return page.redirect(entity_path(entity_id))
    details = entity_details(page.db, entity_id)
    history = [
        (change, describe_entry_diff(change["before"], change["after"]))
        for change in reversed(details["history"])
    ]
    return page.render(
        "entity.html",
        entity=details,
        history=history,
        events=timeline(page.db, entity_id, TIMELINE_LIMIT),
        change_log="/changes?" + urlencode({"entity": entity_id}),
        entity_path=entity_path,
    )


def _listing(page: Page, query: str, exact: list[Candidate], similar: list[Candidate]) -> Response:
    return page.render(
        "entities.html",
        query=query,
        exact=exact,
        similar=similar,
        every=[],
        entity_path=entity_path,
    )
