"""Subscriber and subscription services: validation, listing, removal, import and export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.alerts.subscribers import (
    SubscriberSpec,
    SubscriptionSpec,
    add_subscriber,
    add_subscription,
    export_text,
    find_subscriber,
    import_file,
    list_subscribers,
    list_subscriptions,
    remove_subscriber,
    remove_subscription,
    subscriber_details,
    valid_email,
)
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import AlertDelivery, ChangeRecord, Entity, Subscriber, Subscription, Topic


@pytest.fixture
def session(db_session: Session) -> Session:
    """Two entities, a topic and a source to subscribe to."""
    db_session.add(Entity(id="ifez", kind="fez", name_ko="인천경제자유구역", name_en="IFEZ"))
    db_session.add(Topic(id="plan", name_en="Plan", name_ko="계획"))
    db_session.flush()
    db_session.add(
        Entity(id="ifez-songdo", kind="fez_district", parent_id="ifez", name_ko="송도", name_en="S")
    )
    factories.source(db_session, "ifez-press")
    return db_session


def person(session: Session, email: str = "kim@example.org", **fields: Any) -> Subscriber:
    return add_subscriber(session, SubscriberSpec(email=email, **fields))


def count(session: Session, model: type[Subscriber] | type[Subscription]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["kim@example.org", "Kim.Lee+zones@Mail.Example.co.kr", "a_b@한국.kr"]
)
def test_plausible_addresses_pass(email: str) -> None:
    assert valid_email(email) == email.lower()


@pytest.mark.parametrize(
    "email", ["kim", "kim@", "@example.org", "kim@localhost", "ki m@example.org", "a..b@x.org"]
)
def test_implausible_addresses_fail(email: str) -> None:
    with pytest.raises(InputError, match="not a valid email address"):
        valid_email(email)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"language": "fr"}, "language must be one of ko, en"),
        ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"timezone": "../etc/passwd"}, "unknown timezone"),
        ({"status": "on-hold"}, "status must be one of"),
    ],
)
def test_subscriber_fields_are_checked(
    session: Session, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        person(session, **fields)


def test_a_subscriber_defaults_to_korean_in_seoul_and_is_unique_by_email(session: Session) -> None:
    kim = person(session, "Kim@Example.org", name=" Kim ")
    assert (kim.email, kim.name, kim.language, kim.timezone) == (
        "kim@example.org",
        "Kim",
        "ko",
        "Asia/Seoul",
    )
    with pytest.raises(InputError, match="already exists"):
        person(session, "kim@example.org")


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"entity": "atlantis"}, NotFoundError, "unknown entity 'atlantis'"),
        ({"topic": "weather"}, NotFoundError, "unknown topic 'weather'"),
        ({"source": "nowhere"}, NotFoundError, "unknown source 'nowhere'"),
        ({"language": "de"}, InputError, "language must be one of ko, en"),
        ({"kind": "rumour"}, InputError, "unknown change kind 'rumour'"),
        ({"delivery": "hourly"}, InputError, "delivery must be one of immediate, daily, weekly"),
        ({"hour": 24}, InputError, "hour must be 0-23"),
        ({"hour": -1}, InputError, "hour must be 0-23"),
        ({"min_significance": 1.5}, InputError, "between 0 and 1"),
        ({"min_significance": float("nan")}, InputError, "must be a number"),
        ({"channel": "slack"}, InputError, "channel must be 'email' or a URL"),
        ({"channel": "nosuchscheme://x"}, InputError, "not a notification URL Apprise supports"),
    ],
)
def test_subscription_fields_are_checked(
    session: Session, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    person(session)
    with pytest.raises(error, match=message):
        add_subscription(session, "kim@example.org", SubscriptionSpec(**fields))
    assert count(session, Subscription) == 0


def test_a_subscription_with_every_filter_and_an_apprise_channel(session: Session) -> None:
    kim = person(session)
    spec = SubscriptionSpec(
        entity="ifez",
        topic="plan",
        source="ifez-press",
        keyword=" 바이오 ",
        language="ko",
        kind="fact_change",
        min_significance=0.4,
        delivery="daily",
        hour=7,
        channel="json://localhost/hook",
    )
    row = add_subscription(session, str(kim.id), spec, LOCAL_HOOKS)
    assert (row.entity_id, row.keyword, row.change_kind, row.hour) == (
        "ifez",
        "바이오",
        "fact_change",
        7,
    )
    assert list_subscriptions(session, "kim@example.org")[0]["description"] == (
        "entity ifez, topic plan, source ifez-press, keyword '바이오', language ko, "
        "kind fact_change, significance ≥ 0.4; daily at 07:00 via json://localhost/hook"
    )
    with pytest.raises(InputError, match="already has this subscription"):
        add_subscription(session, "kim@example.org", spec, LOCAL_HOOKS)


@pytest.mark.parametrize(
    "channel",
    [
        "json://localhost/hook",
        "json://127.0.0.1:8080/hook",
        "json://169.254.169.254/latest/meta-data",
        "xml://100.100.100.200/latest",
        "form://[::ffff:10.0.0.1]/x",
        "jsons://0.0.0.0/x",
    ],
)
def test_a_channel_to_a_private_address_is_refused(session: Session, channel: str) -> None:
    person(session)
    with pytest.raises(InputError, match="non-public address"):
        add_subscription(session, "kim@example.org", SubscriptionSpec(channel=channel))
    assert count(session, Subscription) == 0


# --- lookup, details, removal ----------------------------------------------------------------


def test_subscribers_are_found_by_id_or_email(session: Session) -> None:
    kim = person(session)
    assert find_subscriber(session, str(kim.id)) is kim
    assert find_subscriber(session, "KIM@example.org ") is kim
    with pytest.raises(NotFoundError, match=r"unknown subscriber 'lee@example\.org'"):
        find_subscriber(session, "lee@example.org")


def test_details_count_deliveries_per_subscription_and_status(session: Session) -> None:
    kim = person(session)
    zone = add_subscription(session, "kim@example.org", SubscriptionSpec(entity="ifez"))
    add_subscription(session, "kim@example.org", SubscriptionSpec(topic="plan"))
    for number, status in enumerate(("sent", "sent", "pending")):
        change = ChangeRecord(kind="new_document", dedupe_key=f"d{number}", title="t")
        session.add(change)
        session.flush()
        session.add(
            AlertDelivery(
                subscriber_id=kim.id,
                change_id=change.id,
                event_key=f"change:{change.id}",
                subscription_id=zone.id,
                channel="email",
                delivery="immediate",
                status=status,
            )
        )
    session.flush()
    details = subscriber_details(session, "kim@example.org")
    assert [row["deliveries"] for row in details["subscriptions"]] == [3, 0]
    assert details["deliveries"] == {"total": 3, "by_status": {"sent": 2, "pending": 1}}
    assert list_subscribers(session)[0]["subscriptions"] == 2


def test_removing_a_subscriber_removes_their_subscriptions(session: Session) -> None:
    person(session)
    lee = person(session, "lee@example.org")
    add_subscription(session, "kim@example.org", SubscriptionSpec(entity="ifez"))
    kept = add_subscription(session, "lee@example.org", SubscriptionSpec(entity="ifez"))
    remove_subscriber(session, "kim@example.org")
    assert [row.email for row in session.scalars(select(Subscriber))] == [lee.email]
    assert list(session.scalars(select(Subscription.id))) == [kept.id]
    remove_subscription(session, kept.id)
    assert count(session, Subscription) == 0
    with pytest.raises(NotFoundError, match="unknown subscription"):
        remove_subscription(session, kept.id)


# --- import and export -----------------------------------------------------------------------

# Webhooks on loopback, as the operator allows them in tests (a name the policy trusts).
LOCAL_HOOKS = ("localhost",)

CSV = """\
email,name,language,timezone,status,entity,topic,source,keyword,content_language,kind,min_significance,delivery,hour,channel,active
kim@example.org,Kim,en,Europe/Berlin,active,ifez,,,,,,0.5,daily,7,email,true
kim@example.org,,,,,,plan,,바이오,ko,,,,,json://localhost/hook,
lee@example.org,Lee,,,,,,,,,,,,,,
park@example.org,,,,,,,ifez-press,,,fact_change,,weekly,9,email,false
"""

YAML = """\
version: 1
subscribers:
  - email: kim@example.org
    name: Kim
    language: en
    timezone: Europe/Berlin
    subscriptions:
      - entity: ifez
        min_significance: 0.5
        delivery: daily
        hour: 7
      - topic: plan
        keyword: 바이오
        language: ko
        channel: json://localhost/hook
  - email: lee@example.org
    name: Lee
  - email: park@example.org
    subscriptions:
      - source: ifez-press
        kind: fact_change
        delivery: weekly
        hour: 9
        active: false
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "text"), [("people.csv", CSV), ("people.yaml", YAML)])
def test_import_reads_both_formats_and_a_repeat_changes_nothing(
    session: Session, tmp_path: Path, name: str, text: str
) -> None:
    path = write(tmp_path, name, text)
    first = import_file(session, path, LOCAL_HOOKS)
    assert (first.subscribers_added, first.subscriptions_added) == (3, 3)
    kim = find_subscriber(session, "kim@example.org")
    assert (kim.name, kim.language, kim.timezone) == ("Kim", "en", "Europe/Berlin")
    rows = list_subscriptions(session)
    assert [
        (row["subscriber"], row["entity"] or row["topic"] or row["source"]) for row in rows
    ] == [
        ("kim@example.org", "ifez"),
        ("kim@example.org", "plan"),
        ("park@example.org", "ifez-press"),
    ]
    assert [row["active"] for row in rows] == [True, True, False]
    assert rows[1]["channel"] == "json://localhost/hook"

    again = import_file(session, path, LOCAL_HOOKS)
    assert (again.subscribers_added, again.subscribers_updated) == (0, 0)
    assert (again.subscriptions_added, again.subscriptions_updated, again.unchanged) == (0, 0, 3)
    assert (count(session, Subscriber), count(session, Subscription)) == (3, 3)


@pytest.mark.parametrize("file_format", ["yaml", "csv"])
def test_export_then_import_round_trips(session: Session, tmp_path: Path, file_format: str) -> None:
    import_file(session, write(tmp_path, "people.yaml", YAML), LOCAL_HOOKS)
    exported = export_text(session, file_format)
    for subscriber in list(session.scalars(select(Subscriber))):
        session.delete(subscriber)
    session.flush()

    report = import_file(session, write(tmp_path, f"again.{file_format}", exported), LOCAL_HOOKS)
    assert (report.subscribers_added, report.subscriptions_added) == (3, 3)
    assert export_text(session, file_format) == exported
    assert import_file(session, tmp_path / f"again.{file_format}", LOCAL_HOOKS).unchanged == 3


def test_a_bad_csv_row_names_its_line_and_imports_nothing(session: Session, tmp_path: Path) -> None:
    lines = CSV.splitlines()
    lines[2] = lines[2].replace("plan", "weather")
    with pytest.raises(InputError, match=r"bad\.csv: line 3: unknown topic 'weather'"):
        import_file(session, write(tmp_path, "bad.csv", "\n".join(lines)), LOCAL_HOOKS)
    assert (count(session, Subscriber), count(session, Subscription)) == (0, 0)


def test_a_bad_yaml_entry_names_its_line(session: Session, tmp_path: Path) -> None:
    bad = YAML.replace("hour: 9", "hour: 25")
    with pytest.raises(InputError, match=r"bad\.yaml: line 20: hour must be 0-23"):
        import_file(session, write(tmp_path, "bad.yaml", bad), LOCAL_HOOKS)
    with pytest.raises(InputError, match=r"line 16: language must be one of ko, en"):
        import_file(
            session,
            write(tmp_path, "bad.yaml", YAML.replace("name: Lee", "language: x")),
            LOCAL_HOOKS,
        )
    assert count(session, Subscriber) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mail,name\nkim@example.org,Kim\n", "line 1: the first line must name the columns"),
        ("email,colour\nkim@example.org,red\n", "line 1: unknown field 'colour'"),
        ("email,name\nkim@example.org,Kim\nkim@example.org,Lee\n", "line 3: name 'Lee' differs"),
        ("email,name\nkim@example.org,Kim,extra\n", "line 2: more cells than columns"),
        ("email,entity\nnot-an-address,ifez\n", "line 2: not a valid email address"),
        ("email,hour\nkim@example.org,seven\n", "line 2: hour must be a number"),
    ],
)
def test_csv_problems_are_named(session: Session, tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        import_file(session, write(tmp_path, "people.csv", text), LOCAL_HOOKS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("subscribers: [\n", "line 2"),
        ("version: 2\nsubscribers: []\n", "'version' must be 1"),
        ("subscribers:\n  - email: a@example.org\n    colour: red\n", "line 2: unknown field"),
        ("subscribers:\n  - just-text\n", "line 2: a subscriber must be a mapping"),
        ("- email: a@example.org\n  subscriptions:\n    - hour: yes\n", "line 3: hour must be"),
        (
            "subscribers:\n  - email: a@example.org\n    email: b@example.org\n",
            r"people\.yaml: line 3: duplicate key 'email' \(first given on line 2\)",
        ),
    ],
)
def test_yaml_problems_are_named(session: Session, tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        import_file(session, write(tmp_path, "people.yaml", text), LOCAL_HOOKS)


def test_import_refuses_other_files(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"reads \.yaml, \.yml or \.csv"):
        import_file(session, write(tmp_path, "people.json", "[]"), LOCAL_HOOKS)
    with pytest.raises(InputError, match="file not found"):
        import_file(session, tmp_path / "missing.csv", LOCAL_HOOKS)


def test_an_import_with_a_channel_to_loopback_is_refused_with_its_line(
    session: Session, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"people.yaml: line \d+: channel .*non-public address"):
        import_file(session, write(tmp_path, "people.yaml", YAML))
    assert count(session, Subscriber) == 0


# --- hostile values in exports, and one spelling per mailbox -----------------------------------


def test_a_csv_export_carries_no_formulas_and_imports_back_unchanged(
    session: Session, tmp_path: Path
) -> None:
    hostile = person(session, "=cmd@example.org", name='=HYPERLINK("https://evil.example","x")')
    add_subscription(session, str(hostile.id), SubscriptionSpec(keyword="+송도", channel="email"))
    person(session, "-minus@example.org", name="@SUM(A1:A9)")
    exported = export_text(session, "csv")

    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")], cells
    assert "'=cmd@example.org" in cells
    assert "'+송도" in cells

    for subscriber in list(session.scalars(select(Subscriber))):
        session.delete(subscriber)
    session.flush()
    import_file(session, write(tmp_path, "again.csv", exported))
    again = find_subscriber(session, "=cmd@example.org")
    assert again.name == '=HYPERLINK("https://evil.example","x")'
    assert [s.keyword for s in again.subscriptions] == ["+송도"]
    assert find_subscriber(session, "-minus@example.org").name == "@SUM(A1:A9)"
    assert export_text(session, "csv") == exported


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("kim@ｅｘａｍｐｌｅ．ｏｒｇ", "kim@example.org"),
        ("ｋｉｍ@example.org", "kim@example.org"),
        ("kim@exam\u00adple.org", "kim@example.org"),
        ("kim@exa\u200bmple.org", "kim@example.org"),
        ("\ufeffKIM@EXAMPLE.ORG", "kim@example.org"),
        ("kim@xn--3e0b707e.kr", "kim@한국.kr"),
        ("kim@한국.KR", "kim@한국.kr"),
    ],
)
def test_addresses_are_normalised_to_one_spelling_per_mailbox(typed: str, stored: str) -> None:
    assert valid_email(typed) == stored


def test_a_full_width_or_soft_hyphen_address_is_the_same_subscriber(
    session: Session, tmp_path: Path
) -> None:
    kim = person(session, "kim@example.org")
    with pytest.raises(InputError, match="already exists"):
        person(session, "kim@ｅｘａｍｐｌｅ．ｏｒｇ")
    with pytest.raises(InputError, match="already exists"):
        person(session, "kim@exam\u00adple.org")
    assert find_subscriber(session, "KIM@ｅｘａｍｐｌｅ．ｏｒｇ") is kim
    assert find_subscriber(session, "kim@exa\u200bmple.org") is kim

    report = import_file(session, write(tmp_path, "more.csv", "email\nkim@exam\u00adple.org\n"))
    assert (report.subscribers_added, count(session, Subscriber)) == (0, 1)
