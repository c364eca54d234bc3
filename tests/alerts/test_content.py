"""Alert items from change records, on both databases, and the digest grouping."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.alerts.content import (
    AlertItem,
    diff_excerpt,
    digest_summary,
    group_for_digest,
    load_item,
)
from zonewatch.changes.diffing import diff_text
from zonewatch.changes.services import record_version_changes
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Entity,
    Source,
    Subscriber,
    Subscription,
    Topic,
)

KST = dt.timezone(dt.timedelta(hours=9))
_keys = itertools.count(1)
OLD_TEXT = "인천경제청은 송도 바이오 클러스터에 597억 원을 투입한다. 목표 입주기업 250개사."
NEW_TEXT = "인천경제청은 송도 바이오 클러스터에 650억 원을 투입한다. 목표 입주기업 250개사."


def add_entity(session: Session, entity_id: str, kind: str, ko: str, en: str) -> Entity:
    row = session.get(Entity, entity_id) or Entity(id=entity_id, kind=kind, name_ko=ko, name_en=en)
    session.add(row)
    session.flush()
    return row


def add_topic(session: Session, topic_id: str, ko: str, en: str) -> Topic:
    row = session.get(Topic, topic_id) or Topic(id=topic_id, name_ko=ko, name_en=en)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(db_session: Session) -> Session:
    """IFEZ and Songdo, the ministry (from the source factory) and one topic."""
    factories.source(db_session)
    add_entity(db_session, "ifez", "fez", "인천경제자유구역", "Incheon FEZ")
    add_entity(db_session, "ifez-songdo", "fez_district", "송도국제도시", "Songdo")
    add_topic(db_session, "investment", "투자·유치", "Investment")
    return db_session


def subscriber(session: Session, language: str = "ko", **subscription: Any) -> Subscriber:
    row = Subscriber(email=f"user{next(_keys)}@example.com", name="김민수", language=language)
    row.subscriptions = [Subscription(**subscription)]
    session.add(row)
    session.flush()
    return row


def record(
    session: Session,
    kind: str,
    *,
    entities: tuple[str, ...] = ("ifez",),
    topics: tuple[str, ...] = ("investment",),
    **fields: Any,
) -> ChangeRecord:
    row = ChangeRecord(
        kind=kind,
        dedupe_key=f"test:{next(_keys)}",
        title=fields.pop("title", "인천경제청, 송도 바이오 클러스터 조성 계획 발표"),
        source_id=fields.pop("source_id", "test-board"),
        occurred_at=dt.datetime(2026, 3, 2, 10, tzinfo=KST),
        **fields,
    )
    row.entities = [ChangeEntity(entity_id=entity_id) for entity_id in entities]
    row.topics = [ChangeTopic(topic_id=topic_id) for topic_id in topics]
    session.add(row)
    session.flush()
    return row


def ingested_edit(session: Session) -> ChangeRecord:
    """A real edit, through ingest and the change log: 597억 became 650억."""
    run = factories.crawl_run(session, session.get_one(Source, "test-board"))
    for text in (OLD_TEXT, NEW_TEXT):
        row = factories.fetched(session, run, text=text)
        result = ingest_fetched_item(session, row.id)
    assert result.version_id is not None
    ids = record_version_changes(session, result.version_id)
    edits = session.scalars(
        select(ChangeRecord).where(
            ChangeRecord.id.in_(ids), ChangeRecord.kind == "changed_document"
        )
    ).all()
    assert len(edits) == 1
    edit = edits[0]
    edit.entities = [ChangeEntity(entity_id="motie"), ChangeEntity(entity_id="ifez-songdo")]
    edit.topics = [ChangeTopic(topic_id="investment")]
    session.flush()
    return edit


def test_an_ingested_edit(world: Session) -> None:
    edit = ingested_edit(world)
    reader = subscriber(world, entity_id="ifez")
    item = load_item(world, edit.id, reader, reader.subscriptions[0])
    assert item.kind == "changed_document"
    assert item.headline == "본문 수정: 597억 → 650억"
    assert "[-597억-]{+650억+}" in item.diff_excerpt
    assert item.url == "https://www.example.go.kr/view/1"
    assert item.source_name == "Test board"
    assert item.zones == (("ifez-songdo", "송도국제도시"), ("motie", "산업통상부"))
    assert item.topics == ("투자·유치",)
    assert item.why == "구독 중: 인천경제자유구역"
    assert not item.is_correction
    assert not item.is_model_change
    assert item.occurred_at.tzinfo is not None


def test_english_reader(world: Session) -> None:
    edit = ingested_edit(world)
    reader = subscriber(world, "en", topic_id="investment", keyword="바이오")
    item = load_item(world, edit.id, reader, reader.subscriptions[0])
    assert item.headline == "Text edited: 597억 → 650억"
    assert item.zones[0] == ("ifez-songdo", "Songdo")
    assert item.topics == ("Investment",)
    assert item.why == "topic: Investment · keyword: 바이오"
    assert item.language == "en"


def test_fact_change_across_documents_cites_both(world: Session) -> None:
    fact = {
        "entity": "ifez",
        "metric": "target_companies",
        "unit": "companies",
        "old": 250.0,
        "new": 300.0,
        "old_raw": "250개사",
        "new_raw": "300개사",
        "old_source": {"document_id": 1, "url": "https://a.example/1", "title": "3월 발표"},
        "new_source": {"document_id": 2, "url": "https://a.example/2", "title": "4월 발표"},
    }
    change = record(world, "fact_change", diff={"facts": [fact]}, significance=0.7)
    reader = subscriber(world)
    item = load_item(world, change.id, reader, None)
    assert item.headline == "수치 변경: 목표 입주기업 250개사 → 300개사"
    assert item.fact_lines == (
        "목표 입주기업 (인천경제자유구역): 250개사 → 300개사"
        " — 이전: 3월 발표 <https://a.example/1>; 현재: 4월 발표 <https://a.example/2>",
    )
    assert item.why == "모든 변경"
    assert item.diff_excerpt == ""


def test_fact_change_within_one_document(world: Session) -> None:
    same = {"document_id": 2, "url": "https://a.example/2", "title": "4월 발표"}
    fact = {
        "entity": "ifez",
        "metric": "budget",
        "unit": "KRW",
        "old": 5.97e10,
        "new": 6.5e10,
        "old_raw": "597억 원",
        "new_raw": "650억 원",
        "old_source": same,
        "new_source": same,
    }
    change = record(world, "fact_change", diff={"facts": [fact]})
    reader = subscriber(world, "en")
    item = load_item(world, change.id, reader, None)
    assert item.fact_lines == ("budget (Incheon FEZ): 597억 원 → 650억 원",)
    assert item.why == "all changes"


@pytest.mark.parametrize(
    ("kind", "diff", "ko", "en"),
    [
        ("new_document", {}, "새 보도자료", "New release"),
        ("removed_document", {}, "삭제", "Withdrawn"),
        ("correction", {}, "정정", "Correction"),
        (
            "attachment_replaced",
            {"attachments": {"old": {"name": "a.hwp"}, "new": {"name": "b.pdf"}, "renamed": True}},
            "첨부 교체: a.hwp → b.pdf",
            "Attachment replaced: a.hwp → b.pdf",
        ),
        (
            "attachment_added",
            {"attachments": {"old": None, "new": {"name": "계획.pdf"}, "renamed": False}},
            "첨부 추가: 계획.pdf",
            "Attachment added: 계획.pdf",
        ),
    ],
)
def test_headlines(world: Session, kind: str, diff: dict[str, Any], ko: str, en: str) -> None:
    change = record(world, kind, diff=diff)
    for language, expected in (("ko", ko), ("en", en)):
        item = load_item(world, change.id, subscriber(world, language), None)
        assert item.headline == expected
    assert load_item(world, change.id, subscriber(world), None).is_correction == (
        kind == "correction"
    )


def test_model_change(world: Session) -> None:
    change = record(world, "model_change", summary="인천경제자유구역 (Incheon FEZ): expand")
    item = load_item(world, change.id, subscriber(world), None)
    assert item.is_model_change
    assert item.headline == "구역 모델 변경: 인천경제자유구역 (Incheon FEZ): expand"


def test_why_names_every_criterion(world: Session) -> None:
    change = record(world, "new_document")
    reader = subscriber(world, source_id="test-board", change_kind="new_document", keyword="바이오")
    item = load_item(world, change.id, reader, reader.subscriptions[0])
    assert item.why == "키워드: 바이오 · 출처: Test board · 유형: 새 보도자료"


def test_title_is_one_line(world: Session) -> None:
    change = record(world, "new_document", title="첫 줄\r\n둘째\u2028줄")
    item = load_item(world, change.id, subscriber(world), None)
    assert item.title == "첫 줄 둘째 줄"


def test_missing_change(world: Session) -> None:
    with pytest.raises(LookupError):
        load_item(world, 987654, subscriber(world), None)


def test_excerpt_starts_near_a_late_change() -> None:
    lead = "변경 없는 앞부분 문장입니다. " * 80
    body = diff_text(lead + "사업비 597억 원 " + lead, lead + "사업비 650억 원 " + lead)
    excerpt = diff_excerpt({"body": body.to_json()})
    assert "[-597억-]{+650억+}" in excerpt
    assert len(excerpt) <= 410
    assert excerpt.startswith("… ")
    assert "\n" not in excerpt


def test_excerpt_of_nothing() -> None:
    assert diff_excerpt({}) == ""
    assert diff_excerpt({"body": {"ops": "broken"}}) == ""


def item(change_id: int, significance: float, zone: str | None, **fields: Any) -> AlertItem:
    values: dict[str, Any] = {
        "change_id": change_id,
        "kind": "new_document",
        "title": f"item {change_id}",
        "url": None,
        "source_name": None,
        "occurred_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        "significance": significance,
        "zones": ((zone, zone),) if zone else (),
        "topics": ("계획",),
        "headline": "새 보도자료",
        "diff_excerpt": "",
        "fact_lines": (),
        "why": "모든 변경",
        "is_correction": False,
        "is_model_change": False,
    }
    values.update(fields)
    return AlertItem(**values)


def test_group_for_digest() -> None:
    items = [
        item(1, 0.3, "송도"),
        item(2, 0.9, "부산"),
        item(3, 0.5, "송도"),
        item(4, 0.95, None),
        item(5, 0.1, "부산"),
    ]
    groups = group_for_digest(items)
    assert [(name, [i.change_id for i in members]) for name, members in groups] == [
        ("기타", [4]),
        ("부산", [2, 5]),
        ("송도", [3, 1]),
    ]
    assert group_for_digest(items, "en")[0][0] == "Other"
    assert group_for_digest([]) == []


def test_digest_summary() -> None:
    items = [
        item(1, 0.3, "송도", topics=("계획", "투자")),
        item(2, 0.9, "송도", kind="fact_change"),
        item(3, 0.2, None, topics=()),
    ]
    assert digest_summary(items) == {
        "zones": {"송도": 2, "기타": 1},
        "topics": {"계획": 2, "투자": 1},
        "kinds": {"new_document": 2, "fact_change": 1},
    }
