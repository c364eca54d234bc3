"""Change records against the replay server's timeline: every real edit, withdrawal,
attachment replacement, correction and designation gives exactly the right records; noise
gives none; a second pass over the same state gives nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.crawlers.conftest import crawl, make_app
from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from zonewatch.app import App
from zonewatch.models import ChangeRecord, Document, EntityChange
from zonewatch.replay.server import ReplayServer
from zonewatch.workers.inline import process_pending

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

SOURCES = ("ifez-press", "motir-press", "mss-press", "korea-kr-press")


@pytest.fixture
def app(initialized_data_dir: Path, replay_server: ReplayServer) -> Iterator[App]:  # noqa: F811
    built = make_app(initialized_data_dir, replay_server)
    yield built
    built.dispose()


def run_state(app: App) -> list[tuple[str, str, str]]:
    """Crawl every source, run the pipeline; the records made, as (kind, source, item id)."""
    with app.session() as session:
        before = session.scalar(select(ChangeRecord.id).order_by(ChangeRecord.id.desc()).limit(1))
    for source_id in SOURCES:
        crawl(app, source_id)
    process_pending(app)
    with app.session() as session:
        rows = session.execute(
            select(ChangeRecord.kind, ChangeRecord.source_id, Document.external_id)
            .outerjoin(Document, Document.id == ChangeRecord.document_id)
            .where(ChangeRecord.id > (before or 0))
            .order_by(ChangeRecord.id)
        ).all()
    return sorted((kind, source or "", external or "") for kind, source, external in rows)


def records(app: App, kind: str, external_id: str) -> list[ChangeRecord]:
    with app.session() as session:
        found = session.scalars(
            select(ChangeRecord)
            .join(Document, Document.id == ChangeRecord.document_id)
            .where(ChangeRecord.kind == kind, Document.external_id == external_id)
        ).all()
        session.expunge_all()
        return list(found)


def test_the_timeline_gives_exactly_the_right_records(
    app: App,
    replay_server: ReplayServer,  # noqa: F811
) -> None:
    first = run_state(app)
    assert {kind for kind, _, _ in first} <= {"new_document", "correction", "model_change"}

    replay_server.set_state(1)
    state1 = run_state(app)
    changed = [r for r in state1 if r[0] == "changed_document"]
    assert changed == [("changed_document", "ifez-press", "669391")]
    (edit,) = records(app, "changed_document", "669391")
    assert not edit.minor
    assert "650억" in str(edit.diff["body"])
    facts = records(app, "fact_change", "669391")
    moves = {(f.diff["facts"][0]["old"], f.diff["facts"][0]["new"]) for f in facts}
    assert (59_700_000_000, 65_000_000_000) in moves
    assert (250, 300) in moves
    new = {external for kind, _, external in state1 if kind == "new_document"}
    assert {"669412", "171842", "1070031", "156740150", "156740162"} <= new
    assert run_state(app) == []  # the same state again: nothing new

    replay_server.set_state(2)
    state2 = run_state(app)
    assert ("removed_document", "mss-press", "1070018") in state2
    assert ("attachment_replaced", "mss-press", "1070012") in state2
    assert ("attachment_replaced", "korea-kr-press", "156737804") in state2
    (renamed,) = records(app, "attachment_replaced", "156737804")
    assert renamed.diff["attachments"]["renamed"] is True
    (correction,) = records(app, "correction", "171850")
    corrected = records(app, "attachment_replaced", "171830") + records(
        app, "new_document", "171830"
    )
    assert correction.related_change_id in {r.id for r in corrected}
    assert ("new_document", "korea-kr-press", "156740301") in state2
    with app.session() as session:
        proposals = session.scalars(
            select(EntityChange).where(EntityChange.status == "proposed")
        ).all()
        assert any(p.entity_id == "odz" and p.action == "designate" for p in proposals)
    assert not [r for r in state2 if r[0] == "changed_document"], state2

    replay_server.set_state(3)
    assert run_state(app) == []
