"""The model-proposal queue: pending proposals with their evidence; analysts accept or reject
with a note through the CLI's service; decisions show who, when and why."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import sign_in, token_of
from zonewatch.app import App
from zonewatch.models import ChangeRecord, Entity, EntityChange

EFFECTIVE = dt.date(2026, 5, 1)


def add_proposal(app: App, entity_id: str = "odz-busan") -> int:
    """A lifting proposal as a release makes one (see changes/proposals.py)."""
    with app.session() as session:
        if session.get(Entity, entity_id) is None:
            session.add(
                Entity(
                    id=entity_id,
                    kind="special_zone",
                    name_ko="부산 기회발전특구",
                    name_en="Busan ODZ",
                )
            )
        before = {"id": entity_id, "kind": "special_zone", "valid_to": None}
        proposal = EntityChange(
            entity_id=entity_id,
            action="lift",
            status="proposed",
            origin="document",
            before=before,
            after={**before, "valid_to": EFFECTIVE.isoformat()},
            effective_on=EFFECTIVE,
            evidence=[
                {"title": "부산 기회발전특구 <i>지정 해제</i>"},
                {"text": "부산 기회발전특구", "rule": "name"},
            ],
        )
        session.add(proposal)
        session.flush()
        return proposal.id


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


def test_pending_proposals_show_their_change_and_evidence(app: App, analyst: TestClient) -> None:
    proposal_id = add_proposal(app)
    body = analyst.get("/proposals").text
    assert f"#{proposal_id}" in body
    assert 'href="/entities/odz-busan"' in body
    assert "부산 기회발전특구 &lt;i&gt;지정 해제&lt;/i&gt;" in body
    assert "valid_to" in body
    assert "2026-05-01" in body
    assert f'action="/proposals/{proposal_id}/accept"' in body
    assert f'<label for="note-reject-{proposal_id}">' in body


def test_accept_with_a_note_applies_and_records_who_and_why(app: App, analyst: TestClient) -> None:
    proposal_id = add_proposal(app)
    answer = analyst.post(
        f"/proposals/{proposal_id}/accept",
        data={"csrf": token_of(analyst, "/proposals"), "note": "  고시 확인함  "},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/proposals?status=accepted"
    with app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert (proposal.status, proposal.decided_by, proposal.note) == (
            "accepted",
            "analyst",
            "고시 확인함",
        )
        entity = session.get(Entity, "odz-busan")
        assert entity is not None
        assert entity.valid_to == EFFECTIVE
        recorded = session.scalars(
            select(ChangeRecord).where(ChangeRecord.entity_change_id == proposal_id)
        ).one()
        assert recorded.kind == "model_change"
    accepted = analyst.get("/proposals?status=accepted").text
    assert "고시 확인함" in accepted
    assert "KST" in accepted, "when, in Korean time"
    assert f'action="/proposals/{proposal_id}/accept"' not in accepted
    assert f"#{proposal_id}" not in analyst.get("/proposals").text, "no longer pending"


def test_reject_keeps_the_model_and_the_proposal(app: App, analyst: TestClient) -> None:
    proposal_id = add_proposal(app)
    answer = analyst.post(
        f"/proposals/{proposal_id}/reject",
        data={"csrf": token_of(analyst, "/proposals"), "note": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert (proposal.status, proposal.note) == ("rejected", None)
        entity = session.get(Entity, "odz-busan")
        assert entity is not None
        assert entity.valid_to is None
    assert f"#{proposal_id}" in analyst.get("/proposals?status=rejected").text
    assert f"#{proposal_id}" in analyst.get("/proposals?status=all").text


def test_deciding_twice_is_a_400_and_an_unknown_proposal_a_404(
    app: App, analyst: TestClient
) -> None:
    proposal_id = add_proposal(app)
    token = token_of(analyst, "/proposals")
    analyst.post(f"/proposals/{proposal_id}/reject", data={"csrf": token})
    again = analyst.post(f"/proposals/{proposal_id}/accept", data={"csrf": token})
    assert again.status_code == 400
    assert "already rejected" in again.text
    missing = analyst.post(f"/proposals/{proposal_id + 100}/accept", data={"csrf": token})
    assert missing.status_code == 404
    huge = analyst.post(f"/proposals/{2**70}/accept", data={"csrf": token})
    assert huge.status_code == 404


def test_bad_input_is_a_400(app: App, analyst: TestClient) -> None:
    proposal_id = add_proposal(app)
    assert analyst.get("/proposals?status=maybe").status_code == 400
    long_note = analyst.post(
        f"/proposals/{proposal_id}/accept",
        data={"csrf": token_of(analyst, "/proposals"), "note": "x" * 2001},
    )
    assert long_note.status_code == 400
    with app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert proposal.status == "proposed"


def test_without_csrf_nothing_is_decided(app: App, analyst: TestClient) -> None:
    proposal_id = add_proposal(app)
    answer = analyst.post(f"/proposals/{proposal_id}/accept", data={"note": "x"})
    assert answer.status_code == 403
    with app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert proposal.status == "proposed"


def test_an_operator_reads_the_queue_but_cannot_decide(app: App, client: TestClient) -> None:
    proposal_id = add_proposal(app)
    sign_in(client, "operator")
    body = client.get("/proposals").text
    assert f"#{proposal_id}" in body
    assert "/accept" not in body, "no form the role cannot use"
    answer = client.post(
        f"/proposals/{proposal_id}/accept", data={"csrf": token_of(client, "/proposals")}
    )
    assert answer.status_code == 403
    with app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert proposal.status == "proposed"


def test_a_watcher_sees_no_proposal(app: App, client: TestClient) -> None:
    add_proposal(app)
    sign_in(client, "watcher")
    answer = client.get("/proposals")
    assert answer.status_code == 403
    assert "기회발전특구" not in answer.text
    assert "/proposals" not in client.get("/").text
