"""An analyst's decision on a model-change proposal, as the command line and the console
both take it: decided and matched for alerts in one transaction.

The outbox rows of an accepted change are committed with the decision (never one without
the other); the workers' periodic send delivers them, as it does every alert, so no broker
is needed where the decision is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.alerts.services import match_event
from zonewatch.changes.events import model_event
from zonewatch.changes.proposals import decide, list_proposals
from zonewatch.entry_diff import describe_entry_diff
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeRecord, Entity, EntityChange
from zonewatch.models.enums import ProposalStatus

MAX_NOTE = 2000
PROPOSAL_STATUSES = tuple(
    status.value for status in ProposalStatus if status is not ProposalStatus.APPLIED
)
EVIDENCE_TEXTS = 5


@dataclass(frozen=True)
class QueuedProposal:
    """A proposal as a reviewer weighs it: what it changes, the release that reported it and
    the words that linked the release to the entity."""

    proposal: EntityChange
    entity_name_ko: str | None
    entity_name_en: str | None
    change: str
    title: str | None
    evidence: tuple[str, ...]
    record_id: int | None
    """The latest change record about it: the proposal's, or the acceptance once accepted
    (its page shows the release and the diff)."""


def proposal_queue(session: Session, status: str | None = "proposed") -> list[QueuedProposal]:
    """Proposals with ``status`` (None: all), oldest first, ready to show."""
    if status is not None and status not in PROPOSAL_STATUSES:
        raise InputError(f"unknown proposal status {status[:40]!r}")
    proposals = list_proposals(session, status)
    ids = [proposal.id for proposal in proposals]
    names = {
        entity.id: entity
        for entity in session.scalars(
            select(Entity).where(Entity.id.in_({p.entity_id for p in proposals}))
        )
    }
    records: dict[int, int] = {}
    for change_id, record_id in session.execute(
        select(ChangeRecord.entity_change_id, ChangeRecord.id)
        .where(ChangeRecord.entity_change_id.in_(ids))
        .order_by(ChangeRecord.id)
    ):
        if change_id is not None:
            records[change_id] = record_id
    return [_queued(proposal, names.get(proposal.entity_id), records) for proposal in proposals]


def _queued(
    proposal: EntityChange, entity: Entity | None, records: dict[int, int]
) -> QueuedProposal:
    return QueuedProposal(
        proposal=proposal,
        entity_name_ko=entity.name_ko if entity else None,
        entity_name_en=entity.name_en if entity else None,
        change=describe_entry_diff(proposal.before, proposal.after),
        title=_title(proposal.evidence),
        evidence=_evidence_texts(proposal.evidence),
        record_id=records.get(proposal.id),
    )


def _title(evidence: list[Any]) -> str | None:
    return next(
        (str(item["title"]) for item in evidence if isinstance(item, dict) and "title" in item),
        None,
    )


def _evidence_texts(evidence: list[Any]) -> tuple[str, ...]:
    texts = [str(item["text"]) for item in evidence if isinstance(item, dict) and item.get("text")]
    return tuple(dict.fromkeys(texts))[:EVIDENCE_TEXTS]


@dataclass(frozen=True)
class Decision:
    proposal: EntityChange
    alerts_queued: int


def decide_proposal(
    session: Session, proposal_id: int, accept: bool, by: str, note: str | None = None
) -> Decision:
    """Accept or reject a proposal with an optional note (blank is none); an accepted one is
    matched against subscriptions at once."""
    if not 0 < proposal_id < 2**63:
        raise NotFoundError(f"no model change proposal {proposal_id}")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise InputError(f"a note is at most {MAX_NOTE} characters")
    proposal = decide(session, proposal_id, accept, by, note)
    alerts = match_event(session, model_event(proposal.id)) if accept else []
    return Decision(proposal, len(alerts))
