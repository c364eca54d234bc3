"""One alert per document event, end to end in one process: crawled items through the inline
pipeline, matching, the real sender and a real SMTP server; proposals, baselines and digests."""

from __future__ import annotations

import datetime as dt
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.testkit import factories, smtp
from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.smtp import SmtpServer
from tests.testkit.workers import crawl, crawled_before
from zonewatch.alerts.digests import digest_items, dispatch_digests
from zonewatch.alerts.events import document_records, event_records, events_records
from zonewatch.alerts.sender import SendReport, send_due
from zonewatch.alerts.services import match_event
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.events import model_event, proposal_event
from zonewatch.changes.proposals import list_proposals
from zonewatch.cli.main import cli
from zonewatch.config.zones import default_zones_path
from zonewatch.models import AlertDelivery, ChangeRecord, Subscriber, Subscription
from zonewatch.models.alerts import delivery_message_id
from zonewatch.workers.inline import InlineReport, process_pending

smtp_server = smtp.smtp_server

SOURCE = "ifez-press"
PUBLISHED = dt.datetime(2026, 7, 28, 10, tzinfo=factories.KST)
BIO_TITLE = "송도 바이오 클러스터 2단계 조성 계획 발표"
BIO_TEXT = (
    "인천경제자유구역청은 송도 바이오 클러스터 2단계 조성 계획을 발표하였다.\n"
    "2단계 사업에는 2030년까지 597억 원이 투입되며, 연구개발 부지 0.8㎢가 새로 조성된다.\n"
    "청은 클러스터 완성 시 목표 입주기업 250개사, 일자리 1만 5천 개를 내다보고 있다."
)
BIO_EDIT = BIO_TEXT.replace("597억", "650억").replace("250개사", "300개사")
LIFT_TITLE = "부산 기회발전특구 지정 해제"
LIFT_TEXT = (
    "지방시대위원회는 부산 기회발전특구의 지정을 해제한다고 밝혔다. "
    "위원회 심의를 거쳐 해제가 확정되었다."
)


@pytest.fixture
def world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[App]:
    """An initialised zonewatch mailing to the loopback server; ``ifez-press`` has had its
    baseline crawl, so what the tests crawl there is news."""
    app = configure(
        data_dir=tmp_path / "data",
        broker_url="memory://",
        smtp_url=smtp_server.url,
        public_url="https://zonewatch.example.org",
        secret_key=TEST_SECRET_KEY,
    )
    initialize(app)
    crawled_before(app, SOURCE)
    yield app
    app.dispose()


def subscribe(app: App, email: str, *subscriptions: dict[str, Any]) -> int:
    with app.session() as session:
        row = Subscriber(email=email, name="김민지")
        row.subscriptions = [Subscription(**fields) for fields in subscriptions or ({},)]
        session.add(row)
        session.flush()
        return row.id


def news(app: App, *items: dict[str, Any], source_id: str = SOURCE) -> InlineReport:
    """One finished crawl of ``items`` through the inline pipeline."""
    crawl(app, source_id, *items)
    return process_pending(app)


def bio(text: str = BIO_TEXT, **fields: Any) -> dict[str, Any]:
    return {
        "external_id": "669391",
        "title": BIO_TITLE,
        "text": text,
        "published_at": PUBLISHED,
        **fields,
    }


def records(app: App, event_key: str) -> list[ChangeRecord]:
    with app.session() as session:
        found = list(
            session.scalars(select(ChangeRecord).where(ChangeRecord.event_key == event_key))
        )
        session.expunge_all()
        return found


def deliveries(app: App) -> list[AlertDelivery]:
    with app.session() as session:
        found = list(session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))
        session.expunge_all()
        return found


# --- one alert per event ---------------------------------------------------------------------


def test_an_edit_with_two_figures_reaches_a_subscriber_as_one_mail(
    world: App, smtp_server: SmtpServer
) -> None:
    reader = subscribe(world, "reader@example.org", {"source_id": SOURCE})
    first = news(world, bio())
    assert len(first.events) == 1
    assert first.deliveries == 1
    assert send_due(world) == SendReport(sent=1)

    edit = news(world, bio(BIO_EDIT))

    (event_key,) = edit.events
    made = records(world, event_key)
    assert sorted(record.kind for record in made) == [
        "changed_document",
        "fact_change",
        "fact_change",
    ]
    assert edit.deliveries == 1
    delivery = deliveries(world)[-1]
    lead = next(record for record in made if record.kind == "changed_document")
    assert (delivery.event_key, delivery.change_id) == (event_key, lead.id)
    assert send_due(world) == SendReport(sent=1)
    assert len(smtp_server.to("reader@example.org")) == 2
    version = event_key.removeprefix("version:")
    assert smtp_server.messages[-1].message_id.startswith(
        f"<event.version.{version}.subscriber-{reader}."
    )
    with world.session() as session:
        shown = event_records(session, event_key)
        assert [record.kind for record in shown] == [
            "changed_document",
            "fact_change",
            "fact_change",
        ]


def test_a_batch_of_events_reads_what_each_event_reads_alone(world: App) -> None:
    """Matching reads a batch of events in one query: the same records, lead first, as
    each event alone, an entry for every key, and none for an unknown or proposal event."""
    news(world, bio())
    news(world, bio(BIO_EDIT))
    with world.session() as session:
        made = select(ChangeRecord.event_key).where(ChangeRecord.event_key.is_not(None))
        keys = [str(key) for key in dict.fromkeys(session.scalars(made.order_by(ChangeRecord.id)))]
        first = session.scalar(select(func.min(ChangeRecord.id)))
        keys += [f"change:{first}", "version:999999", proposal_event(1)]

        together = events_records(session, keys)

        assert list(together) == keys
        assert together == {key: event_records(session, key) for key in keys}
        assert [len(records) for records in together.values()].count(3) == 1  # the edit
        assert together["version:999999"] == together[proposal_event(1)] == []


def test_a_subscriber_gets_the_event_once_by_the_rule_of_its_highest_record(world: App) -> None:
    """Figures (immediately) and everything of the source (daily) both match the edit: one
    immediate delivery, said to be for the figures, since nothing else of it matched them."""
    subscribe(
        world,
        "figures@example.org",
        {"source_id": SOURCE, "delivery": "daily"},
        {"change_kind": "fact_change", "delivery": "immediate"},
    )
    news(world, bio())
    news(world, bio(BIO_EDIT))
    with world.session() as session:
        daily, figures = session.scalars(select(Subscription).order_by(Subscription.id)).all()
    rows = deliveries(world)
    assert [(row.delivery, row.subscription_id) for row in rows] == [
        ("daily", daily.id),  # the new release: no figure changed
        ("immediate", figures.id),  # the edit, as one event
    ]


def test_matching_an_event_again_writes_nothing_and_a_late_record_sends_no_second_mail(
    world: App, smtp_server: SmtpServer
) -> None:
    subscribe(world, "reader@example.org")
    (event_key,) = news(world, bio()).events
    with world.session() as session:
        assert match_event(session, event_key) == []
    assert send_due(world) == SendReport(sent=1)

    with world.session() as session:
        (lead,) = event_records(session, event_key)
        session.add(
            ChangeRecord(
                kind="attachment_added",
                dedupe_key="late",
                event_key=event_key,
                document_id=lead.document_id,
                source_id=lead.source_id,
                new_version_id=lead.new_version_id,
                title="late file",
                significance=0.3,
            )
        )
        session.flush()
        assert len(event_records(session, event_key)) == 2
        assert match_event(session, event_key) == []
    assert len(deliveries(world)) == 1
    assert send_due(world) == SendReport()
    assert len(smtp_server.messages) == 1


def test_a_delivery_of_a_record_made_before_records_named_events_is_still_sent(
    world: App, smtp_server: SmtpServer
) -> None:
    """Deliveries named ``change:ID`` before records carried their event: the key names the
    record, whose own event is empty."""
    reader = subscribe(world, "reader@example.org")
    with world.session() as session:
        record = ChangeRecord(
            kind="new_document",
            dedupe_key="made-before-events",
            source_id=SOURCE,
            title="송도 바이오 클러스터 조성 계획 발표",
            significance=0.5,
        )
        session.add(record)
        session.flush()
        key = f"change:{record.id}"
        session.add(
            AlertDelivery(
                subscriber_id=reader,
                change_id=record.id,
                event_key=key,
                channel="email",
                delivery="immediate",
            )
        )
    assert send_due(world) == SendReport(sent=1)
    (sent,) = smtp_server.message_ids()
    assert sent.startswith(f"<event.change.{record.id}.subscriber-{reader}.")


def test_message_ids_are_valid_and_one_per_event_subscriber_and_channel() -> None:
    keys = ("version:12", "withdrawal:4:9", "model:3", "change:7")
    ids = {
        delivery_message_id(key, subscriber, channel)
        for key in keys
        for subscriber in (1, 2)
        for channel in ("email", "json://h")
    }
    assert len(ids) == len(keys) * 2 * 2
    for value in ids:
        header = email.policy.default.header_factory("Message-ID", value)
        assert (str(header), header.defects) == (value, ())


# --- baselines ------------------------------------------------------------------------------


def test_a_baseline_crawl_alerts_nobody_and_the_next_new_release_does(world: App) -> None:
    subscribe(world, "everything@example.org")
    releases = [
        {
            "external_id": str(n),
            "title": f"산업통상부, 산업단지 대개조 {n}차 지역 선정",
            "text": "본문.",
        }
        for n in (1, 2, 3)
    ]
    baseline = news(world, *releases, source_id="motir-press")
    assert baseline.change_ids
    assert baseline.events == []
    assert baseline.deliveries == 0
    assert deliveries(world) == []

    later = news(
        world,
        {"external_id": "4", "title": "산업통상부, 산업단지 대개조 4차 지역 선정", "text": "본문."},
        source_id="motir-press",
    )
    assert len(later.events) == 1
    assert later.deliveries == 1


# --- model changes --------------------------------------------------------------------------


def invoke(app: App, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("ZONEWATCH_DATA_DIR", str(app.settings.data_dir))
    monkeypatch.setenv("ZONEWATCH_BROKER_URL", "memory://")
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_proposal_alerts_nobody_until_accepted_then_once(
    world: App, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawled_before(world, "korea-kr-press")
    subscribe(world, "busan@example.org", {"entity_id": "odz-busan"})
    report = news(
        world,
        {"external_id": "1", "title": LIFT_TITLE, "text": LIFT_TEXT},
        source_id="korea-kr-press",
    )
    assert [key.split(":")[0] for key in report.events] == ["version"]
    with world.session() as session:
        proposals = {p.entity_id: p.id for p in list_proposals(session)}
    for proposal_id in proposals.values():
        assert [r.kind for r in records(world, proposal_event(proposal_id))] == ["model_change"]
        with world.session() as session:
            assert match_event(session, proposal_event(proposal_id)) == []
            assert event_records(session, proposal_event(proposal_id)) == []
    assert [row.event_key for row in deliveries(world)] == report.events  # the release only
    send_due(world)
    smtp_server.clear()

    invoke(world, monkeypatch, "model", "reject", str(proposals["odz"]))
    with world.session() as session:
        assert match_event(session, model_event(proposals["odz"])) == []
    output = invoke(world, monkeypatch, "model", "accept", str(proposals["odz-busan"]))

    assert "1 immediate alerts queued" in output
    accepted = [row for row in deliveries(world) if row.event_key.startswith("model:")]
    assert [row.event_key for row in accepted] == [model_event(proposals["odz-busan"])]
    (record,) = records(world, model_event(proposals["odz-busan"]))
    assert record.dedupe_key == f"accepted:{proposals['odz-busan']}"
    assert accepted[0].change_id == record.id
    assert record.released_at is not None
    assert send_due(world) == SendReport(sent=1)
    assert smtp_server.message_ids()[0].startswith(f"<event.model.{proposals['odz-busan']}.")


def test_an_edit_of_zones_yaml_alerts_the_zones_subscribers_once(
    world: App, tmp_path: Path
) -> None:
    subscribe(world, "busan@example.org", {"entity_id": "odz-busan"})
    subscribe(world, "ulsan@example.org", {"entity_id": "ifez"})
    data = yaml.safe_load(default_zones_path().read_text(encoding="utf-8"))
    entry = next(e for e in data["entities"] if e["id"] == "odz-busan")
    entry["notes"] = "edited by a test"
    edited = tmp_path / "zones.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    report = initialize(world, zones=edited)

    (event_key,) = report.entities.events
    (row,) = deliveries(world)
    assert (row.event_key, row.delivery) == (event_key, "immediate")
    with world.session() as session:
        assert session.get(Subscriber, row.subscriber_id).email == "busan@example.org"  # type: ignore[union-attr]
    initialize(world, zones=edited)
    assert len(deliveries(world)) == 1


# --- digests --------------------------------------------------------------------------------


def test_a_digest_lists_each_document_once_and_model_changes_apart(
    world: App, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    subscribe(
        world,
        "daily@example.org",
        {"source_id": SOURCE, "delivery": "daily"},
        {"entity_id": "ifez", "delivery": "daily"},
    )
    (released,) = news(world, bio()).events
    (edited,) = news(world, bio(BIO_EDIT)).events
    data = yaml.safe_load(default_zones_path().read_text(encoding="utf-8"))
    next(e for e in data["entities"] if e["id"] == "ifez")["notes"] = "edited by a test"
    zones = tmp_path / "zones.yaml"
    zones.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (model,) = initialize(world, zones=zones).entities.events
    assert [row.event_key for row in deliveries(world)] == [released, edited, model]

    with world.session() as session:
        subscriber = session.scalars(select(Subscriber)).one()
        pending = session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)).all()
        items = digest_items(session, pending, subscriber)
        shown = document_records(session, [released, edited])
        assert [record.kind for record in shown] == [
            "changed_document",
            "fact_change",
            "fact_change",
            "new_document",
        ]
        assert len(items) == 2
        assert items[0].change_id == shown[0].id  # the document, at its latest state
        assert items[1].is_model_change

    report = dispatch_digests(world, "daily", force=True)
    assert (report.built, report.sent) == (1, 1)
    assert len(smtp_server.to("daily@example.org")) == 1
    with world.session() as session:
        statuses = session.scalars(select(AlertDelivery.status)).all()
        assert set(statuses) == {"sent"}
        assert session.scalar(select(func.count()).select_from(AlertDelivery)) == 3
