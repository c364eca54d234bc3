"""The change log's read side and the review verdicts, on both databases."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes import reach
from zonewatch.changes.queries import (
    ENTITY_PAGES,
    ChangeFilter,
    ChangePosition,
    change_details,
    change_query,
    list_changes,
    noise_rules_of,
    review_change,
    timeline,
)
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Entity,
    EntityChange,
    Mention,
    NoiseRule,
    Topic,
    VersionTopic,
)
from zonewatch.models.changes import follow_document_release

KST = dt.timezone(dt.timedelta(hours=9))
_keys = itertools.count(1)


def entity(session: Session, entity_id: str, kind: str, parent: str | None = None) -> Entity:
    row = Entity(
        id=entity_id, kind=kind, parent_id=parent, name_ko=f"{entity_id} 한", name_en=entity_id
    )
    session.add(row)
    session.flush()
    return row


def topic(session: Session, topic_id: str) -> Topic:
    row = Topic(id=topic_id, name_en=topic_id.title(), name_ko=topic_id)
    session.add(row)
    session.flush()
    return row


def record(
    session: Session,
    kind: str = "new_document",
    *,
    entities: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    at: dt.datetime | None = None,
    **fields: Any,
) -> ChangeRecord:
    """A change record; ``at`` sets both when it occurred and when it was recorded."""
    when = at or dt.datetime(2026, 3, 2, 10, tzinfo=KST)
    row = ChangeRecord(
        kind=kind,
        dedupe_key=f"test:{next(_keys)}",
        title=fields.pop("title", f"{kind} about {', '.join(entities) or 'nothing'}"),
        occurred_at=when,
        created_at=when,
        **fields,
    )
    row.entities = [ChangeEntity(entity_id=entity_id) for entity_id in entities]
    row.topics = [ChangeTopic(topic_id=topic_id) for topic_id in topics]
    session.add(row)
    session.flush()
    return row


def ids(session: Session, **filters: Any) -> list[int]:
    return [row.record.id for row in list_changes(session, ChangeFilter(**filters))]


@pytest.fixture
def zones(db_session: Session) -> Session:
    """kfez > ifez > ifez-songdo, and the ODZ type with one site."""
    entity(db_session, "kfez", "zone_system")
    entity(db_session, "ifez", "fez", "kfez")
    entity(db_session, "ifez-songdo", "fez_district", "ifez")
    entity(db_session, "bjfez", "fez", "kfez")
    entity(db_session, "odz", "zone_type")
    entity(db_session, "odz-busan", "special_zone", "odz")
    return db_session


def test_entity_filter_takes_in_every_descendant(zones: Session) -> None:
    songdo = record(zones, entities=("ifez-songdo",)).id
    ifez = record(zones, entities=("ifez",)).id
    busan = record(zones, entities=("bjfez",)).id
    record(zones, entities=("odz-busan",))
    assert set(ids(zones, entity_id="ifez")) == {songdo, ifez}
    assert set(ids(zones, entity_id="kfez")) == {songdo, ifez, busan}
    assert ids(zones, entity_id="ifez-songdo") == [songdo]


def test_zone_type_filter_takes_the_type_and_its_instances(zones: Session) -> None:
    site = record(zones, entities=("odz-busan",)).id
    itself = record(zones, entities=("odz",)).id
    record(zones, entities=("ifez",))
    assert set(ids(zones, zone_type="odz")) == {site, itself}
    assert ids(zones, zone_type="odz", entity_id="odz-busan") == [site]
    with pytest.raises(InputError, match="not a zone type"):
        ids(zones, zone_type="ifez")


def test_a_record_about_several_entities_is_listed_once(zones: Session) -> None:
    both = record(zones, entities=("ifez", "ifez-songdo")).id
    assert ids(zones, entity_id="kfez") == [both]


def test_topic_source_kind_status_and_significance_filters(zones: Session) -> None:
    topic(zones, "designation")
    topic(zones, "plan")
    factories.source(zones, "board-a")
    factories.source(zones, "board-b")
    designated = record(zones, topics=("designation",), source_id="board-a", significance=0.8).id
    planned = record(
        zones, "changed_document", topics=("plan",), source_id="board-b", significance=0.3
    ).id
    removed = record(zones, "removed_document", source_id="board-a", review_status="noise").id
    assert ids(zones, topic_id="designation") == [designated]
    assert set(ids(zones, source_id="board-a")) == {designated, removed}
    assert set(ids(zones, kinds=("changed_document", "removed_document"))) == {planned, removed}
    assert set(ids(zones, statuses=("new",))) == {designated, planned}
    assert ids(zones, statuses=("noise", "important")) == [removed]
    assert ids(zones, min_significance=0.5) == [designated]


def test_since_and_until_are_days_in_seoul(zones: Session) -> None:
    late = record(zones, at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=KST)).id
    early = record(zones, at=dt.datetime(2026, 3, 2, 0, 30, tzinfo=KST)).id
    assert ids(zones, since=dt.date(2026, 3, 2)) == [early]
    assert ids(zones, until=dt.date(2026, 3, 1)) == [late]
    assert ids(zones, since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 2)) == [early, late]


def test_newest_first_and_limited(zones: Session) -> None:
    start = dt.datetime(2026, 3, 1, tzinfo=KST)
    made = [record(zones, at=start + dt.timedelta(hours=hour)).id for hour in range(5)]
    assert ids(zones, limit=3) == made[::-1][:3]


def test_unknown_names_are_errors_not_empty_lists(zones: Session) -> None:
    for filters in ({"entity_id": "atlantis"}, {"topic_id": "x"}, {"source_id": "x"}):
        with pytest.raises(NotFoundError):
            ids(zones, **filters)


def version(session: Session, document: Document, number: int, text: str) -> DocumentVersion:
    row = DocumentVersion(
        document_id=document.id,
        number=number,
        title=f"송도 계획 v{number}",
        text=text,
        content_hash=f"{document.id}-{number}",
        extractor_version="1",
    )
    session.add(row)
    session.flush()
    return row


def test_details_carry_versions_source_and_evidence(zones: Session) -> None:
    factories.source(zones, "board-a")
    topic(zones, "plan")
    document = Document(source_id="board-a", external_id="7", url="https://x.go.kr/view/7")
    zones.add(document)
    zones.flush()
    old, new = version(zones, document, 1, "a"), version(zones, document, 2, "b")
    zones.add(
        Mention(
            version_id=new.id,
            entity_id="ifez-songdo",
            score=0.9,
            evidence=[{"text": "송도"}, {"text": "송도"}, {"text": "송도국제도시"}],
        )
    )
    zones.add(
        VersionTopic(version_id=new.id, topic_id="plan", score=0.7, evidence=[{"text": "계획"}])
    )
    change = record(
        zones,
        "changed_document",
        entities=("ifez-songdo",),
        topics=("plan",),
        source_id="board-a",
        document_id=document.id,
        old_version_id=old.id,
        new_version_id=new.id,
    )
    details = change_details(zones, change.id)
    assert details["document"]["url"] == "https://x.go.kr/view/7"
    assert (details["old_version"]["number"], details["new_version"]["number"]) == (1, 2)
    assert details["source"]["id"] == "board-a"
    assert details["entities"][0]["evidence"] == ["송도", "송도국제도시"]
    assert details["topics"][0]["evidence"] == ["계획"]
    with pytest.raises(NotFoundError, match="unknown change"):
        change_details(zones, change.id + 1000)


def body_diff(old: str, new: str) -> dict[str, Any]:
    from zonewatch.changes.diffing import diff_text

    return {"title": diff_text("제목", "제목").to_json(), "body": diff_text(old, new).to_json()}


def fragments(session: Session, source_id: str) -> set[str]:
    return set(session.scalars(select(NoiseRule.fragment).where(NoiseRule.source_id == source_id)))


def test_review_stores_the_verdict(zones: Session) -> None:
    change = record(zones)
    reviewed = review_change(zones, change.id, "important", "designation", "kim")
    assert (reviewed.review_status, reviewed.review_note, reviewed.reviewed_by) == (
        "important",
        "designation",
        "kim",
    )
    assert reviewed.reviewed_at is not None
    with pytest.raises(InputError):
        review_change(zones, change.id, "new", None, "kim")
    with pytest.raises(NotFoundError):
        review_change(zones, change.id + 1000, "noise", None, "kim")


def test_noise_on_a_changed_document_teaches_its_source(zones: Session) -> None:
    factories.source(zones, "board-a")
    diff = body_diff("조회수 : 120 입니다.", "조회수 : 98765 입니다.")
    change = record(zones, "changed_document", source_id="board-a", diff=diff)
    review_change(zones, change.id, "noise", None, "kim")
    learned = fragments(zones, "board-a")
    assert learned == {"<count> after 조회수"}, "the changed counter becomes a pattern"
    (rule,) = noise_rules_of(zones, change.id)
    assert (rule.kind, rule.context, rule.created_by) == ("count", "조회수", "kim")


def test_noise_on_an_edit_of_news_text_keeps_its_raw_fragments(zones: Session) -> None:
    factories.source(zones, "board-a")
    diff = body_diff("담당 부서는 투자유치과 입니다.", "담당 부서는 투자전략과 입니다.")
    change = record(zones, "changed_document", source_id="board-a", diff=diff)
    review_change(zones, change.id, "noise", None, "kim")
    learned = fragments(zones, "board-a")
    assert learned == {"투자유치과", "투자전략과"}
    assert all(rule.kind is None for rule in noise_rules_of(zones, change.id))


def test_noise_on_a_phone_edit_stores_the_kind_not_the_numbers(zones: Session) -> None:
    factories.source(zones, "board-a")
    diff = body_diff("문의: 032-453-7000 (투자유치과)", "문의: 032-453-7155 (투자유치과)")
    change = record(zones, "changed_document", source_id="board-a", diff=diff)
    review_change(zones, change.id, "noise", None, "kim")
    assert fragments(zones, "board-a") == {"<phone>"}


def test_noise_rules_skip_tiny_huge_and_known_fragments(zones: Session) -> None:
    factories.source(zones, "board-a")
    zones.add(NoiseRule(source_id="board-a", fragment="98765"))
    long = "가" * 300
    diff = body_diff("조회수 : 120 입니다. 끝", f"조회수 : 98765 입니다. {long} 끝")
    change = record(zones, "changed_document", source_id="board-a", diff=diff)
    review_change(zones, change.id, "noise", None, "kim")
    learned = fragments(zones, "board-a")
    assert long not in learned
    assert not any(len(text) > 200 for text in learned)
    rows = zones.scalars(select(NoiseRule).where(NoiseRule.fragment == "98765")).all()
    assert len(rows) == 1
    assert rows[0].change_id is None


def test_noise_elsewhere_stores_no_rules_and_a_new_verdict_withdraws_them(zones: Session) -> None:
    factories.source(zones, "board-a")
    fresh = record(zones, "new_document", source_id="board-a")
    review_change(zones, fresh.id, "noise", None, "kim")
    assert fragments(zones, "board-a") == set()
    change = record(
        zones, "changed_document", source_id="board-a", diff=body_diff("조회 1", "조회 23456")
    )
    review_change(zones, change.id, "noise", None, "kim")
    assert fragments(zones, "board-a")
    review_change(zones, change.id, "reviewed", "not noise after all", "lee")
    assert fragments(zones, "board-a") == set()


def model_change(
    session: Session, entity_id: str, action: str, at: dt.datetime, status: str = "applied"
) -> EntityChange:
    row = EntityChange(
        entity_id=entity_id,
        action=action,
        status=status,
        origin="config",
        before=None if action == "create" else {"id": entity_id},
        after={"id": entity_id, "notes": action},
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row


def test_timeline_merges_records_and_model_changes_oldest_first(zones: Session) -> None:
    day = dt.datetime(2026, 3, 1, 9, tzinfo=KST)
    created = model_change(zones, "ifez-songdo", "create", day)
    news = record(zones, entities=("ifez-songdo",), at=day + dt.timedelta(days=2))
    renamed = model_change(zones, "ifez", "rename", day + dt.timedelta(days=3))
    applied = record(
        zones,
        "model_change",
        entities=("ifez",),
        at=day + dt.timedelta(days=3),
        entity_change_id=renamed.id,
    )
    proposed = model_change(zones, "ifez", "update", day + dt.timedelta(days=1), "proposed")
    model_change(zones, "bjfez", "create", day)
    record(zones, entities=("bjfez",), at=day)
    events = timeline(zones, "ifez")
    assert [(event.type.value, event.id) for event in events] == [
        ("model", created.id),
        ("model", proposed.id),
        ("change", news.id),
        ("change", applied.id),
    ]
    assert events[1].status == "proposed"
    latest = timeline(zones, "ifez", limit=2)
    assert [event.id for event in latest] == [news.id, applied.id]
    with pytest.raises(NotFoundError):
        timeline(zones, "atlantis")
    with pytest.raises(InputError, match="at least 1"):
        timeline(zones, "ifez", limit=0)


def _whole_filter(session: Session, filters: ChangeFilter) -> list[int]:
    """The page the filter gives read as a whole (no entity tree): what an entity page read
    per entity must equal."""
    rows = session.execute(change_query(filters)).tuples()
    found = [record.id for record, _, _ in rows]
    return found[::-1] if filters.before is not None else found


def _many_records(session: Session) -> None:
    """Records of the ifez tree and outside it, several at one time (ties), some about two
    of the tree's entities, some without a release date."""
    start = dt.datetime(2026, 1, 1, tzinfo=KST)
    spots = (("ifez",), ("ifez-songdo",), ("ifez", "ifez-songdo"), ("bjfez",), ("odz-busan",))
    for n in range(40):
        at = start + dt.timedelta(hours=n // 3)
        released = None if n % 4 == 0 else at - dt.timedelta(days=n % 5)
        record(session, entities=spots[n % len(spots)], at=at, released_at=released)


@pytest.mark.parametrize("limit", [1, 4, 7])
def test_an_entity_page_read_per_entity_is_the_whole_filters_page(
    zones: Session, limit: int
) -> None:
    _many_records(zones)
    for filters in (
        ChangeFilter(entity_id="kfez", limit=limit),
        ChangeFilter(entity_id="ifez", kinds=("new_document",), limit=limit),
        ChangeFilter(zone_type="odz", limit=limit),
        ChangeFilter(entity_id="ifez", limit=limit, offset=3),
    ):
        seen: list[int] = []
        page = list_changes(zones, filters)
        while page:
            assert [c.record.id for c in page] == _whole_filter(zones, filters)
            seen += [c.record.id for c in page]
            last = ChangePosition.of(page[-1])
            filters = replace(filters, after=last, offset=0)
            page = list_changes(zones, filters)
        everything = replace(filters, after=None, offset=0, limit=None)
        assert len(seen) == len(set(seen))
        assert set(seen) <= set(_whole_filter(zones, everything))
        newer = replace(filters, after=None, before=last, limit=limit)
        assert [c.record.id for c in list_changes(zones, newer)] == _whole_filter(zones, newer)


@pytest.mark.parametrize("arms", [3, reach.MERGED_ARMS])
def test_a_large_trees_page_is_the_whole_filters_page(
    zones: Session, monkeypatch: pytest.MonkeyPatch, arms: int
) -> None:
    """A tree of more entities than are paged one by one is read within its reach: the same
    pages as the whole filter, with ties, undated records and records about two or three of
    its entities (so the newest links hold fewer records than links); with ``arms`` 3 the
    entities' links are merged in chunks."""
    monkeypatch.setattr(reach, "MERGED_ARMS", arms)
    districts = [f"kfez-{n}" for n in range(ENTITY_PAGES + 2)]
    for district in districts:
        entity(zones, district, "fez_district", "ifez")
    start = dt.datetime(2026, 1, 1, tzinfo=KST)
    for n in range(60):
        at = start + dt.timedelta(hours=n // 3)
        released = None if n % 4 == 0 else at - dt.timedelta(days=n % 5)
        about = {districts[n % 7], districts[(5 * n) % len(districts)], "ifez"}
        record(zones, entities=tuple(sorted(about))[: 1 + n % 3], at=at, released_at=released)
    record(zones, entities=("bjfez",), at=start)
    for limit, offset in ((1, 0), (7, 0), (7, 3), (59, 0), (200, 0)):
        filters = ChangeFilter(entity_id="kfez", limit=limit, offset=offset)
        assert [c.record.id for c in list_changes(zones, filters)] == _whole_filter(zones, filters)
    everything = _whole_filter(zones, ChangeFilter(entity_id="kfez", limit=None))
    assert [event.id for event in timeline(zones, "kfez", limit=10)] == everything[:10][::-1]


def test_entity_links_carry_their_records_place_and_follow_a_release_date(
    zones: Session,
) -> None:
    factories.source(zones, "board")
    document = Document(source_id="board", external_id="1", url="https://example.org/1")
    zones.add(document)
    zones.flush()
    detected = dt.datetime(2026, 3, 2, 10, tzinfo=KST)
    older = record(zones, entities=("ifez",), at=detected - dt.timedelta(days=1))
    undated = record(zones, entities=("ifez", "ifez-songdo"), at=detected, document_id=document.id)
    links = zones.scalars(select(ChangeEntity).where(ChangeEntity.change_id == undated.id))
    assert {link.placed_at for link in links} == {detected}
    assert ids(zones, entity_id="kfez") == [undated.id, older.id]

    document.published_at = detected - dt.timedelta(days=30)
    follow_document_release(zones, document)
    zones.expire_all()

    links = zones.scalars(select(ChangeEntity).where(ChangeEntity.change_id == undated.id))
    assert {link.placed_at for link in links} == {document.published_at}
    assert ids(zones, entity_id="kfez") == [older.id, undated.id]
