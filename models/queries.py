"""Read-side helpers shared by the command line and (later) the web UI."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from zonewatch.errors import NotFoundError
from zonewatch.models.changes import EntityChange
from zonewatch.models.entities import Entity
from zonewatch.models.names import resolve_entity_id

ALIAS_KIND_ORDER = ("name", "abbreviation", "alias", "weak", "former")


def get_entity(session: Session, entity_id: str) -> Entity:
    entity = session.get(Entity, entity_id, options=[selectinload(Entity.aliases)])
    if entity is None:
        raise NotFoundError(f"unknown entity {entity_id!r} (see `zonewatch entities list`)")
    return entity


def list_entities(session: Session, kind: str | None = None) -> list[Entity]:
    query = select(Entity).order_by(Entity.kind, Entity.id)
    if kind is not None:
        query = query.where(Entity.kind == kind)
    return list(session.scalars(query))


def descendants(session: Session, entity_id: str) -> list[str]:
    """Ids of every entity below ``entity_id`` (districts, instances), breadth first."""
    children: dict[str, list[str]] = {}
    for child_id, parent_id in session.execute(select(Entity.id, Entity.parent_id)):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(child_id)
    found: list[str] = []
    queue = list(children.get(entity_id, []))
    while queue:
        current = queue.pop(0)
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def entity_details(session: Session, entity_id: str) -> dict[str, Any]:
    """Everything an analyst wants to see about one entity, as plain data."""
    entity = get_entity(session, entity_id)
    aliases = sorted(
        entity.aliases,
        key=lambda alias: (ALIAS_KIND_ORDER.index(alias.alias_kind), alias.lang, alias.text),
    )
    history = session.scalars(
        select(EntityChange)
        .where(EntityChange.entity_id == entity_id)
        .order_by(EntityChange.created_at, EntityChange.id)
    )
    parent = entity.parent
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": {"ko": entity.name_ko, "en": entity.name_en},
        "retired": entity.retired,
        "parent": {"id": parent.id, "name_en": parent.name_en, "name_ko": parent.name_ko}
        if parent
        else None,
        "children": [
            {"id": child.id, "kind": child.kind, "name_en": child.name_en, "name_ko": child.name_ko}
            for child in entity.children
        ],
        "authority": entity.authority_id,
        "region": entity.region_id,
        "valid_from": entity.valid_from,
        "valid_to": entity.valid_to,
        "notes": entity.notes,
        "aliases": [
            {
                "text": alias.text,
                "lang": alias.lang,
                "kind": alias.alias_kind,
                "valid_from": alias.valid_from,
                "valid_to": alias.valid_to,
            }
            for alias in aliases
        ],
        "history": [
            {
                "id": change.id,
                "action": change.action,
                "status": change.status,
                "origin": change.origin,
                "effective_on": change.effective_on,
                "decided_by": change.decided_by,
                "at": change.created_at,
                "before": change.before,
                "after": change.after,
            }
            for change in history
        ],
    }


def entity_as_json(entity: Entity) -> dict[str, Any]:
    """An entity as ``zonewatch entities list --json`` and the API's list show it."""
    return {
        "id": entity.id,
        "kind": entity.kind,
        "parent": entity.parent_id,
        "name_ko": entity.name_ko,
        "name_en": entity.name_en,
        "retired": entity.retired,
    }


def find_entity(session: Session, key: str) -> Entity:
    """An entity by its id, else by any of its names (``IFEZ``, ``인천경제자유구역``), as
    :func:`zonewatch.models.names.resolve_entity_id` resolves them: one lookup for every
    command, page and API call. A name shared by several entities is an error, never a guess."""
    return get_entity(session, resolve_entity_id(session, key))
