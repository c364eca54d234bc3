"""The subscription index: what a change matches, in memory, and the outbox rows it leads to."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.alerts.matching import (
    ChangeFacts,
    Rule,
    SubscriptionIndex,
    choose_deliveries,
    index_for,
    load_index,
)
from zonewatch.alerts.services import match_event, match_events
from zonewatch.models import (
    AlertDelivery,
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Entity,
    Subscriber,
    Subscription,
    Topic,
)
from zonewatch.models.bulk import ROWS_PER_STATEMENT
from zonewatch.models.enums import SubscriberStatus

PARENTS: dict[str, str | None] = {
    "kfez": None,
    "ifez": "kfez",
    "ifez-songdo": "ifez",
    "ifez-cheongna": "ifez",
    "bjfez": "kfez",
    "odz": None,
    "odz-busan": "odz",
    "odz-ulsan": "odz",
}
_ids = itertools.count(1)


def rule(**fields: Any) -> Rule:
    fields.setdefault("id", next(_ids))
    fields.setdefault("subscriber_id", fields["id"])
    return Rule(**fields)


def change(**fields: Any) -> ChangeFacts:
    fields.setdefault("id", 1)
    fields.setdefault("kind", "new_document")
    fields.setdefault("significance", 0.5)
    fields.setdefault("language", "ko")
    for name in ("entity_ids", "topic_ids"):
        fields[name] = frozenset(fields.get(name, ()))
    return ChangeFacts(**fields)


def matched(rules: list[Rule], facts: ChangeFacts) -> set[int]:
    index = SubscriptionIndex(rules, PARENTS)
    found = [r.id for r in index.match(facts)]
    assert found == [r.id for r in index.scan(facts)], "the index and the scan disagree"
    return set(found)


# --- the index, in memory ------------------------------------------------------------------


def test_a_zone_includes_its_districts() -> None:
    zone, district, other = (
        rule(entity_id="ifez"),
        rule(entity_id="ifez-songdo"),
        rule(entity_id="bjfez"),
    )
    rules = [zone, district, other]
    assert matched(rules, change(entity_ids={"ifez-songdo"})) == {zone.id, district.id}
    assert matched(rules, change(entity_ids={"ifez"})) == {zone.id}
    assert matched(rules, change(entity_ids={"ifez-cheongna"})) == {zone.id}


def test_a_zone_type_includes_its_instances_and_the_system_its_zones() -> None:
    zone_type, system = rule(entity_id="odz"), rule(entity_id="kfez")
    rules = [zone_type, system]
    assert matched(rules, change(entity_ids={"odz-busan"})) == {zone_type.id}
    assert matched(rules, change(entity_ids={"odz"})) == {zone_type.id}
    assert matched(rules, change(entity_ids={"ifez-songdo"})) == {system.id}


def test_a_change_about_several_entities_matches_a_rule_once() -> None:
    zone = rule(entity_id="ifez")
    index = SubscriptionIndex([zone], PARENTS)
    assert index.match(change(entity_ids={"ifez", "ifez-songdo", "ifez-cheongna"})) == [zone]


@pytest.mark.parametrize(
    ("filters", "hit", "miss"),
    [
        ({"topic_id": "plan"}, {"topic_ids": {"plan", "reform"}}, {"topic_ids": {"reform"}}),
        ({"source_id": "ifez-press"}, {"source_id": "ifez-press"}, {"source_id": "other"}),
        ({"keyword": "Bio"}, {"haystack": "송도 BIO 클러스터"}, {"haystack": "송도 반도체"}),
        ({"keyword": "바이오"}, {"haystack": "송도바이오클러스터"}, {"haystack": ""}),
        ({"change_kind": "fact_change"}, {"kind": "fact_change"}, {"kind": "new_document"}),
        ({"language": "en"}, {"language": "en"}, {"language": "ko"}),
        ({"language": "en"}, {"language": "en"}, {"language": None}),
        ({"min_significance": 0.5}, {"significance": 0.5}, {"significance": 0.49}),
        (
            {"entity_id": "ifez", "topic_id": "plan", "keyword": "송도"},
            {"entity_ids": {"ifez-songdo"}, "topic_ids": {"plan"}, "haystack": "송도 계획"},
            {"entity_ids": {"ifez-songdo"}, "topic_ids": {"plan"}, "haystack": "청라 계획"},
        ),
        (
            {"topic_id": "plan", "source_id": "ifez-press"},
            {"topic_ids": {"plan"}, "source_id": "ifez-press"},
            {"topic_ids": {"plan"}, "source_id": "bjfez-press"},
        ),
        (
            {"source_id": "ifez-press", "keyword": "송도"},
            {"source_id": "ifez-press", "haystack": "송도"},
            {"source_id": "ifez-press", "haystack": "청라"},
        ),
    ],
)
def test_each_filter_must_hold(
    filters: dict[str, Any], hit: dict[str, Any], miss: dict[str, Any]
) -> None:
    subscription = rule(**filters)
    assert matched([subscription], change(**hit)) == {subscription.id}
    assert matched([subscription], change(**miss)) == set()


def test_overlapping_keywords_are_all_found() -> None:
    short, long = rule(keyword="바이오"), rule(keyword="송도 바이오 클러스터")
    facts = change(haystack="인천 송도 바이오 클러스터 조성")
    assert matched([short, long], facts) == {short.id, long.id}


def test_an_unfiltered_subscription_gets_every_change() -> None:
    everything = rule()
    for facts in (change(), change(entity_ids={"odz-busan"}, kind="correction", language=None)):
        assert matched([everything], facts) == {everything.id}


@pytest.mark.parametrize("silent", [{"minor": True}, {"review_status": "noise"}])
def test_minor_and_noise_changes_match_nobody(silent: dict[str, Any]) -> None:
    rules = [rule(), rule(entity_id="ifez"), rule(topic_id="plan")]
    facts = change(entity_ids={"ifez"}, topic_ids={"plan"}, **silent)
    assert matched(rules, facts) == set()


def test_lookup_offers_only_rules_posted_under_the_change() -> None:
    """The index's point: rules about other entities, topics and kinds are never looked at."""
    wanted = rule(entity_id="ifez", keyword="송도")
    others = [
        rule(entity_id="bjfez", keyword="송도"),
        rule(topic_id="reform", source_id="x"),
        rule(change_kind="correction", keyword="송도"),
        rule(min_significance=0.9, keyword="송도"),
        rule(keyword="청라"),
    ]
    index = SubscriptionIndex([wanted, *others], PARENTS)
    plain, checked = index.candidates(change(entity_ids={"ifez-songdo"}, haystack="송도"))
    assert plain == []
    assert checked == [wanted]


def test_the_index_agrees_with_a_scan_on_random_rules() -> None:
    rng = random.Random(7)
    entities, topics = list(PARENTS), ["plan", "reform", "investment"]
    kinds, keywords = ["new_document", "correction"], ["송도", "바이오", "bio"]

    def some(choices: list[str], share: float = 0.4) -> str | None:
        return rng.choice(choices) if rng.random() < share else None

    rules = [
        rule(
            entity_id=some(entities),
            topic_id=some(topics),
            source_id=some(["a", "b"], 0.2),
            keyword=some(keywords, 0.2),
            language=some(["ko", "en"], 0.2),
            change_kind=some(kinds, 0.2),
            min_significance=rng.choice([0.0, 0.3, 0.7]),
        )
        for _ in range(2000)
    ]
    index = SubscriptionIndex(rules, PARENTS)
    for _ in range(50):
        facts = change(
            entity_ids=rng.sample(entities, rng.randint(0, 2)),
            topic_ids=rng.sample(topics, rng.randint(0, 2)),
            source_id=some(["a", "b"], 0.7),
            haystack=" ".join(rng.sample([*keywords, "청라", "BIO"], 2)),
            language=rng.choice(["ko", "en", None]),
            kind=rng.choice(kinds),
            significance=rng.random(),
        )
        assert index.match(facts) == index.scan(facts)


def test_deliveries_prefer_immediate_then_the_first_mode_and_one_per_channel() -> None:
    daily = rule(id=101, subscriber_id=1, delivery="daily")
    immediate = rule(id=102, subscriber_id=1, delivery="immediate")
    again = rule(id=103, subscriber_id=1, delivery="immediate")
    slack = rule(id=104, subscriber_id=1, delivery="immediate", channel="slack://a/b/c")
    weekly_digest = rule(id=105, subscriber_id=1, delivery="weekly", channel="json://h")
    weekly = rule(id=201, subscriber_id=2, delivery="weekly")
    daily_later = rule(id=202, subscriber_id=2, delivery="daily")
    chosen = choose_deliveries([daily_later, weekly, weekly_digest, slack, again, immediate, daily])
    assert [r.id for r in chosen] == [immediate.id, slack.id, weekly.id]


# --- from the database ---------------------------------------------------------------------


@pytest.fixture
def zones(db_session: Session) -> Session:
    for entity_id, parent in PARENTS.items():
        kind = "zone_type" if entity_id == "odz" else "fez"
        db_session.add(
            Entity(id=entity_id, kind=kind, parent_id=parent, name_ko=entity_id, name_en=entity_id)
        )
    db_session.add(Topic(id="plan", name_en="Plan", name_ko="계획"))
    db_session.flush()
    factories.source(db_session, "ifez-press")
    return db_session


def subscriber(session: Session, email: str, *subscriptions: dict[str, Any]) -> Subscriber:
    row = Subscriber(email=email)
    row.subscriptions = [Subscription(**fields) for fields in subscriptions]
    session.add(row)
    session.flush()
    return row


def record(session: Session, *, text: str = "", language: str = "ko", **fields: Any) -> int:
    """A change record with a version of a document of ``ifez-press``."""
    entities = fields.pop("entities", ("ifez-songdo",))
    topics = fields.pop("topics", ())
    document = Document(source_id="ifez-press", external_id=str(next(_ids)), url="https://x/1")
    session.add(document)
    session.flush()
    version = DocumentVersion(
        document_id=document.id,
        number=1,
        title=fields.get("title", "제목"),
        text=text,
        language=language,
        content_hash="0" * 64,
        extractor_version="1",
    )
    session.add(version)
    session.flush()
    row = ChangeRecord(
        kind=fields.pop("kind", "new_document"),
        dedupe_key=f"test:{next(_ids)}",
        title=fields.pop("title", "제목"),
        source_id="ifez-press",
        new_version_id=version.id,
        document_id=document.id,
        **fields,
    )
    row.entities = [ChangeEntity(entity_id=entity_id) for entity_id in entities]
    row.topics = [ChangeTopic(topic_id=topic_id) for topic_id in topics]
    row.event_key = f"version:{version.id}"
    session.add(row)
    session.flush()
    return row.id


def event_of(session: Session, change_id: int) -> str:
    record = session.get(ChangeRecord, change_id)
    assert record is not None
    assert record.event_key is not None
    return record.event_key


def match_record(session: Session, change_id: int) -> list[int]:
    """Match the event of one record (each record here is a version's only one)."""
    return match_event(session, event_of(session, change_id))


def deliveries(session: Session, change_id: int) -> list[AlertDelivery]:
    return list(
        session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.change_id == change_id)
            .order_by(AlertDelivery.subscriber_id, AlertDelivery.channel)
        )
    )


def test_inactive_subscriptions_and_suspended_subscribers_are_left_out(zones: Session) -> None:
    active = subscriber(zones, "a@example.org", {}, {"entity_id": "ifez", "active": False})
    suspended = subscriber(zones, "s@example.org", {})
    suspended.status = SubscriberStatus.SUSPENDED
    zones.flush()
    index = load_index(zones)
    assert [(r.subscriber_id, r.entity_id) for r in index.rules] == [(active.id, None)]


def test_one_delivery_per_subscriber_immediate_preferred_and_a_repeat_writes_nothing(
    zones: Session,
) -> None:
    person = subscriber(
        zones,
        "p@example.org",
        {"entity_id": "ifez", "delivery": "daily"},
        {"topic_id": "plan", "delivery": "immediate"},
        {"delivery": "weekly"},
    )
    digest_only = subscriber(
        zones, "d@example.org", {"delivery": "weekly"}, {"entity_id": "kfez", "delivery": "daily"}
    )
    subscriber(zones, "other@example.org", {"entity_id": "bjfez"})
    change_id = record(zones, topics=("plan",))

    immediate = match_record(zones, change_id)

    rows = deliveries(zones, change_id)
    assert [(r.subscriber_id, r.delivery) for r in rows] == [
        (person.id, "immediate"),
        (digest_only.id, "weekly"),
    ]
    assert immediate == [rows[0].id]
    assert rows[0].subscription_id == person.subscriptions[1].id
    assert match_record(zones, change_id) == []
    assert zones.scalar(select(func.count()).select_from(AlertDelivery)) == 2


def test_minor_and_noise_records_write_no_delivery(zones: Session) -> None:
    subscriber(zones, "all@example.org", {})
    minor = record(zones, minor=True)
    noise = record(zones, review_status="noise")
    assert match_record(zones, minor) == []
    assert match_record(zones, noise) == []
    assert deliveries(zones, minor) == deliveries(zones, noise) == []


def test_keyword_and_language_read_the_version(zones: Session) -> None:
    keyword = subscriber(zones, "k@example.org", {"keyword": "바이오"})
    english = subscriber(zones, "e@example.org", {"language": "en"})
    korean_bio = record(zones, text="송도 바이오 클러스터")
    english_plain = record(zones, text="Songdo", language="en")
    match_record(zones, korean_bio)
    match_record(zones, english_plain)
    assert [r.subscriber_id for r in deliveries(zones, korean_bio)] == [keyword.id]
    assert [r.subscriber_id for r in deliveries(zones, english_plain)] == [english.id]


def test_the_cached_index_follows_changes_to_subscriptions(zones: Session) -> None:
    person = subscriber(zones, "p@example.org", {"entity_id": "bjfez"})
    first = index_for(zones)
    assert index_for(zones) is first
    assert match_record(zones, record(zones)) == []

    person.subscriptions.append(Subscription(entity_id="ifez"))
    zones.flush()
    assert index_for(zones) is not first
    assert len(match_record(zones, record(zones))) == 1

    person.status = SubscriberStatus.SUSPENDED
    zones.flush()
    assert match_record(zones, record(zones)) == []

    person.status = SubscriberStatus.ACTIVE
    zones.get(Entity, "odz-busan").parent_id = "ifez"  # type: ignore[union-attr]
    zones.flush()
    assert len(match_record(zones, record(zones, entities=("odz-busan",)))) == 1


def test_a_batch_of_events_writes_what_matching_them_one_by_one_writes(zones: Session) -> None:
    everyone = subscriber(zones, "all@example.org", {})
    planner = subscriber(zones, "plan@example.org", {"topic_id": "plan", "delivery": "daily"})
    first, second = record(zones, topics=("plan",)), record(zones)
    keys = [event_of(zones, change_id) for change_id in (first, second)]

    immediate = match_events(zones, [*keys, keys[0]])

    written = [(r.subscriber_id, r.delivery) for r in deliveries(zones, first)]
    assert written == [(everyone.id, "immediate"), (planner.id, "daily")]
    assert [(r.subscriber_id, r.delivery) for r in deliveries(zones, second)] == [
        (everyone.id, "immediate")
    ]
    assert immediate == {
        key: [r.id for r in deliveries(zones, change_id) if r.delivery == "immediate"]
        for key, change_id in zip(keys, (first, second), strict=True)
    }
    assert all(r.status == "pending" and r.attempts == 0 for r in deliveries(zones, first))
    assert match_events(zones, keys) == {key: [] for key in keys}
    assert zones.scalar(select(func.count()).select_from(AlertDelivery)) == 3


def test_a_repeat_after_a_new_subscriber_writes_only_the_new_delivery(zones: Session) -> None:
    """The unique key skips the rows written before; the new subscriber's row is added."""
    early = subscriber(zones, "early@example.org", {})
    change_id = record(zones)
    match_record(zones, change_id)
    late = subscriber(zones, "late@example.org", {})

    added = match_record(zones, change_id)

    rows = deliveries(zones, change_id)
    assert [r.subscriber_id for r in rows] == [early.id, late.id]
    assert added == [rows[1].id]


def test_an_event_fanning_out_past_one_statement_is_written_whole(zones: Session) -> None:
    people = [subscriber(zones, f"p{n}@example.org", {}) for n in range(ROWS_PER_STATEMENT + 5)]
    change_id = record(zones)
    assert len(match_record(zones, change_id)) == len(people)
    assert len(deliveries(zones, change_id)) == len(people)
    assert match_record(zones, change_id) == []
