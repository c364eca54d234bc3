"""The outbox sender against a real SMTP server on loopback and a real webhook receiver.

Nothing of smtplib or Apprise is replaced: the server is stopped to make SMTP "down", told to
refuse a recipient with 550 or 451 to make it bounce, and a sender process is killed with
SIGKILL while the server holds its answer to DATA.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import smtplib
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import select, text

from tests.testkit import factories, smtp
from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.smtp import SmtpServer
from zonewatch.alerts import sender
from zonewatch.alerts.channels import ChannelError, pinned_connections, send_apprise
from zonewatch.alerts.sender import (
    LEASE,
    SendReport,
    classify_smtp_error,
    retry_delay,
    send_due,
    smtp_connection,
)
from zonewatch.alerts.subscribers import subscriber_for_link
from zonewatch.alerts.tokens import read_token
from zonewatch.app import App, configure
from zonewatch.config.settings import load_settings
from zonewatch.crawlers.safety import UrlGuard
from zonewatch.models import AlertDelivery, ChangeRecord, Subscriber, Subscription, migrate
from zonewatch.models.base import utcnow

smtp_server = smtp.smtp_server

SECRET = TEST_SECRET_KEY
PUBLIC_URL = "https://zonewatch.example.org"
MAIL_FROM = "zonewatch <alerts@zonewatch.example.org>"


def make_app(tmp_path: Path, database_url: str, smtp_url: str) -> App:
    app = configure(
        data_dir=tmp_path / "data",
        database_url=database_url,
        broker_url="memory://",
        smtp_url=smtp_url,
        public_url=PUBLIC_URL,
        secret_key=SECRET,
        mail_from=MAIL_FROM,
        allowed_private_hosts="127.0.0.1",  # the loopback webhook
    )
    migrate.upgrade(app.engine)
    return app


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str, smtp_server: SmtpServer) -> Iterator[App]:
    """A zonewatch on an empty database of its own, mailing to the loopback server."""
    built = make_app(tmp_path, migrated_database_url, smtp_server.url)
    yield built
    built.dispose()


@dataclass
class Outbox:
    """Builds subscribers, changes and their deliveries as matching would have written them."""

    app: App
    changes: int = 0
    subscribers: dict[str, int] = field(default_factory=dict)

    def subscriber(self, email: str, channel: str = "email", **fields: Any) -> int:
        with self.app.session() as session:
            row = Subscriber(email=email, name=fields.pop("name", "김민수"), **fields)
            session.add(row)
            session.flush()
            session.add(Subscription(subscriber_id=row.id, channel=channel))
            self.subscribers[email] = row.id
            return row.id

    def change(self, title: str | None = None) -> int:
        with self.app.session() as session:
            if self.changes == 0:
                factories.source(session)
            self.changes += 1
            row = ChangeRecord(
                kind="new_document",
                dedupe_key=f"test:{self.changes}",
                source_id="test-board",
                title=title or f"인천경제청, 송도 바이오 클러스터 조성 계획 발표 {self.changes}",
                significance=0.7,
            )
            session.add(row)
            session.flush()
            row.event_key = f"change:{row.id}"  # an event of its own, as before events
            return row.id

    def deliver(
        self, email: str, change_id: int, channel: str = "email", **fields: Any
    ) -> AlertDelivery:
        subscriber_id = self.subscribers[email]
        with self.app.session() as session:
            subscription = session.scalars(
                select(Subscription).where(Subscription.subscriber_id == subscriber_id)
            ).first()
            row = AlertDelivery(
                subscriber_id=subscriber_id,
                change_id=change_id,
                event_key=f"change:{change_id}",
                subscription_id=subscription.id if subscription else None,
                channel=channel,
                delivery=fields.pop("delivery", "immediate"),
                **fields,
            )
            session.add(row)
            session.flush()
            return row

    def alerts(self, emails: list[str], changes: int) -> list[AlertDelivery]:
        """Every one of ``emails`` (made when new) gets each of ``changes`` new changes."""
        for email in emails:
            if email not in self.subscribers:
                self.subscriber(email)
        change_ids = [self.change() for _ in range(changes)]
        return [self.deliver(email, change_id) for change_id in change_ids for email in emails]


@pytest.fixture
def outbox(app: App) -> Outbox:
    return Outbox(app)


def deliveries(app: App) -> list[AlertDelivery]:
    with app.session() as session:
        return list(session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def subscriber(app: App, subscriber_id: int) -> Subscriber:
    with app.session() as session:
        row = session.get(Subscriber, subscriber_id)
        assert row is not None
        return row


def test_an_immediate_alert_arrives_once_with_its_headers(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    subscriber_id = outbox.subscriber("kim@example.com")
    change_id = outbox.change("송도 바이오 클러스터 <조성> 계획")
    delivery = outbox.deliver("kim@example.com", change_id)

    report = send_due(app)

    assert report == SendReport(sent=1)
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("kim@example.com",)
    assert received.mail_from == "alerts@zonewatch.example.org"
    mail = received.message
    assert mail["Message-ID"] == delivery.message_id
    link = str(mail["List-Unsubscribe"])
    assert link.startswith(f"<{PUBLIC_URL}/unsubscribe?token=")
    assert link.endswith(">")
    claim = read_token(SECRET, unquote(link[1:-1].split("token=", 1)[1]), max_age_days=1)
    with app.session() as session:
        person = session.get(Subscriber, subscriber_id)
        assert person is not None
        assert (claim.subscriber_id, claim.token_key) == (subscriber_id, person.token_key)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "송도 바이오 클러스터 <조성> 계획" in str(mail["Subject"])
    plain = mail.get_body(("plain",))
    assert plain is not None
    assert "송도 바이오 클러스터 <조성> 계획" in plain.get_content()
    [row] = deliveries(app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    prefix = f"{PUBLIC_URL}/preferences/"
    token = plain.get_content().split(prefix, 1)[1].split()[0]
    with app.session() as session:
        assert subscriber_for_link(session, SECRET, token, 1).id == subscriber_id
    assert row.sent_at is not None

    assert send_due(app) == SendReport()
    assert len(smtp_server.messages) == 1


def test_only_due_immediate_deliveries_of_active_subscribers_are_sent(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = utcnow()
    outbox.subscriber("active@example.com")
    outbox.subscriber("suspended@example.com", status="suspended")
    change_id = outbox.change()
    due = outbox.deliver("active@example.com", change_id)
    outbox.deliver(
        "active@example.com", change_id, channel="json://127.0.0.1:9/x", delivery="daily"
    )
    outbox.deliver("suspended@example.com", change_id)
    later = outbox.deliver(
        "active@example.com", outbox.change(), next_attempt_at=now + dt.timedelta(minutes=10)
    )

    assert send_due(app, now=now) == SendReport(sent=1)
    assert smtp_server.message_ids() == [due.message_id]
    assert [row.status for row in deliveries(app)] == ["sent", "pending", "pending", "pending"]

    assert send_due(app, now=now + dt.timedelta(minutes=11)) == SendReport(sent=1)
    assert smtp_server.message_ids() == [due.message_id, later.message_id]


def test_smtp_down_keeps_every_delivery_until_it_is_back_then_sends_each_once(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = utcnow()
    expected = {row.message_id for row in outbox.alerts(["a@example.com", "b@example.com"], 2)}
    smtp_server.stop()

    report = send_due(app, now=now)

    assert report == SendReport(retried=4)
    rows = deliveries(app)
    assert {row.status for row in rows} == {"pending"}
    for row in rows:
        assert row.attempts == 1
        assert row.next_attempt_at is not None
        assert now < row.next_attempt_at <= now + dt.timedelta(minutes=1)
        assert "ConnectionRefusedError" in (row.last_error or "")
    assert send_due(app, now=now) == SendReport(), "not due again before the backoff"

    smtp_server.start()
    assert send_due(app, now=now + dt.timedelta(minutes=2)) == SendReport(sent=4)
    assert send_due(app, now=now + dt.timedelta(hours=2)) == SendReport()

    ids = smtp_server.message_ids()
    assert sorted(ids) == sorted(expected)
    assert {(row.status, row.attempts, row.last_error) for row in deliveries(app)} == {
        ("sent", 2, None)
    }


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    delays = [retry_delay(attempt) for attempt in range(1, 12)]
    assert dt.timedelta(seconds=45) <= delays[0] <= dt.timedelta(minutes=1)
    assert dt.timedelta(minutes=3) <= delays[2] <= dt.timedelta(minutes=4)
    assert all(dt.timedelta(minutes=45) <= delay <= dt.timedelta(hours=1) for delay in delays[7:])
    assert retry_delay(10_000) <= dt.timedelta(hours=1)


def test_a_451_defers_only_that_recipient(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = utcnow()
    outbox.alerts(["later@example.com", "fine@example.com"], 1)
    smtp_server.defer.add("later@example.com")

    assert send_due(app, now=now) == SendReport(sent=1, retried=1)
    later, fine = deliveries(app)
    assert (later.status, fine.status) == ("pending", "sent")
    assert "451" in (later.last_error or "")
    assert subscriber(app, outbox.subscribers["later@example.com"]).hard_failures == 0

    smtp_server.defer.clear()
    assert send_due(app, now=now + dt.timedelta(minutes=5)) == SendReport(sent=1)
    assert [received.rcpt_tos for received in smtp_server.messages] == [
        ("fine@example.com",),
        ("later@example.com",),
    ]


def test_550_fails_the_delivery_and_three_in_a_row_suspend_the_subscriber(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    now = utcnow()
    bouncing = outbox.subscriber("gone@example.com")
    outbox.alerts(["gone@example.com"], 4)
    smtp_server.reject.add("gone@example.com")

    report = send_due(app, now=now)

    assert report == SendReport(failed=3, suspended=1, skipped=1)
    rows = deliveries(app)
    assert [row.status for row in rows] == ["failed", "failed", "failed", "pending"]
    assert all("550" in (row.last_error or "") for row in rows[:3])
    gone = subscriber(app, bouncing)
    assert (gone.status, gone.hard_failures) == ("suspended", 3)
    assert send_due(app, now=now + dt.timedelta(hours=2)) == SendReport()
    assert smtp_server.messages == []


def test_a_success_ends_a_run_of_hard_failures(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    flaky = outbox.subscriber("flaky@example.com")
    outbox.alerts(["flaky@example.com"], 2)
    smtp_server.reject.add("flaky@example.com")
    assert send_due(app) == SendReport(failed=2)
    assert subscriber(app, flaky).hard_failures == 2

    smtp_server.reject.clear()
    outbox.alerts(["flaky@example.com"], 1)
    assert send_due(app) == SendReport(sent=1)
    assert (subscriber(app, flaky).hard_failures, subscriber(app, flaky).status) == (0, "active")


def test_a_sender_dying_before_it_marks_leaves_rows_that_are_sent_again_after_the_lease(
    app: App, outbox: Outbox, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = utcnow()
    expected = [row.message_id for row in outbox.alerts(["a@example.com"], 3)]

    def die(*args: object) -> None:
        raise SystemExit("killed between sending and marking")

    with monkeypatch.context() as patch:
        patch.setattr(sender, "_record", die)
        with pytest.raises(SystemExit):
            send_due(app, now=now)
    assert smtp_server.message_ids() == expected[:1]
    assert {row.status for row in deliveries(app)} == {"sending"}
    assert send_due(app, now=now + LEASE - dt.timedelta(seconds=1)) == SendReport()

    assert send_due(app, now=now + LEASE) == SendReport(sent=3)

    assert smtp_server.message_ids() == [expected[0], *expected]
    assert {(row.status, row.attempts) for row in deliveries(app)} == {("sent", 2)}


KILLED_SENDER = """
import sys
from zonewatch.app import configure
from zonewatch.alerts.sender import send_due

app = configure(
    data_dir=sys.argv[1], database_url=sys.argv[2], smtp_url=sys.argv[3], broker_url="memory://",
    public_url="https://zonewatch.example.org", secret_key=sys.argv[4],
)
send_due(app)
raise SystemExit("the sender was meant to be killed before it finished")
"""


@pytest.mark.slow
def test_a_sender_killed_after_the_server_took_the_mail_is_repaired_with_the_same_message_id(
    app: App, outbox: Outbox, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    [delivery] = outbox.alerts(["a@example.com"], 1)
    smtp_server.hold.set()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_SENDER,
            str(tmp_path / "sender"),
            app.settings.effective_database_url,
            smtp_server.url,
            SECRET,
        ],
        env=env,
    )
    try:
        assert smtp_server.received.wait(60), "the sender never sent"
        process.send_signal(signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
    finally:
        smtp_server.hold.clear()
        if process.poll() is None:
            process.kill()
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("sending", 1)
    assert send_due(app) == SendReport(), "the dead sender's lease still holds"

    assert send_due(app, now=utcnow() + LEASE) == SendReport(sent=1)

    assert smtp_server.message_ids() == [delivery.message_id, delivery.message_id]
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("sent", 2)


@pytest.mark.slow
def test_concurrent_senders_send_every_delivery_exactly_once(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    expected = [row.message_id for row in outbox.alerts([f"s{n}@example.com" for n in range(4)], 8)]
    smtp_server.delay = 0.01
    reports: list[SendReport] = []
    errors: list[BaseException] = []

    def drain() -> None:
        try:
            total = SendReport()
            while (batch := send_due(app, batch_size=3)).claimed:
                total += batch
            reports.append(total)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    assert sum(report.sent for report in reports) == len(expected)
    assert sorted(smtp_server.message_ids()) == sorted(expected)
    assert {row.status for row in deliveries(app)} == {"sent"}


@pytest.mark.integration
def test_rows_another_sender_holds_are_skipped_not_waited_for(
    app: App, outbox: Outbox, smtp_server: SmtpServer
) -> None:
    if app.settings.is_sqlite:
        pytest.skip("SQLite has no row locks: its senders take turns on the whole database")
    rows = outbox.alerts(["a@example.com", "b@example.com"], 3)
    held = [row.id for row in rows[:2]]
    reports: list[SendReport] = []
    with app.engine.connect() as other:
        locker = other.begin()
        other.execute(
            text("SELECT id FROM alert_deliveries WHERE id = ANY(:ids) FOR UPDATE"), {"ids": held}
        )
        thread = threading.Thread(target=lambda: reports.append(send_due(app)))
        thread.start()
        thread.join(30)
        blocked = thread.is_alive()
        locker.rollback()
    thread.join(30)

    assert not blocked, "the sender waited for rows another sender had locked"
    assert reports == [SendReport(sent=4)]
    assert [row.status for row in deliveries(app)][:2] == ["pending", "pending"]
    assert send_due(app) == SendReport(sent=2)
    assert sorted(smtp_server.message_ids()) == sorted(row.message_id for row in rows)


def test_login_with_credentials_from_the_url(tmp_path: Path, fresh_database_url: str) -> None:
    server = SmtpServer(credentials=("zonewatch", "p@ss/word"))
    server.start()
    try:
        url = f"smtp://zonewatch:{quote('p@ss/word', safe='')}@127.0.0.1:{server.port}"
        app = make_app(tmp_path, fresh_database_url, url)
        Outbox(app).alerts(["a@example.com"], 1)
        assert send_due(app) == SendReport(sent=1)
        assert [received.authenticated for received in server.messages] == [True]

        wrong = make_app(tmp_path, fresh_database_url, url.replace("p%40ss", "nope"))
        Outbox(wrong, changes=1).alerts(["b@example.com"], 1)
        assert send_due(wrong) == SendReport(retried=1)
        assert "SMTPAuthenticationError: 535" in (deliveries(wrong)[-1].last_error or "")
        app.dispose()
        wrong.dispose()
    finally:
        server.stop()


def test_smtp_connection_is_reusable_by_other_senders(smtp_server: SmtpServer) -> None:
    settings = load_settings(smtp_url=smtp_server.url)
    with smtp_connection(settings) as connection:
        for n in range(2):
            connection.sendmail(
                "a@example.org", [f"r{n}@example.org"], b"Subject: hi\r\n\r\nhi\r\n"
            )
    assert [received.rcpt_tos for received in smtp_server.messages] == [
        ("r0@example.org",),
        ("r1@example.org",),
    ]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}), "permanent"),
        (smtplib.SMTPRecipientsRefused({"a@x": (451, b"later")}), "temporary"),
        (smtplib.SMTPDataError(554, b"rejected"), "permanent"),
        (smtplib.SMTPDataError(452, b"too much mail"), "temporary"),
        (smtplib.SMTPResponseException(421, b"closing"), "temporary"),
        (smtplib.SMTPSenderRefused(550, b"not our sender", "a@x"), "temporary"),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), "temporary"),
        (smtplib.SMTPServerDisconnected("gone"), "temporary"),
        (ConnectionRefusedError(111, "refused"), "temporary"),
        (TimeoutError("timed out"), "temporary"),
        (smtplib.SMTPNotSupportedError("SMTPUTF8 needed"), "permanent"),
        (ValueError("no recipients"), "permanent"),
    ],
)
def test_smtp_errors_are_temporary_unless_the_recipient_side_refused_for_good(
    error: BaseException, kind: str
) -> None:
    assert classify_smtp_error(error) == kind


# --- Apprise channels ----------------------------------------------------------------------


@dataclass
class Webhook:
    """A loopback HTTP server that takes Apprise's json:// POSTs; ``/status/N`` answers N."""

    server: ThreadingHTTPServer
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/{path}"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    posts: list[tuple[str, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            posts.append((self.path, json.loads(self.rfile.read(length))))
            status = int(self.path.rsplit("/", 1)[1]) if "/status/" in self.path else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Webhook(server, posts)
    server.shutdown()
    server.server_close()


def test_an_apprise_channel_gets_the_alert_with_the_same_bookkeeping(
    app: App, outbox: Outbox, smtp_server: SmtpServer, webhook: Webhook
) -> None:
    now = utcnow()
    hook = webhook.url()
    outbox.subscriber("chat@example.com", channel=hook, language="en")
    change_id = outbox.change("Songdo bio cluster plan")
    outbox.deliver("chat@example.com", change_id, channel=hook)

    assert send_due(app, now=now) == SendReport(sent=1)

    [(path, payload)] = webhook.posts
    assert path == "/hook"
    assert "Songdo bio cluster plan" in payload["title"]
    assert "New release" in payload["title"]
    assert payload["message"]
    assert smtp_server.messages == [], "a chat channel sends no mail"
    [row] = deliveries(app)
    assert (row.status, row.attempts) == ("sent", 1)
    assert send_due(app, now=now + dt.timedelta(hours=2)) == SendReport()
    assert len(webhook.posts) == 1


def test_apprise_failures_are_retried_or_failed_like_mail(
    app: App, outbox: Outbox, webhook: Webhook
) -> None:
    now = utcnow()
    unavailable, missing = webhook.url("status/503"), webhook.url("status/404")
    refused = "json://127.0.0.1:9/hook"
    for channel in (unavailable, missing, refused):
        outbox.subscriber(f"{len(outbox.subscribers)}@example.com", channel=channel)
    change_id = outbox.change()
    for email, channel in zip(outbox.subscribers, (unavailable, missing, refused), strict=True):
        outbox.deliver(email, change_id, channel=channel)

    assert send_due(app, now=now) == SendReport(retried=2, failed=1)

    busy, gone, closed = deliveries(app)
    assert (busy.status, gone.status, closed.status) == ("pending", "failed", "pending")
    assert "503" in (busy.last_error or "")
    assert "404" in (gone.last_error or "")
    assert busy.next_attempt_at is not None
    assert busy.next_attempt_at > now
    assert subscriber(app, gone.subscriber_id).hard_failures == 0, "not a bouncing address"


def test_a_url_apprise_does_not_know_is_a_permanent_channel_error() -> None:
    with pytest.raises(ChannelError) as caught:
        send_apprise("nosuchservice://example", "title", "body")
    assert caught.value.temporary is False


@pytest.mark.parametrize(
    "target", ["json://127.0.0.1:{port}/hook", "json://100.100.100.200/latest/meta-data"]
)
def test_a_channel_to_a_private_address_is_refused_at_send_time(
    webhook: Webhook, target: str
) -> None:
    url = target.format(port=webhook.server.server_address[1])
    with pytest.raises(ChannelError, match="non-public address") as caught:
        send_apprise(url, "title", "body", allowed_hosts=())
    assert caught.value.temporary is False
    assert webhook.posts == []


def test_notification_connections_go_only_to_checked_addresses(webhook: Webhook) -> None:
    """What a name resolves to when Apprise connects is checked again (no DNS rebinding)."""
    import requests

    url = f"http://127.0.0.1:{webhook.server.server_address[1]}/hook"
    with pinned_connections(UrlGuard()), pytest.raises(requests.ConnectionError, match="blocked"):
        requests.post(url, json={}, timeout=5)
    with pinned_connections(UrlGuard(allowed_hosts=["127.0.0.1"])):
        assert requests.post(url, json={}, timeout=5).status_code == 200
    assert len(webhook.posts) == 1
