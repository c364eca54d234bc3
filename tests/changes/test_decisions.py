"""The proposal queue as reviewers see it, and decisions taken through the shared service."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from zonewatch.changes.decisions import MAX_NOTE, decide_proposal, proposal_queue
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeRecord, Entity, EntityChange


@pytest.fixture
def proposal(db_session: Session) -> EntityChange:
    db_session.add(
        Entity(id="odz-busan", kind="special_zone", name_ko="부산 특구", name_en="Busan")
    )
    before = {"id": "odz-busan", "valid_to": None}
    proposal = EntityChange(
        entity_id="odz-busan",
        action="lift",
        status="proposed",
        origin="document",
        before=before,
        after={**before, "valid_to": "2026-05-01"},
        effective_on=dt.date(2026, 5, 1),
        evidence=[
            {"title": "부산 특구 지정 해제"},
            {"text": "부산 특구", "rule": "name"},
            {"text": "부산 특구", "rule": "name"},
            {"text": "특구", "rule": "alias"},
        ],
    )
    db_session.add(proposal)
    db_session.flush()
    db_session.add(
        ChangeRecord(
            kind="model_change",
            dedupe_key=f"proposal:1:odz-busan:lift:{proposal.id}",
            entity_change_id=proposal.id,
            title="Proposed: odz-busan lift",
        )
    )
    db_session.flush()
    return proposal


def test_the_queue_shows_the_release_its_words_and_the_change(
    db_session: Session, proposal: EntityChange
) -> None:
    (queued,) = proposal_queue(db_session)
    assert queued.proposal.id == proposal.id
    assert queued.entity_name_ko == "부산 특구"
    assert queued.title == "부산 특구 지정 해제"
    assert queued.evidence == ("부산 특구", "특구"), "distinct words, in order"
    assert "valid_to" in queued.change
    assert queued.record_id is not None
    assert proposal_queue(db_session, "accepted") == []
    with pytest.raises(InputError, match="unknown proposal status"):
        proposal_queue(db_session, "maybe")


def test_a_decision_keeps_its_note_and_a_blank_note_is_none(
    db_session: Session, proposal: EntityChange
) -> None:
    decision = decide_proposal(db_session, proposal.id, False, "kim", "   ")
    assert decision.proposal.status == "rejected"
    assert decision.proposal.note is None
    assert decision.alerts_queued == 0
    (queued,) = proposal_queue(db_session, "rejected")
    assert queued.proposal.decided_by == "kim"
    assert queued.proposal.decided_at is not None


def test_an_accepted_proposal_points_at_its_accepted_record(
    db_session: Session, proposal: EntityChange
) -> None:
    decide_proposal(db_session, proposal.id, True, "kim", "checked the notice")
    (queued,) = proposal_queue(db_session, None)
    record = db_session.get(ChangeRecord, queued.record_id)
    assert record is not None
    assert record.dedupe_key == f"accepted:{proposal.id}"
    assert queued.proposal.note == "checked the notice"


def test_bad_ids_and_notes_are_refused(db_session: Session, proposal: EntityChange) -> None:
    with pytest.raises(NotFoundError):
        decide_proposal(db_session, 2**63, True, "kim")
    with pytest.raises(NotFoundError):
        decide_proposal(db_session, 0, True, "kim")
    with pytest.raises(InputError, match="at most"):
        decide_proposal(db_session, proposal.id, True, "kim", "x" * (MAX_NOTE + 1))
    assert proposal.status == "proposed"
