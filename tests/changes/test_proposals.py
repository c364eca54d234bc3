"""Model changes proposed by a release: listed, accepted (applied with a date, recorded) or
rejected; the CLI around them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.bootstrap import initialize
from zonewatch.changes.proposals import decide, list_proposals, proposal_action
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.config.zones import default_zones_path
from zonewatch.errors import InputError, NotFoundError
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Entity, Source

LIFT_TITLE = "부산 기회발전특구 지정 해제"
LIFT_TEXT = (
    "지방시대위원회는 부산 기회발전특구의 지정을 해제한다고 밝혔다. "
    "위원회 심의를 거쳐 해제가 확정되었다."
)


def designation_release(app: App) -> int:
    with app.session() as session:
        source = session.get(Source, "korea-kr-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(
            session,
            run,
            title=LIFT_TITLE,
            text=LIFT_TEXT,
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        record_version_changes(session, version_id)
        return version_id


def test_a_lifting_is_proposed_then_applied_when_accepted(app: App) -> None:
    designation_release(app)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz-busan"]
        assert proposal.action == "lift"
        assert proposal.after is not None
        assert proposal.after["valid_to"]
        decided = decide(session, proposal.id, accept=True, by="analyst-1")
        assert (decided.status, decided.decided_by) == ("accepted", "analyst-1")
        entity = session.get(Entity, "odz-busan")
        assert entity is not None
        assert entity.valid_to == dt.date.fromisoformat(proposal.after["valid_to"])
        accepted = session.scalars(
            select(ChangeRecord).where(ChangeRecord.dedupe_key == f"accepted:{proposal.id}")
        ).one()
        assert accepted.kind == "model_change"
        with pytest.raises(InputError, match="already accepted"):
            decide(session, proposal.id, accept=False, by="analyst-2")
        with pytest.raises(NotFoundError):
            decide(session, 999_999, accept=True, by="x")


def test_a_rejected_proposal_changes_nothing(app: App) -> None:
    designation_release(app)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz-busan"]
        before = session.get(Entity, "odz-busan")
        assert before is not None
        valid_to = before.valid_to
        decide(session, proposal.id, accept=False, by="analyst-1")
        assert session.get(Entity, "odz-busan").valid_to == valid_to  # type: ignore[union-attr]
        assert [p for p in list_proposals(session) if p.entity_id == "odz-busan"] == []
        assert [p.status for p in list_proposals(session, "rejected")] == ["rejected"]


KST = dt.timezone(dt.timedelta(hours=9))


def release(
    app: App,
    title: str,
    text: str,
    external_id: str = "1",
    published_at: dt.datetime | None = None,
) -> list[ChangeRecord]:
    """Ingest, classify and record one version of a release; the records it gave."""
    with app.session() as session:
        source = session.get(Source, "korea-kr-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(
            session,
            run,
            external_id,
            title=title,
            text=text,
            published_at=published_at or dt.datetime(2026, 3, 2, 10, tzinfo=KST),
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        records = list(session.scalars(select(ChangeRecord).where(ChangeRecord.id.in_(ids))))
        session.expunge_all()
        return records


def alerting(records: list[ChangeRecord]) -> list[ChangeRecord]:
    return [r for r in records if not r.minor and r.review_status != "noise"]


def test_a_minor_edit_raises_no_proposal_again(app: App) -> None:
    first = release(app, LIFT_TITLE, LIFT_TEXT)
    assert [r for r in first if r.kind == "model_change"]
    again = release(app, LIFT_TITLE, LIFT_TEXT.replace("해제한다고", "해제 한다고"))
    assert [r.kind for r in again if r.kind == "model_change"] == []
    assert alerting(again) == []
    with app.session() as session:
        assert len([p for p in list_proposals(session) if p.entity_id == "odz-busan"]) == 1


def test_a_proposal_first_seen_on_a_minor_edit_alerts_nobody(app: App) -> None:
    """Whatever makes a proposal appear only now (the rules changed since the release was
    first read), a spacing fix that brings it is still a spacing fix."""
    release(app, LIFT_TITLE, LIFT_TEXT)
    with app.session() as session:
        for record in session.scalars(
            select(ChangeRecord).where(ChangeRecord.kind == "model_change")
        ):
            session.delete(record)
        for proposal in list_proposals(session):
            session.delete(proposal)
    again = release(app, LIFT_TITLE, LIFT_TEXT.replace("해제한다고", "해제 한다고"))
    assert [r for r in again if r.kind == "model_change"]
    assert [(r.kind, r.title) for r in alerting(again)] == []


@pytest.mark.parametrize(
    ("title", "action"),
    [
        ("부산시, 기회발전특구 확대 지정 신청", None),
        ("강원 기회발전특구 지정 계획 발표", None),
        ("기회발전특구 후보지 선정 착수", None),
        ("기회발전특구 지정 추진", None),
        ("기회발전특구 추가 지정", "expand"),
        ("규제자유특구 지정 해제 결정", "lift"),
        ("기회발전특구 3차 지정", "designate"),
    ],
)
def test_applications_plans_and_candidates_are_not_designations(
    title: str, action: str | None
) -> None:
    assert proposal_action(title, "", {"designation"}, "special_zone") == action


def test_the_effective_date_is_the_day_in_korea(app: App) -> None:
    early_morning = dt.datetime(2026, 3, 2, 8, 30, tzinfo=KST)  # 2026-03-01 23:30 UTC
    release(app, LIFT_TITLE, LIFT_TEXT, published_at=early_morning)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz-busan"]
        assert proposal.effective_on == dt.date(2026, 3, 2)


ROUND_TITLE = "기회발전특구 3차 지정 의결"
ROUND_TEXT = (
    "지방시대위원회는 기회발전특구 3차 지정을 의결했다고 밝혔다. "
    "이번 지정으로 기회발전특구는 모두 40곳이 되었다."
)


def test_accepting_a_round_records_the_event_and_keeps_the_programme_validity(app: App) -> None:
    release(app, ROUND_TITLE, ROUND_TEXT)
    with app.session() as session:
        entity = session.get(Entity, "odz")
        assert entity is not None
        validity = (entity.valid_from, entity.valid_to)
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz"]
        assert proposal.after is not None
        assert proposal.after["event"]["round"] == 3
        decide(session, proposal.id, accept=True, by="analyst-1")
        assert (entity.valid_from, entity.valid_to) == validity
        accepted = session.scalars(
            select(ChangeRecord).where(ChangeRecord.dedupe_key == f"accepted:{proposal.id}")
        ).one()
        assert "3" in accepted.title


def test_an_event_of_one_zone_leaves_its_zone_types_validity(app: App) -> None:
    """ "부산 기회발전특구 지정 해제" lifts one zone: for the type it is an event."""
    designation_release(app)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz"]
        entity = session.get(Entity, "odz")
        assert entity is not None
        validity = (entity.valid_from, entity.valid_to)
        decide(session, proposal.id, accept=True, by="analyst-1")
        assert (entity.valid_from, entity.valid_to) == validity


def test_decisions_keep_their_notes_and_survive_init(app: App) -> None:
    release(app, LIFT_TITLE, LIFT_TEXT)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz-busan"]
        decide(session, proposal.id, accept=True, by="analyst-1", note="gazette checked")
        proposal_id = proposal.id
        entity = session.get(Entity, "odz-busan")
        assert entity is not None
        valid_to = entity.valid_to
        assert valid_to is not None
    report = initialize(app)
    assert "odz-busan" not in report.entities.updated
    with app.session() as session:
        assert session.get(Entity, "odz-busan").valid_to == valid_to  # type: ignore[union-attr]
        (kept,) = list_proposals(session, "accepted")
        assert (kept.id, kept.note) == (proposal_id, "gazette checked")
        assert kept.decided_by == "analyst-1"


def test_an_accepted_date_survives_an_edit_of_the_entry_in_zones_yaml(
    app: App, tmp_path: Path
) -> None:
    """zones.yaml re-applied after an edit of the same entry keeps the analyst's date, where
    the file states none of its own."""
    release(app, LIFT_TITLE, LIFT_TEXT)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "odz-busan"]
        decide(session, proposal.id, accept=True, by="analyst-1")
        valid_to = session.get(Entity, "odz-busan").valid_to  # type: ignore[union-attr]
        assert valid_to is not None
    data = yaml.safe_load(default_zones_path().read_text(encoding="utf-8"))
    entry = next(e for e in data["entities"] if e["id"] == "odz-busan")
    entry["notes"] = "edited by a test"
    edited = tmp_path / "zones.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = initialize(app, zones=edited)
    assert "odz-busan" in report.entities.updated
    with app.session() as session:
        entity = session.get(Entity, "odz-busan")
        assert entity is not None
        assert (entity.valid_to, entity.notes) == (valid_to, "edited by a test")
