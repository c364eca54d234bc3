"""Model changes proposed by a release: listed, accepted (applied with a date, recorded) or
rejected; the CLI around them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.testkit import factories
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.proposals import decide, list_proposals
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.errors import InputError, NotFoundError
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Entity, Source


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    built = configure(data_dir=tmp_path / "data")
    initialize(built)
    yield built
    built.dispose()


def designation_release(app: App) -> int:
    with app.session() as session:
        source = session.get(Source, "korea-kr-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(
            session,
            run,
            title="규제자유특구 지정 해제 결정",
            text="중소벤처기업부는 규제자유특구 1곳의 지정을 해제한다고 밝혔다. "
            "특구위원회 심의를 거쳐 해제가 확정되었다.",
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        record_version_changes(session, version_id)
        return version_id


def test_a_lifting_is_proposed_then_applied_when_accepted(app: App) -> None:
    designation_release(app)
    with app.session() as session:
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "rfz"]
        assert proposal.action == "lift"
        assert proposal.after is not None
        assert proposal.after["valid_to"]
        decided = decide(session, proposal.id, accept=True, by="analyst-1")
        assert (decided.status, decided.decided_by) == ("accepted", "analyst-1")
        entity = session.get(Entity, "rfz")
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
        (proposal,) = [p for p in list_proposals(session) if p.entity_id == "rfz"]
        before = session.get(Entity, "rfz")
        assert before is not None
        valid_to = before.valid_to
        decide(session, proposal.id, accept=False, by="analyst-1")
        assert session.get(Entity, "rfz").valid_to == valid_to  # type: ignore[union-attr]
        assert list_proposals(session) == []
        assert [p.status for p in list_proposals(session, "rejected")] == ["rejected"]
