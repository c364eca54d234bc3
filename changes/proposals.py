"""Model changes proposed from documents, and an analyst's decision on them.

A release that reports a designation, expansion, reduction, lifting or rename of a zone (or a
new or reformed programme) proposes a change to the zone model: the entity's entry before and
after, with the words that support it. Accepting applies it with a validity date and records
it; rejecting keeps the proposal for the record. Nothing changes the model unreviewed.

A proposal's record is its own event (``proposal:{id}``), which alerts nobody: it is a
question for an analyst. Accepting it records the answer as a ``model:{id}`` event that is
matched like any other, so subscribers of the zone hear of the change once, when it is true.
Both carry the release date of the document that reported the change.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.changes.events import model_event, proposal_event
from zonewatch.changes.significance import significance
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    Document,
    DocumentVersion,
    Entity,
    EntityChange,
)
from zonewatch.models.base import utcnow
from zonewatch.models.enums import ChangeKind, ModelAction, ProposalOrigin, ProposalStatus
from zonewatch.models.services import apply_validity

ZONE_KINDS = {"zone_type", "special_zone", "fez", "fez_district", "industrial_complex", "cluster"}
ACTIONS: tuple[tuple[ModelAction, re.Pattern[str]], ...] = (
    (ModelAction.LIFT, re.compile(r"해제|지정\s*취소|폐지|lift|revok|abolish", re.IGNORECASE)),
    (ModelAction.REDUCE, re.compile(r"축소|감축|reduc", re.IGNORECASE)),
    (
        ModelAction.EXPAND,
        re.compile(r"확대\s*지정|추가\s*지정|확장|면적\s*확대|expan|enlarg", re.IGNORECASE),
    ),
    (ModelAction.RENAME, re.compile(r"명칭\s*변경|이름을\s*바꿔|renam", re.IGNORECASE)),
    (ModelAction.DESIGNATE, re.compile(r"지정|선정|신규\s*조성|designat", re.IGNORECASE)),
)
REFORM = re.compile(r"개편|개정|제도\s*개선|reform|overhaul", re.IGNORECASE)
TENTATIVE = re.compile(
    r"신청|계획|후보|예정|추진|검토|공모|건의|요청|착수|예비|희망|"
    r"appl(?:y|ication)|plan|candidate|propos|prospective|seek",
    re.IGNORECASE,
)
"""Words that make a reported action something asked for, planned or shortlisted, not done."""
NEAR_BEFORE, NEAR_AFTER = 6, 10
"""How close (characters) a tentative word must be to the action word to qualify it."""
ROUND = re.compile(
    r"(?:제\s*)?(\d+)\s*(?:차|번째)\s*(?:추가\s*)?(?:지정|선정|해제)|round\s*(\d+)",
    re.IGNORECASE,
)
"""A numbered round of a programme: an event of the programme, not its own designation."""
KST = ZoneInfo("Asia/Seoul")
LEAD = 600


def proposal_action(title: str, lead: str, topics: set[str], kind: str) -> ModelAction | None:
    """What the release reports for a zone (or a programme), from its title and lead.

    The title decides when it names an action: an application, plan or shortlist there
    ("확대 지정 신청", "지정 계획", "후보지 선정") proposes nothing, whatever the lead says.
    """
    if kind == "programme":
        return ModelAction.REFORM if "reform" in topics and REFORM.search(title) else None
    if "designation" not in topics:
        return None
    for text in (title, lead):
        for action, pattern in ACTIONS:
            match = pattern.search(text)
            if match:
                return None if _tentative(text, match) else action
    return None


def _tentative(text: str, match: re.Match[str]) -> bool:
    window = text[max(0, match.start() - NEAR_BEFORE) : match.end() + NEAR_AFTER]
    return TENTATIVE.search(window) is not None


def event_round(title: str) -> int | None:
    """The round a release reports ("3차 지정" → 3), if it names one."""
    match = ROUND.search(title)
    return int(match.group(1) or match.group(2)) if match else None


def effective_day(moment: dt.datetime) -> dt.date:
    """The day of an event as Korea counts it: 08:30 KST is 23:30 UTC the day before."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(KST).date()


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


def proposed_entry(
    before: dict[str, Any], action: ModelAction, effective: dt.date, kind: str, round_: int | None
) -> dict[str, Any]:
    """The entry after the change. A round of a programme, or any event reported of a zone
    type (a zone of that type was designated), is an event of the entity: recorded, with the
    validity the entity already has."""
    after = dict(before)
    event: dict[str, Any] = {"action": action, "on": effective.isoformat()}
    if round_ is not None:
        event["round"] = round_
    after["event"] = event
    if round_ is not None or kind == "zone_type":
        return after
    if action is ModelAction.LIFT:
        after["valid_to"] = effective.isoformat()
    elif action is ModelAction.DESIGNATE and not before.get("valid_from"):
        after["valid_from"] = effective.isoformat()
    return after


def proposal_key(document_id: int, entity_id: str, action: ModelAction) -> str:
    """One proposal per release, entity and action: later versions of the release (a
    spacing fix, a re-save) propose nothing new."""
    return f"proposal:{document_id}:{entity_id}:{action}"


def propose_from_version(
    session: Session,
    version: DocumentVersion,
    topics: set[str],
    source_id: str | None,
    minor: bool = False,
) -> list[ChangeRecord]:
    """Proposals (and their model_change records) for the zones the version reports on.

    ``minor`` is the status of the edit that made this version: a proposal first found on a
    minor edit is recorded as minor too, and alerts nobody.
    """
    if "designation" not in topics and "reform" not in topics:
        return []
    released_at = _released_at(session, version.id)
    lead = version.text[:LEAD]
    effective = effective_day(version.published_at or version.created_at)
    round_ = event_round(version.title)
    reported = [
        (entity, action)
        for entity in dict.fromkeys(_mentioned(session, version.id))
        if entity.kind in ZONE_KINDS | {"programme"}
        and (action := proposal_action(version.title, lead, topics, entity.kind)) is not None
    ]
    done = _proposed(session, version.document_id, reported)
    reported = [(entity, action) for entity, action in reported if (entity.id, action) not in done]
    if not reported:
        return []
    evidence_by_entity = _evidence(session, version.id)
    proposals = []
    for entity, action in reported:
        before = entity_entry(entity)
        proposals.append(
            EntityChange(
                entity_id=entity.id,
                action=action,
                status=ProposalStatus.PROPOSED,
                origin=ProposalOrigin.DOCUMENT,
                before=before,
                after=proposed_entry(before, action, effective, entity.kind, round_),
                effective_on=effective,
                version_id=version.id,
                evidence=[{"title": version.title}, *evidence_by_entity.get(entity.id, [])[:3]],
            )
        )
    session.add_all(proposals)
    session.flush()
    records = [
        ChangeRecord(
            kind=ChangeKind.MODEL_CHANGE,
            dedupe_key=proposal_key(version.document_id, entity.id, action),
            minor=minor,
            document_id=version.document_id,
            source_id=source_id,
            new_version_id=version.id,
            entity_change_id=proposal.id,
            event_key=proposal_event(proposal.id),
            released_at=released_at,
            title=f"Proposed: {entity.id} {action} — {version.title}"[:1000],
            summary=f"{entity.name_ko} ({entity.name_en}): {action} on {effective.isoformat()}",
            diff={"before": proposal.before, "after": proposal.after},
        )
        for (entity, action), proposal in zip(reported, proposals, strict=True)
    ]
    session.add_all(records)
    session.flush()
    session.add_all(
        ChangeEntity(change_id=record.id, entity_id=entity.id)
        for record, (entity, _) in zip(records, reported, strict=True)
    )
    return records


def _released_at(session: Session, version_id: int | None) -> dt.datetime | None:
    """The stated release date of the document a version belongs to (None when unknown or
    gone): a model change is dated by the release that reported it, not by when we read it
    nor by its effective day, which the record's diff already shows."""
    version = session.get(DocumentVersion, version_id) if version_id is not None else None
    document = session.get(Document, version.document_id) if version is not None else None
    return document.published_at if document is not None else None


def _proposed(
    session: Session, document_id: int, reported: list[tuple[Entity, ModelAction]]
) -> set[tuple[str, ModelAction]]:
    """The (entity, action) pairs of ``reported`` already proposed from this release: by key,
    or by an earlier proposal row (records made before keys named the release rather than the
    version). Two queries for all of them."""
    if not reported:
        return set()
    keys = {
        proposal_key(document_id, entity.id, action): (entity.id, action)
        for entity, action in reported
    }
    done = {
        keys[key]
        for key in session.scalars(
            select(ChangeRecord.dedupe_key).where(ChangeRecord.dedupe_key.in_(keys))
        )
    }
    earlier = session.execute(
        select(EntityChange.entity_id, EntityChange.action)
        .join(DocumentVersion, DocumentVersion.id == EntityChange.version_id)
        .where(
            EntityChange.origin == ProposalOrigin.DOCUMENT,
            EntityChange.entity_id.in_({entity.id for entity, _ in reported}),
            DocumentVersion.document_id == document_id,
        )
    )
    return done | {(entity_id, action) for entity_id, action in earlier}


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
    query = select(EntityChange).where(EntityChange.origin == ProposalOrigin.DOCUMENT)
    if status:
        query = query.where(EntityChange.status == status)
    return list(session.scalars(query.order_by(EntityChange.id)))


def decide(
    session: Session, proposal_id: int, accept: bool, by: str, note: str | None = None
) -> EntityChange:
    """Accept (apply to the model with its validity date, recorded) or reject a proposal.

    The decision and its note stay on the proposal row: `zonewatch init` re-applies
    accepted decisions after loading zones.yaml (see models.services.reapply_decisions).
    """
    proposal = session.get(EntityChange, proposal_id)
    if proposal is None or proposal.origin != ProposalOrigin.DOCUMENT:
        raise NotFoundError(
            f"no model change proposal {proposal_id} (see `zonewatch model proposals`)"
        )
    if proposal.status != ProposalStatus.PROPOSED:
        raise InputError(f"proposal {proposal_id} was already {proposal.status}")
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = by, utcnow()
    proposal.note = note
    if accept:
        _apply(session, proposal)
    session.flush()
    return proposal


def _apply(session: Session, proposal: EntityChange) -> None:
    """Apply the validity the proposal changes, and record the event.

    The entity's ``spec`` stays the zones.yaml entry, so that `zonewatch init` does not
    take the decision for an edit of the file."""
    entity = session.get(Entity, proposal.entity_id)
    if entity is None:
        raise NotFoundError(f"entity {proposal.entity_id!r} no longer exists")
    apply_validity(entity, proposal.before, proposal.after)
    event = (proposal.after or {}).get("event") or {}
    round_ = f" round {event['round']}" if event.get("round") is not None else ""
    record = ChangeRecord(
        kind=ChangeKind.MODEL_CHANGE,
        dedupe_key=f"accepted:{proposal.id}",
        event_key=model_event(proposal.id),
        released_at=_released_at(session, proposal.version_id),
        entity_change_id=proposal.id,
        new_version_id=proposal.version_id,
        title=f"Zone model: {entity.id} {proposal.action}{round_} (accepted)",
        summary=f"accepted by {proposal.decided_by}; effective {proposal.effective_on}"
        + (f"; note: {proposal.note}" if proposal.note else ""),
        significance=significance("model_change")[0],
        signals={"model_change": proposal.action, "origin": "document", "decided": "accepted"},
        diff={"before": proposal.before, "after": proposal.after},
    )
    session.add(record)
    session.flush()
    session.add(ChangeEntity(change_id=record.id, entity_id=entity.id))
