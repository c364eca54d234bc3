"""The services behind a subscriber's own preferences page (shared with the CLI), and the
signed link that opens it."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from tests.testkit.keys import TEST_SECRET_KEY
from zonewatch.alerts.matching import load_rules
from zonewatch.alerts.subscribers import (
    DeliveryChange,
    ResumeFrom,
    SubscriberSpec,
    SubscriptionSpec,
    add_own_subscription,
    add_subscriber,
    add_subscription,
    change_delivery,
    own_subscription,
    pause,
    remove_own_subscription,
    resolve_entity,
    resume,
    revoke_links,
    set_language,
    subscriber_for_link,
)
from zonewatch.alerts.tokens import (
    BadToken,
    preferences_token,
    preferences_url,
    read_preferences_token,
    unsubscribe_token,
)
from zonewatch.alerts.web import loggable_path, unsubscribe
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import AlertDelivery, ChangeRecord, Entity, EntityAlias, Subscriber, Topic
from zonewatch.models.enums import SubscriberStatus

KEY = TEST_SECRET_KEY


@pytest.fixture
def session(db_session: Session) -> Session:
    db_session.add(Entity(id="ifez", kind="fez", name_ko="인천경제자유구역", name_en="Incheon FEZ"))
    db_session.add(Entity(id="bjfez", kind="fez", name_ko="부산진해경제자유구역", name_en="BJFEZ"))
    db_session.add(Topic(id="plan", name_en="Plan", name_ko="계획"))
    db_session.flush()
    db_session.add(
        Entity(id="ifez-songdo", kind="fez_district", parent_id="ifez", name_ko="송도", name_en="S")
    )
    db_session.add(EntityAlias(entity_id="ifez", text="IFEZ", lang="en", alias_kind="abbreviation"))
    db_session.add(EntityAlias(entity_id="ifez", text="FEZ", lang="en", alias_kind="weak"))
    db_session.add(EntityAlias(entity_id="bjfez", text="FEZ", lang="en", alias_kind="weak"))
    factories.source(db_session, "ifez-press")
    return db_session


def kim(session: Session) -> Subscriber:
    person = add_subscriber(session, SubscriberSpec(email="kim@example.org"))
    add_subscription(session, "kim@example.org", SubscriptionSpec(entity="ifez"))
    add_subscription(session, "kim@example.org", SubscriptionSpec(topic="plan", delivery="daily"))
    return person


def link_token(person: Subscriber) -> str:
    return preferences_token(KEY, person.id, person.token_key, person.links_epoch)


def pending_delivery(session: Session, person: Subscriber) -> AlertDelivery:
    change = ChangeRecord(kind="new_document", dedupe_key=f"p{person.id}", title="t")
    session.add(change)
    session.flush()
    delivery = AlertDelivery(
        subscriber_id=person.id,
        change_id=change.id,
        event_key=f"change:{change.id}",
        channel="email",
        delivery="immediate",
    )
    session.add(delivery)
    session.flush()
    return delivery


# --- the link ------------------------------------------------------------------------------


def test_a_link_opens_its_subscriber_and_no_other(session: Session) -> None:
    person = kim(session)
    other = add_subscriber(session, SubscriberSpec(email="lee@example.org"))
    assert subscriber_for_link(session, KEY, link_token(person), 400) is person
    assert subscriber_for_link(session, KEY, link_token(other), 400) is other


def test_the_url_puts_the_token_in_the_path() -> None:
    url = preferences_url("https://zw.example.org/app/", KEY, 7, "row-key", 0)
    prefix = "https://zw.example.org/app/preferences/"
    assert url.startswith(prefix)
    assert read_preferences_token(KEY, url.removeprefix(prefix), 400).subscriber_id == 7


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "한글"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(BadToken):
        read_preferences_token(KEY, token, 400)


def test_a_tampered_token_is_refused(session: Session) -> None:
    person = kim(session)
    token = link_token(person)
    payload, signature = token.split(".", 1)
    other = preferences_token(KEY, person.id + 1, person.token_key, 0).split(".", 1)[0]
    with pytest.raises(BadToken):
        subscriber_for_link(session, KEY, f"{other}.{signature}", 400)
    with pytest.raises(BadToken):
        read_preferences_token("another key of at least thirty-two characters", token, 400)
    with pytest.raises(BadToken):
        subscriber_for_link(session, KEY, payload + "." + signature[::-1], 400)


def test_an_unsubscribe_token_never_opens_the_page(session: Session) -> None:
    person = kim(session)
    with pytest.raises(BadToken):
        subscriber_for_link(session, KEY, unsubscribe_token(KEY, person.id, person.token_key), 400)


def test_a_link_for_a_row_whose_key_differs_is_refused(session: Session) -> None:
    """SQLite reuses a deleted row's id: a link names the row's random key too."""
    person = kim(session)
    forged = preferences_token(KEY, person.id, "someone else's key", 0)
    with pytest.raises(BadToken):
        subscriber_for_link(session, KEY, forged, 400)


def test_revoking_ends_every_link_sent_so_far(session: Session) -> None:
    person = kim(session)
    old = link_token(person)
    revoke_links(session, person)
    with pytest.raises(BadToken):
        subscriber_for_link(session, KEY, old, 400)
    assert subscriber_for_link(session, KEY, link_token(person), 400) is person


def test_links_expire(session: Session) -> None:
    person = kim(session)
    with time_machine.travel("2026-01-01 00:00Z", tick=False):
        token = link_token(person)
    with time_machine.travel("2026-02-01 00:00Z", tick=False):
        assert subscriber_for_link(session, KEY, token, 40) is person
        with pytest.raises(BadToken):
            subscriber_for_link(session, KEY, token, 30)


def test_the_access_log_keeps_no_token() -> None:
    assert loggable_path("/app/preferences/eyJzIjo.abc?x=1") == "/app/preferences/…"
    assert loggable_path("/unsubscribe?token=secret") == "/unsubscribe"


# --- pause, resume, resubscribe ----------------------------------------------------------------


def test_pause_stops_mail_keeps_subscriptions_and_resume_brings_it_back(session: Session) -> None:
    person = kim(session)
    waiting = pending_delivery(session, person)

    assert pause(session, person) is True
    session.refresh(waiting)
    assert person.status == "paused"
    assert waiting.status == "cancelled", "a resume must not send a backlog all at once"
    assert [s.active for s in person.subscriptions] == [True, True]
    assert pause(session, person) is False

    assert resume(session, person) is ResumeFrom.PAUSED
    assert person.status == "active"
    assert resume(session, person) is ResumeFrom.NOTHING


def test_resume_after_an_unsubscribe_switches_the_subscriptions_on_again(session: Session) -> None:
    person = kim(session)
    assert unsubscribe(session, person.id)
    session.refresh(person)
    for subscription in person.subscriptions:
        session.refresh(subscription)
    assert [s.active for s in person.subscriptions] == [False, False]

    assert resume(session, person) is ResumeFrom.UNSUBSCRIBED
    assert person.status == "active"
    assert [s.active for s in person.subscriptions] == [True, True]


def test_resume_after_a_bounce_suspension_counts_failures_afresh(session: Session) -> None:
    person = kim(session)
    person.status, person.hard_failures = SubscriberStatus.SUSPENDED, 3
    assert resume(session, person) is ResumeFrom.SUSPENDED
    assert (person.status, person.hard_failures) == ("active", 0)


def test_a_paused_subscriber_gets_no_new_matches(session: Session) -> None:
    """Matching only serves active subscribers, so nothing piles up during a pause."""
    person = kim(session)
    assert {rule.subscriber_id for rule in load_rules(session)} == {person.id}
    pause(session, person)
    assert list(load_rules(session)) == []


# --- language, delivery, subscriptions -------------------------------------------------------


def test_language_is_checked(session: Session) -> None:
    person = kim(session)
    set_language(session, person, "en")
    assert person.language == "en"
    with pytest.raises(InputError, match="language must be one of ko, en"):
        set_language(session, person, "fr")


def test_delivery_changes_and_is_checked(session: Session) -> None:
    person = kim(session)
    zone = person.subscriptions[0]
    change_delivery(session, zone, DeliveryChange(delivery="weekly", hour="7"))
    assert (zone.delivery, zone.hour, zone.active) == ("weekly", 7, True)
    change_delivery(session, zone, DeliveryChange(active="false"))
    assert zone.active is False
    with pytest.raises(InputError, match="delivery must be one of"):
        change_delivery(session, zone, DeliveryChange(delivery="hourly"))
    with pytest.raises(InputError, match="hour must be 0-23"):
        change_delivery(session, zone, DeliveryChange(hour="24"))


def test_a_delivery_change_that_repeats_another_subscription_is_refused(session: Session) -> None:
    person = kim(session)
    add_subscription(session, "kim@example.org", SubscriptionSpec(entity="ifez", delivery="daily"))
    with pytest.raises(InputError, match="would repeat subscription"):
        change_delivery(session, person.subscriptions[0], DeliveryChange(delivery="daily"))


def test_another_subscribers_subscription_is_not_found(session: Session) -> None:
    person = kim(session)
    lee = add_subscriber(session, SubscriberSpec(email="lee@example.org"))
    theirs = add_subscription(session, "lee@example.org", SubscriptionSpec(topic="plan"))
    with pytest.raises(NotFoundError):
        own_subscription(person, theirs.id)
    with pytest.raises(NotFoundError):
        remove_own_subscription(session, person, theirs.id)
    assert [s.id for s in lee.subscriptions] == [theirs.id]


def test_own_subscriptions_are_added_by_any_name_and_always_by_email(session: Session) -> None:
    person = kim(session)
    added = add_own_subscription(
        session, person, SubscriptionSpec(entity="송도", channel="json://attacker.example/x")
    )
    assert (added.entity_id, added.channel) == ("ifez-songdo", "email")
    remove_own_subscription(session, person, added.id)
    remaining = session.scalars(select(Subscriber).where(Subscriber.id == person.id)).one()
    assert added.id not in [s.id for s in remaining.subscriptions]


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("ifez", "ifez"),
        ("IFEZ", "ifez"),
        ("ifez ", "ifez"),
        ("ＩＦＥＺ", "ifez"),
        ("인천경제자유구역", "ifez"),
        ("incheon fez", "ifez"),
        ("송도", "ifez-songdo"),
    ],
)
def test_entities_are_found_by_any_name(session: Session, name: str, entity: str) -> None:
    assert resolve_entity(session, name) == entity


def test_an_ambiguous_or_unknown_name_is_refused(session: Session) -> None:
    with pytest.raises(InputError, match=r"several entities: bjfez \(.*\), ifez \("):
        resolve_entity(session, "FEZ")
    with pytest.raises(NotFoundError, match="unknown entity"):
        resolve_entity(session, "Atlantis")
    with pytest.raises(InputError, match="empty"):
        resolve_entity(session, "  ")


def test_the_cli_service_takes_names_too(session: Session) -> None:
    kim(session)
    added = add_subscription(
        session, "kim@example.org", SubscriptionSpec(entity="IFEZ", hour=9, delivery="daily")
    )
    assert added.entity_id == "ifez"
