"""A watcher's own preferences page, opened by the signed link in their mails: it changes
only their subscriptions, refuses other, tampered and revoked links, and needs CSRF."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from tests.testkit import factories
from tests.web.conftest import csrf_of
from zonewatch.alerts.subscribers import (
    SubscriberSpec,
    SubscriptionSpec,
    add_subscriber,
    add_subscription,
    revoke_links,
)
from zonewatch.alerts.tokens import preferences_link
from zonewatch.alerts.web import unsubscribe
from zonewatch.app import App
from zonewatch.models import Entity, EntityAlias, Subscriber, Topic

PUBLIC = "http://console.example.org"


@dataclass(frozen=True)
class Reader:
    id: int
    path: str


def reader(app: App, email: str, language: str = "ko") -> Reader:
    with app.session() as session:
        person = add_subscriber(session, SubscriberSpec(email=email, language=language))
        add_subscription(session, email, SubscriptionSpec(entity="ifez"))
        add_subscription(session, email, SubscriptionSpec(topic="plan", delivery="daily"))
        link = preferences_link(app.settings, person)
        return Reader(person.id, link.removeprefix(PUBLIC))


def seed_model(app: App) -> None:
    """Two entities (one a district of the other, with an abbreviation), a topic, a source."""
    with app.session() as session:
        session.add(
            Entity(id="ifez", kind="fez", name_ko="인천경제자유구역", name_en="Incheon FEZ")
        )
        session.add(Topic(id="plan", name_en="Plans", name_ko="계획"))
        session.flush()
        session.add(
            Entity(id="ifez-songdo", kind="fez_district", parent_id="ifez", name_ko="송도",
                   name_en="Songdo")
        )  # fmt: skip
        session.add(
            EntityAlias(entity_id="ifez", text="IFEZ", lang="en", alias_kind="abbreviation")
        )
        factories.source(session, "ifez-press")


@pytest.fixture
def model(app: App) -> None:
    seed_model(app)


@pytest.fixture
def kim(app: App, model: None) -> Reader:
    return reader(app, "kim@example.org")


@pytest.fixture
def lee(app: App, model: None) -> Reader:
    return reader(app, "lee@example.net", language="en")


def state(app: App, who: Reader) -> tuple[str, str, list[tuple[str | None, str, int, bool]]]:
    with app.session() as session:
        person = session.get(Subscriber, who.id)
        assert person is not None
        return (
            person.status,
            person.language,
            [
                (s.entity_id or s.topic_id or s.keyword, s.delivery, s.hour, s.active)
                for s in person.subscriptions
            ],
        )


def subscription_ids(app: App, who: Reader) -> list[int]:
    with app.session() as session:
        person = session.get(Subscriber, who.id)
        assert person is not None
        return [s.id for s in person.subscriptions]


def submit(client: TestClient, who: Reader, **fields: str) -> str:
    """Post one form of the page, as a browser would, and return the page it lands on."""
    token = csrf_of(client.get(who.path).text)
    answer = client.post(who.path, data={"csrf": token, **fields}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location == f"{who.path}?saved={fields['action']}"
    page = client.get(location)
    assert page.status_code == 200
    return str(page.text)


def test_the_link_shows_the_readers_own_page_in_their_language(
    client: TestClient, kim: Reader, lee: Reader
) -> None:
    page = client.get(kim.path)
    assert page.status_code == 200
    assert "메일 구독 설정" in page.text
    assert "k***@e***.org" in page.text
    assert "kim@example.org" not in page.text, "anyone holding the link sees the page"
    assert "인천경제자유구역" in page.text
    assert "l***@e***.net" not in page.text
    english = client.get(lee.path, headers={"accept-language": "ko"})
    assert "Your zonewatch mail" in english.text, "the language they read their mail in"
    assert "Incheon FEZ" in english.text
    assert 'lang="en"' in english.text
    assert page.headers["referrer-policy"] == "same-origin"


def test_change_a_subscriptions_delivery_and_switch_it_off(
    app: App, client: TestClient, kim: Reader
) -> None:
    first = subscription_ids(app, kim)[0]
    page = submit(
        client, kim, action="change", subscription=str(first), delivery="weekly", hour="7"
    )
    assert "구독을 바꿨습니다." in page
    assert state(app, kim)[2] == [("ifez", "weekly", 7, False), ("plan", "daily", 8, True)]
    submit(client, kim, action="change", subscription=str(first), delivery="weekly", hour="7",
           active="on")  # fmt: skip
    assert state(app, kim)[2][0] == ("ifez", "weekly", 7, True)


def test_add_a_subscription_by_any_name_and_remove_one(
    app: App, client: TestClient, kim: Reader
) -> None:
    page = submit(client, kim, action="add", entity="송도", delivery="daily", hour="9",
                  keyword="<script>alert(1)</script>")  # fmt: skip
    assert "구독을 추가했습니다." in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    added = state(app, kim)[2][-1]
    assert added == ("ifez-songdo", "daily", 9, True)
    with app.session() as session:
        person = session.get(Subscriber, kim.id)
        assert person is not None
        assert person.subscriptions[-1].channel == "email"

    submit(client, kim, action="remove", subscription=str(subscription_ids(app, kim)[0]))
    assert [row[0] for row in state(app, kim)[2]] == ["plan", "ifez-songdo"]


def test_pause_and_resume_all_mail(app: App, client: TestClient, kim: Reader) -> None:
    page = submit(client, kim, action="pause")
    assert "일시 중지됨" in page
    assert "메일 다시 받기" in page
    assert state(app, kim)[0] == "paused"
    page = submit(client, kim, action="resume")
    assert "받는 중" in page
    assert state(app, kim)[0] == "active"


def test_subscribe_again_after_an_unsubscribe(app: App, client: TestClient, kim: Reader) -> None:
    with app.session() as session:
        unsubscribe(session, kim.id)
    page = client.get(kim.path).text
    assert "구독 해지됨" in page
    assert "다시 구독하기" in page
    submit(client, kim, action="resume")
    status, _, subscriptions = state(app, kim)
    assert status == "active"
    assert [active for *_, active in subscriptions] == [True, True]


def test_change_the_language_of_the_mails(app: App, client: TestClient, kim: Reader) -> None:
    page = submit(client, kim, action="language", language="en")
    assert "The language of your mails is changed." in page
    assert state(app, kim)[1] == "en"


def test_another_subscribers_link_or_subscription_is_refused(
    app: App, client: TestClient, kim: Reader, lee: Reader
) -> None:
    before = state(app, lee)
    theirs = subscription_ids(app, lee)[0]
    token = csrf_of(client.get(kim.path).text)
    for action in ("change", "remove"):
        answer = client.post(
            kim.path,
            data={"csrf": token, "action": action, "subscription": str(theirs),
                  "delivery": "weekly", "hour": "3"},
        )  # fmt: skip
        assert answer.status_code == 404
    assert state(app, lee) == before
    assert "l***@e***.net" not in client.get(kim.path).text


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_tampered_or_revoked_link_is_refused_in_the_readers_language(
    app: App, client: TestClient, kim: Reader, language: str
) -> None:
    payload, signature = kim.path.removeprefix("/preferences/").split(".", 1)
    for path in (
        f"/preferences/{payload}.{signature[::-1]}",
        f"/preferences/{payload[:-2]}xx.{signature}",
        "/preferences/garbage",
    ):
        answer = client.get(path, headers={"accept-language": language})
        assert answer.status_code == 403
        expected = "유효하지 않거나 만료된 링크" if language == "ko" else "not valid or has expired"
        assert expected in answer.text
    with app.session() as session:
        person = session.get(Subscriber, kim.id)
        assert person is not None
        revoke_links(session, person)
    assert client.get(kim.path).status_code == 403
    token = csrf_of(client.get("/login").text)
    refused = client.post(kim.path, data={"csrf": token, "action": "pause"})
    assert refused.status_code == 403
    assert state(app, kim)[0] == "active"


def test_csrf_is_required(app: App, client: TestClient, kim: Reader) -> None:
    client.get(kim.path)
    for data in ({"action": "pause"}, {"action": "pause", "csrf": "forged"}):
        answer = client.post(kim.path, data=data)
        assert answer.status_code == 403
    other = TestClient(client.app, base_url=PUBLIC)
    stolen = csrf_of(other.get(kim.path).text)
    assert client.post(kim.path, data={"action": "pause", "csrf": stolen}).status_code == 403
    assert state(app, kim)[0] == "active"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "explode"}, "unknown action"),
        ({"action": "change", "subscription": "x"}, "subscription must be"),
        ({"action": "language", "language": "fr"}, "language must be one of ko, en"),
        ({"action": "add", "delivery": "hourly"}, "delivery must be one of"),
        ({"action": "add", "delivery": "daily", "hour": "25"}, "hour must be 0-23"),
        ({"action": "add", "delivery": "daily", "entity": "Atlantis"}, "unknown entity"),
    ],
)
def test_bad_input_is_a_one_line_400(
    app: App, client: TestClient, kim: Reader, fields: dict[str, str], message: str
) -> None:
    before = state(app, kim)
    token = csrf_of(client.get(kim.path).text)
    answer = client.post(kim.path, data={"csrf": token, **fields})
    assert answer.status_code in (400, 404)
    assert message in answer.text
    assert state(app, kim) == before
    assert client.get(f"{kim.path}?saved=bogus").status_code == 400
