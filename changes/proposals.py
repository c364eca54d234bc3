"""Model changes proposed from documents, and an analyst's decision on them.

A release that reports a designation, expansion, reduction, lifting or rename of a zone (or a
new or reformed programme) proposes a change to the zone model: the entity's entry before and
after, with the words that support it. Accepting applies it with a validity date and records
it; rejecting keeps the proposal for the record. Nothing changes the model unreviewed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.changes.significance import significance
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeEntity, ChangeRecord, DocumentVersion, Entity, EntityChange
from zonewatch.models.base import utcnow

ZONE_KINDS = {"zone_type", "special_zone", "fez", "fez_district", "industrial_complex", "cluster"}
ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("lift", re.compile(r"해제|지정\s*취소|폐지|lift|revok|abolish", re.IGNORECASE)),
    ("reduce", re.compile(r"축소|감축|reduc", re.IGNORECASE)),
    ("expand", re.compile(r"확대\s*지정|추가\s*지정|확장|면적\s*확대|expan|enlarg", re.IGNORECASE)),
    ("rename", re.compile(r"명칭\s*변경|이름을\s*바꿔|renam", re.IGNORECASE)),
    ("designate", re.compile(r"지정|선정|신규\s*조성|designat", re.IGNORECASE)),
)
REFORM = re.compile(r"개편|개정|제도\s*개선|reform|overhaul", re.IGNORECASE)
LEAD = 600


def proposal_action(title: str, lead: str, topics: set[str], kind: str) -> str | None:
    """What the release reports for a zone (or a programme), from its title and lead."""
    if kind == "programme":
        return "reform" if "reform" in topics and REFORM.search(title) else None
    if "designation" not in topics:
        return None
    for action, pattern in ACTIONS:
        if pattern.search(title):
            return action
    for action, pattern in ACTIONS:
        if pattern.search(lead):
            return action
    return None


def entity_entry(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": {"ko": entity.name_ko, "en": entity.name_en},
        "parent": entity.parent_id,
        "valid_from": entity.valid_from.isoformat() if entity.valid_from else None,
        "valid_to": entity.valid_to.isoformat() if entity.valid_to else None,
        "retired": entity.retired,
    }


def proposed_entry(before: dict[str, Any], action: str, effective: dt.date) -> dict[str, Any]:
    after = dict(before)
    if action == "lift":
        after["valid_to"] = effective.isoformat()
    elif action == "designate" and not before.get("valid_from"):
        after["valid_from"] = effective.isoformat()
    after["last_event"] = {"action": action, "on": effective.isoformat()}
    return after


def propose_from_version(
    session: Session, version: DocumentVersion, topics: set[str], source_id: str | None
) -> list[ChangeRecord]:
    """Proposals (and their model_change records) for the zones the version reports on."""
    records = []
    lead = version.text[:LEAD]
    effective = (version.published_at or version.created_at).date()
    evidence_by_entity = _evidence(session, version.id)
    for entity in _mentioned(session, version.id):
        if entity.kind not in ZONE_KINDS | {"programme"}:
            continue
        action = proposal_action(version.title, lead, topics, entity.kind)
        if action is None:
            continue
        key = f"proposal:{version.id}:{entity.id}:{action}"
        if session.scalars(select(ChangeRecord.id).where(ChangeRecord.dedupe_key == key)).first():
            continue
        before = entity_entry(entity)
        proposal = EntityChange(
            entity_id=entity.id,
            action=action,
            status="proposed",
            origin="document",
            before=before,
            after=proposed_entry(before, action, effective),
            effective_on=effective,
            version_id=version.id,
            evidence=[{"title": version.title}, *evidence_by_entity.get(entity.id, [])[:3]],
        )
        session.add(proposal)
        session.flush()
        record = ChangeRecord(
            kind="model_change",
            dedupe_key=key,
            document_id=version.document_id,
            source_id=source_id,
            new_version_id=version.id,
            entity_change_id=proposal.id,
            title=f"Proposed: {entity.id} {action} — {version.title}"[:1000],
            summary=f"{entity.name_ko} ({entity.name_en}): {action} on {effective.isoformat()}",
            diff={"before": proposal.before, "after": proposal.after},
        )
        session.add(record)
        session.flush()
        session.add(ChangeEntity(change_id=record.id, entity_id=entity.id))
        records.append(record)
    return records


def _mentioned(session: Session, version_id: int) -> list[Entity]:
    from zonewatch.models import Mention

    return list(
        session.scalars(
            select(Entity)
            .join(Mention, Mention.entity_id == Entity.id)
            .where(Mention.version_id == version_id)
            .order_by(Entity.id)
        )
    )


def _evidence(session: Session, version_id: int) -> dict[str, list[Any]]:
    from zonewatch.models import Mention

    return {
        mention.entity_id: list(mention.evidence)
        for mention in session.scalars(select(Mention).where(Mention.version_id == version_id))
    }


def list_proposals(session: Session, status: str | None = "proposed") -> list[EntityChange]:
    query = select(EntityChange).where(EntityChange.origin == "document")
    if status:
        query = query.where(EntityChange.status == status)
    return list(session.scalars(query.order_by(EntityChange.id)))


def decide(session: Session, proposal_id: int, accept: bool, by: str) -> EntityChange:
    """Accept (apply to the model with its validity date, recorded) or reject a proposal."""
    proposal = session.get(EntityChange, proposal_id)
    if proposal is None or proposal.origin != "document":
        raise NotFoundError(
            f"no model change proposal {proposal_id} (see `zonewatch model proposals`)"
        )
    if proposal.status != "proposed":
        raise InputError(f"proposal {proposal_id} was already {proposal.status}")
    proposal.status = "accepted" if accept else "rejected"
    proposal.decided_by, proposal.decided_at = by, utcnow()
    if accept:
        _apply(session, proposal)
    session.flush()
    return proposal


def _apply(session: Session, proposal: EntityChange) -> None:
    entity = session.get(Entity, proposal.entity_id)
    if entity is None:
        raise NotFoundError(f"entity {proposal.entity_id!r} no longer exists")
    after = proposal.after or {}
    if after.get("valid_to"):
        entity.valid_to = dt.date.fromisoformat(after["valid_to"])
    if after.get("valid_from"):
        entity.valid_from = dt.date.fromisoformat(after["valid_from"])
    entity.spec = {**entity.spec, "last_event": after.get("last_event")}
    record = ChangeRecord(
        kind="model_change",
        dedupe_key=f"accepted:{proposal.id}",
        entity_change_id=proposal.id,
        new_version_id=proposal.version_id,
        title=f"Zone model: {entity.id} {proposal.action} (accepted)",
        summary=f"accepted by {proposal.decided_by}; effective {proposal.effective_on}",
        significance=significance("model_change")[0],
        signals={"model_change": proposal.action, "origin": "document", "decided": "accepted"},
        diff={"before": proposal.before, "after": proposal.after},
    )
    session.add(record)
    session.flush()
    session.add(ChangeEntity(change_id=record.id, entity_id=entity.id))
