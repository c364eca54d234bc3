"""The API's OpenAPI 3.1 description, made from its endpoint table (paths and parameters)
and the schemas below (bodies). The API's tests hold every answer to these schemas' keys, so
a field added to a ``--json`` shape without its schema fails there."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zonewatch.web.api import ApiEndpoint, Param

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
BOOLEAN = {"type": "boolean"}
TIME = _nullable("string", format="date-time")
DAY = _nullable("string", format="date")
TEXT = _nullable("string")
ID = _nullable("integer")
ANY_OBJECT: dict[str, Any] = {"type": ["object", "null"]}
STRINGS = {"type": "array", "items": STRING}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": sorted(properties),
    }


def _page(item: str) -> dict[str, Any]:
    return _object(
        {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "next": _nullable(
                "string", format="uri", description="The next page; null at the end."
            ),
        },
        f"A page of {item} records.",
    )


CHANGE = {
    "id": INTEGER,
    "kind": STRING,
    "baseline": BOOLEAN,
    "released_at": TIME,
    "release_date_from": _nullable("string", enum=["record", "document", None]),
    "detected_at": TIME,
    "created_at": TIME,
    "title": STRING,
    "url": TEXT,
    "summary": TEXT,
    "significance": NUMBER,
    "signals": {"type": ["array", "object", "null"]},
    "minor": BOOLEAN,
    "source_id": TEXT,
    "document_id": ID,
    "old_version_id": ID,
    "new_version_id": ID,
    "entity_change_id": ID,
    "related_change_id": ID,
    "event_key": TEXT,
    "dedupe_key": STRING,
    "review_status": STRING,
    "reviewed_by": TEXT,
    "reviewed_at": TIME,
    "review_note": TEXT,
    "entities": STRINGS,
    "topics": STRINGS,
    "diff": ANY_OBJECT,
}
LINKED = {"type": "array", "items": {"type": "object"}}
CHANGE_DETAILS = {
    **CHANGE,
    "source": ANY_OBJECT,
    "document": ANY_OBJECT,
    "old_version": ANY_OBJECT,
    "new_version": ANY_OBJECT,
    "entities": LINKED,
    "topics": LINKED,
    "related": ANY_OBJECT,
    "entity_change": ANY_OBJECT,
}
DOCUMENT = {
    "id": INTEGER,
    "source_id": STRING,
    "external_id": STRING,
    "url": STRING,
    "status": STRING,
    "title": TEXT,
    "published_at": TIME,
    "first_seen_at": TIME,
    "last_seen_at": TIME,
    "current_version_id": ID,
}
DOCUMENT_DETAILS = {**DOCUMENT, "text": TEXT, "versions": LINKED}
ENTITY = {
    "id": STRING,
    "kind": STRING,
    "parent": TEXT,
    "name_ko": STRING,
    "name_en": STRING,
    "retired": BOOLEAN,
}
ENTITY_DETAILS = {
    "id": STRING,
    "kind": STRING,
    "name": {"type": "object", "properties": {"ko": STRING, "en": STRING}},
    "retired": BOOLEAN,
    "parent": ANY_OBJECT,
    "children": LINKED,
    "authority": TEXT,
    "region": TEXT,
    "valid_from": DAY,
    "valid_to": DAY,
    "notes": TEXT,
    "aliases": LINKED,
    "history": LINKED,
}
SOURCE_STATUS = {
    "id": STRING,
    "state": STRING,
    "health": STRING,
    "reason": TEXT,
    "last_run": TIME,
    "last_status": TEXT,
    "next_run": TIME,
    "streak": TEXT,
    "items_found": ID,
    "mean_duration_seconds": _nullable("number"),
    "pause_reason": TEXT,
    "paused_by": TEXT,
    "last_errors": _nullable("integer"),
}
SOURCE = {
    "id": STRING,
    "name": STRING,
    "kind": STRING,
    "language": STRING,
    "owner": TEXT,
    "url": STRING,
    "enabled": BOOLEAN,
    "paused": BOOLEAN,
    "health": STRING,
    "status": {"$ref": "#/components/schemas/SourceStatus"},
}
ERROR = {
    "error": _object(
        {"status": INTEGER, "message": STRING}, "The HTTP status and a one-line reason."
    )
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Change": _object(CHANGE, "A change record, as `zonewatch changes list --json` prints it."),
    "ChangeDetails": _object(CHANGE_DETAILS, "A change, as `zonewatch changes show --json`."),
    "ChangePage": _page("Change"),
    "Document": _object(DOCUMENT, "A stored document and its current title."),
    "DocumentDetails": _object(DOCUMENT_DETAILS, "A document with its versions and text."),
    "DocumentPage": _page("Document"),
    "Entity": _object(ENTITY, "An entity, as `zonewatch entities list --json`."),
    "EntityDetails": _object(ENTITY_DETAILS, "An entity, as `zonewatch entities show --json`."),
    "EntityPage": _page("Entity"),
    "SourceStatus": _object(SOURCE_STATUS, "As `zonewatch sources status --json`."),
    "Source": _object(SOURCE, "A source (`zonewatch sources list --json`) with its status."),
    "SourcePage": _page("Source"),
    "OpenApi": {"type": "object", "description": "This document."},
    "Error": _object(ERROR, "Every error answer."),
}
ERRORS = {
    "400": "A parameter is not valid.",
    "401": "No token, or an unknown or revoked one.",
    "403": "The token's user has a role that may not read the change log.",
    "404": "No such record.",
}


def _parameter(param: Param) -> dict[str, Any]:
    schema = {"type": "array", "items": param.schema} if param.repeated else param.schema
    described: dict[str, Any] = {
        "name": param.name,
        "in": param.where.value,
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }
    if param.repeated:
        described.update(style="form", explode=True)
    return described


def openapi_path(path: str) -> str:
    """Starlette's ``{id:int}`` as OpenAPI's ``{id}``."""
    return re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", path)


def _operation(endpoint: ApiEndpoint) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    responses: dict[str, Any] = {
        "200": {
            "description": endpoint.summary,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{endpoint.schema}"}}
            },
        }
    }
    if not endpoint.public:
        responses.update(
            {code: {"description": text, "content": error} for code, text in ERRORS.items()}
        )
    operation: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "description": (endpoint.view.__doc__ or endpoint.summary).strip(),
        "parameters": [_parameter(param) for param in endpoint.params],
        "responses": responses,
    }
    if endpoint.public:
        operation["security"] = []
    return operation


def describe(endpoints: Sequence[ApiEndpoint], public_url: str) -> dict[str, Any]:
    from zonewatch.web.api import PREFIX

    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "zonewatch API",
            "version": API_VERSION,
            "description": "Read-only access to the change log, documents, entities and "
            "sources. Send a personal token (made at /tokens or with `zonewatch users token`) "
            "as `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": public_url.rstrip("/")}],
        "security": [{"bearerAuth": []}],
        "paths": {
            PREFIX + openapi_path(endpoint.path): {"get": _operation(endpoint)}
            for endpoint in endpoints
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
