"""The read-only JSON API under ``/api/v1``: changes, documents, entities and sources.

Every endpoint takes a personal token as ``Authorization: Bearer`` (never the session
cookie: see :mod:`zonewatch.web.tokens`) and answers with the JSON the command line's
``--json`` prints, from the same services. Lists of changes and documents are paged by an
opaque cursor (``next`` is the next page's full address, null on the last page), which stays
right while new records arrive. The endpoint table below is also the source of the OpenAPI
description (:mod:`zonewatch.web.openapi`), so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.routing import Route

from zonewatch.changes.queries import (
    CHANGE_KINDS,
    REVIEW_STATUSES,
    BaselineFilter,
    ChangePosition,
    change_as_json,
    change_details,
    list_changes,
)
from zonewatch.crawlers.status import source_as_json, source_status
from zonewatch.errors import InputError, NotFoundError
from zonewatch.ingest.reading import (
    DocumentFilter,
    document_as_json,
    document_details,
    list_documents,
)
from zonewatch.models import Source
from zonewatch.models.queries import entity_as_json, entity_details, find_entity, list_entities
from zonewatch.timefmt import iso_local
from zonewatch.web.changes import READERS, parse_filters
from zonewatch.web.tokens import Call, Credential, token_access

PREFIX = "/api/v1"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_ID = 2**63 - 1


class In(StrEnum):
    QUERY = "query"
    PATH = "path"


@dataclass(frozen=True)
class Param:
    """One parameter of an endpoint, as OpenAPI describes it."""

    name: str
    where: In
    description: str
    schema: dict[str, Any]
    repeated: bool = False

    @property
    def required(self) -> bool:
        return self.where is In.PATH


def _string(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


DAY = _string(format="date")
CURSOR = Param("cursor", In.QUERY, "The `next` link's cursor: the page after it.", _string())
LIMIT = Param(
    "limit",
    In.QUERY,
    f"Items per page (default {DEFAULT_LIMIT}).",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
)
CHANGE_FILTERS = (
    Param("entity", In.QUERY, "An entity id: changes about it or anything below it.", _string()),
    Param("zone_type", In.QUERY, "A zone type id: changes about zones of that type.", _string()),
    Param("topic", In.QUERY, "A topic id.", _string()),
    Param("source", In.QUERY, "A source id.", _string()),
    Param("kind", In.QUERY, "Change kinds (any of).", _string(enum=list(CHANGE_KINDS)), True),
    Param(
        "status", In.QUERY, "Review statuses (any of).", _string(enum=list(REVIEW_STATUSES)), True
    ),
    Param("since", In.QUERY, "Released on or after this KST day.", DAY),
    Param("until", In.QUERY, "Released on or before this KST day.", DAY),
    Param("detected_since", In.QUERY, "Detected on or after this KST day.", DAY),
    Param("detected_until", In.QUERY, "Detected on or before this KST day.", DAY),
    Param(
        "min_significance",
        In.QUERY,
        "Minimum significance, 0 to 1.",
        {"type": "number", "minimum": 0, "maximum": 1},
    ),
    Param(
        "baseline",
        In.QUERY,
        "Records of a source's first crawl: show (default), hide, only.",
        _string(enum=[choice.value for choice in BaselineFilter]),
    ),
    Param(
        "q",
        In.QUERY,
        "Words that must all appear in the title, summary or text (substring match).",
        _string(),
    ),
)


@dataclass(frozen=True)
class ApiEndpoint:
    """A GET endpoint: its path (Starlette syntax), what it answers and its parameters.
    ``schema`` names the response body's component; ``public`` endpoints take no token."""

    path: str
    name: str
    summary: str
    view: Callable[[Call], Response]
    schema: str
    params: tuple[Param, ...] = ()
    public: bool = False


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_json_value)
    return Response(body, status, media_type="application/json")


def _json_value(value: object) -> str:
    """Dates as ISO 8601, times in local time with their offset (as ``--json`` prints)."""
    if isinstance(value, dt.datetime):
        return iso_local(value) or ""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _check_params(params: QueryParams, allowed: tuple[Param, ...]) -> None:
    """A misspelt parameter is an error, not a filter silently ignored."""
    names = {param.name for param in allowed}
    unknown = sorted({key for key in params if key not in names})
    if unknown:
        raise InputError(f"unknown parameter {', '.join(unknown)} (see {PREFIX}/openapi.json)")


def _limit(params: QueryParams) -> int:
    value = params.get("limit", "").strip()
    if not value:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise InputError(f"limit: {value[:20]!r} is not a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def encode_cursor(position: ChangePosition) -> str:
    return position.token()


def decode_cursor(value: str) -> ChangePosition:
    try:
        return ChangePosition.from_token(value)
    except ValueError:
        raise InputError("cursor: not a cursor from a `next` link") from None


def _next_link(call: Call, cursor: str) -> str:
    kept = [(k, v) for k, v in call.request.query_params.multi_items() if k != "cursor"]
    base = call.app.settings.public_url.rstrip("/")
    return (
        f"{base}{call.request.url.path.removeprefix(call.request.scope.get('root_path', ''))}?"
        + urlencode([*kept, ("cursor", cursor)])
    )


def changes(call: Call) -> Response:
    """The change log, newest release first, with every filter of ``zonewatch changes list``."""
    params = call.request.query_params
    _check_params(params, (*CHANGE_FILTERS, CURSOR, LIMIT))
    filters, _ = parse_filters(params, call.app.settings.tz)
    limit = _limit(params)
    cursor = params.get("cursor", "").strip()
    after = decode_cursor(cursor) if cursor else None
    found = list_changes(call.db, replace(filters, limit=limit + 1, offset=0, after=after))
    page = found[:limit]
    tz = call.app.settings.tz
    following = (
        _next_link(call, encode_cursor(ChangePosition.of(page[-1]))) if len(found) > limit else None
    )
    return _json({"items": [change_as_json(change, tz) for change in page], "next": following})


def _positive_id(call: Call, name: str, label: str) -> int:
    value: int = call.request.path_params[name]
    if not 0 < value <= MAX_ID:
        raise NotFoundError(f"unknown {label} {value}")
    return value


def change(call: Call) -> Response:
    """One change with its versions, source, evidence and related records (``changes show``)."""
    change_id = _positive_id(call, "change_id", "change")
    return _json(change_details(call.db, change_id, call.app.settings.tz))


DOCUMENT_FILTERS = (
    Param("source", In.QUERY, "A source id.", _string()),
    Param("status", In.QUERY, "Document status (active, removed, ...).", _string()),
)


def documents(call: Call) -> Response:
    """Stored documents, the most recently found first."""
    params = call.request.query_params
    _check_params(params, (*DOCUMENT_FILTERS, CURSOR, LIMIT))
    limit = _limit(params)
    cursor = params.get("cursor", "").strip()
    if cursor and (not cursor.isdigit() or not 0 < int(cursor) <= MAX_ID):
        raise InputError("cursor: not a cursor from a `next` link")
    filters = DocumentFilter(
        source_id=params.get("source", "").strip() or None,
        status=params.get("status", "").strip() or None,
        after_id=int(cursor) if cursor else None,
        limit=limit + 1,
    )
    found = list_documents(call.db, filters)
    page = found[:limit]
    tz = call.app.settings.tz
    following = _next_link(call, str(page[-1].id)) if len(found) > limit else None
    return _json({"items": [document_as_json(item, tz) for item in page], "next": following})


def document(call: Call) -> Response:
    """One document with all its versions and the current text."""
    document_id = _positive_id(call, "document_id", "document")
    return _json(document_details(call.db, document_id, call.app.settings.tz))


ENTITY_FILTERS = (Param("kind", In.QUERY, "Only this kind (zone, district, ...).", _string()),)


def entities(call: Call) -> Response:
    """Every entity of the model (a few hundred: one page)."""
    params = call.request.query_params
    _check_params(params, ENTITY_FILTERS)
    kind = params.get("kind", "").strip() or None
    return _json({"items": [entity_as_json(e) for e in list_entities(call.db, kind)], "next": None})


def entity(call: Call) -> Response:
    """One entity by id or by any of its names and aliases (``IFEZ``, ``송도``)."""
    found = find_entity(call.db, call.request.path_params["key"])
    return _json(entity_details(call.db, found.id))


def _source_json(call: Call, source: Source) -> dict[str, object]:
    status = source_status(call.db, source).as_json(call.app.settings.tz)
    return {**source_as_json(source), "status": status}


def sources(call: Call) -> Response:
    """Every source with its health, last and next run (``sources list`` and ``status``)."""
    rows = call.db.scalars(select(Source).order_by(Source.id))
    return _json({"items": [_source_json(call, source) for source in rows], "next": None})


def source(call: Call) -> Response:
    source_id = call.request.path_params["source_id"]
    found = call.db.get(Source, source_id)
    if found is None:
        raise NotFoundError(f"unknown source {source_id!r}")
    return _json(_source_json(call, found))


def openapi(call: Call) -> Response:
    """This API's OpenAPI 3.1 description."""
    from zonewatch.web.openapi import describe

    return _json(describe(ENDPOINTS, call.app.settings.public_url))


ENDPOINTS = (
    ApiEndpoint(
        "/changes",
        "api_changes",
        "List changes",
        changes,
        "ChangePage",
        (*CHANGE_FILTERS, CURSOR, LIMIT),
    ),
    ApiEndpoint(
        "/changes/{change_id:int}",
        "api_change",
        "One change",
        change,
        "ChangeDetails",
        (Param("change_id", In.PATH, "The change's id.", {"type": "integer"}),),
    ),
    ApiEndpoint(
        "/documents",
        "api_documents",
        "List documents",
        documents,
        "DocumentPage",
        (*DOCUMENT_FILTERS, CURSOR, LIMIT),
    ),
    ApiEndpoint(
        "/documents/{document_id:int}",
        "api_document",
        "One document",
        document,
        "DocumentDetails",
        (Param("document_id", In.PATH, "The document's id.", {"type": "integer"}),),
    ),
    ApiEndpoint(
        "/entities", "api_entities", "List entities", entities, "EntityPage", ENTITY_FILTERS
    ),
    ApiEndpoint(
        "/entities/{key}",
        "api_entity",
        "One entity by id or name",
        entity,
        "EntityDetails",
        (Param("key", In.PATH, "An entity id, name or alias.", _string()),),
    ),
    ApiEndpoint("/sources", "api_sources", "List sources with health", sources, "SourcePage"),
    ApiEndpoint(
        "/sources/{source_id}",
        "api_source",
        "One source with health",
        source,
        "Source",
        (Param("source_id", In.PATH, "The source's id.", _string()),),
    ),
    ApiEndpoint(
        "/openapi.json", "api_openapi", "This description", openapi, "OpenApi", public=True
    ),
)

_readers = token_access(Credential.BEARER, *READERS)
_public = token_access(Credential.NONE)


def _routes() -> list[Route]:
    return [
        Route(
            PREFIX + endpoint.path,
            (_public if endpoint.public else _readers)(endpoint.view),
            methods=["GET"],
            name=endpoint.name,
        )
        for endpoint in ENDPOINTS
    ]


ROUTES = _routes()
