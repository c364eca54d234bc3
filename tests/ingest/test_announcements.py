"""The same release on two sites is one announcement with two appearances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit import factories
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.services import record_version_changes
from zonewatch.ingest.announcements import announcement_fingerprint
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Document, Source

KST = dt.timezone(dt.timedelta(hours=9))
TITLE = "경제자유구역위원회, 광주 AI 융복합지구 개발계획 변경 승인"


def test_the_fingerprint_ignores_spacing_and_punctuation_but_not_the_day() -> None:
    day = dt.datetime(2026, 8, 11, 9, tzinfo=KST)
    same = announcement_fingerprint(TITLE, day)
    assert same == announcement_fingerprint(TITLE.replace(", ", "  ·  "), day)
    assert same != announcement_fingerprint(TITLE, day + dt.timedelta(days=1))
    assert announcement_fingerprint("보도자료", day) is None
    assert announcement_fingerprint(TITLE, None) is None


@pytest.fixture
def app(initialized_data_dir: Path) -> Iterator[App]:
    built = configure(data_dir=initialized_data_dir)
    initialize(built)
    yield built
    built.dispose()


def appear(app: App, source_id: str, title: str) -> tuple[int, list[int]]:
    with app.session() as session:
        source = session.get(Source, source_id)
        assert source is not None
        row = factories.fetched(session, factories.crawl_run(session, source), title=title)
        result = ingest_fetched_item(session, row.id)
        assert result.version_id is not None
        assert result.document_id is not None
        return result.document_id, record_version_changes(session, result.version_id)


def test_a_second_appearance_is_linked_and_alerts_nobody(app: App) -> None:
    board, (first,) = appear(app, "motir-press", TITLE)
    portal, (second,) = appear(app, "korea-kr-press", TITLE.replace(", ", " "))
    other, (third,) = appear(app, "mss-press", "규제자유특구 실증특례 기간 2년 연장")
    with app.session() as session:
        documents = {d.id: d for d in session.query(Document)}
        assert documents[board].announcement_id == documents[portal].announcement_id
        assert documents[other].announcement_id != documents[board].announcement_id
        records = {r.id: r for r in session.query(ChangeRecord)}
        assert not records[first].minor
        assert records[second].minor
        assert records[second].related_change_id == first
        assert records[second].signals["appearance_of"] == board
        assert not records[third].minor
