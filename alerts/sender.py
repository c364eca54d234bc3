"""Send immediate alerts from the outbox: claim, send, mark, so that none is lost or sent twice.

A batch of due deliveries is claimed in one short transaction (status ``sending``, one more
attempt, a lease in ``next_attempt_at``; SKIP LOCKED on PostgreSQL, so concurrent senders take
different rows), then sent with no transaction open, then each delivery is marked in a
transaction of its own. A sender that dies between sending and marking leaves its rows
``sending``; once their lease has run out they are claimed and sent again with the same
Message-ID, so the outbox always drains and a receiver can drop the duplicate.

Failures are sorted in two: temporary ones (SMTP down, a timeout, a 4xx answer) put the row
back with an exponential, jittered delay; permanent ones (a 5xx for the recipient) fail it for
good, and three in a row suspend the subscriber, since their address no longer takes mail.
"""

from __future__ import annotations

import logging
import random
import smtplib
import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from zonewatch.alerts.channels import DeliveryError, channel_text, send_apprise
from zonewatch.alerts.content import load_event
from zonewatch.alerts.email import alert_message
from zonewatch.alerts.events import event_records
from zonewatch.alerts.tokens import preferences_link, unsubscribe_url
from zonewatch.app import App
from zonewatch.config.settings import Settings
from zonewatch.models import AlertDelivery, Subscriber, Subscription
from zonewatch.models.base import utcnow
from zonewatch.models.enums import DeliveryMode, DeliveryStatus, SubscriberStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
LEASE_MARGIN = timedelta(minutes=1)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
SUSPEND_AFTER = 3
SMTP_TIMEOUT = 30.0
ERROR_LIMIT = 1000
DRAIN_BUDGET = timedelta(minutes=4)

_rng = random.Random()

ErrorKind = Literal["temporary", "permanent"]
Status = Literal["sent", "retry", "failed", "skipped"]

# Refusals about us (our sender address, login, greeting), never about the recipient: a
# configuration problem to fix and retry, not a reason to give up on the subscriber.
_OUR_SIDE = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPHeloError,
    smtplib.SMTPConnectError,
)


class MailError(DeliveryError):
    """A mail the SMTP server did not take."""


@dataclass
class SendReport:
    """What one call did with the deliveries it claimed."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    suspended: int = 0
    skipped: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped

    def __add__(self, other: SendReport) -> SendReport:
        return SendReport(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Outcome:
    status: Status
    error: str | None = None
    hard: bool = False
    """A permanent refusal of the subscriber's address, which counts towards suspension."""


# --- SMTP ----------------------------------------------------------------------------------


def open_smtp(settings: Settings, timeout: float = SMTP_TIMEOUT) -> smtplib.SMTP:
    """A connection as ``settings.smtp_url`` says: smtps:// is TLS from the start,
    ``?starttls=1`` upgrades a plain one, and user:password@ logs in."""
    parts = urlsplit(settings.smtp_url)
    host = parts.hostname or "localhost"
    connection: smtplib.SMTP
    if parts.scheme == "smtps":
        context = ssl.create_default_context()
        connection = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    try:
        if _flag(parts.query, "starttls"):
            connection.starttls(context=ssl.create_default_context())
        if parts.username:
            connection.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        _close(connection)
        raise
    return connection


def _flag(query: str, name: str) -> bool:
    values = parse_qs(query).get(name, [])
    return bool(values) and values[-1].lower() in ("1", "true", "yes", "on")


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


@contextmanager
def smtp_connection(settings: Settings, timeout: float = SMTP_TIMEOUT) -> Iterator[smtplib.SMTP]:
    """One SMTP connection for a block of sends, closed politely (QUIT) at the end."""
    connection = open_smtp(settings, timeout)
    try:
        yield connection
    finally:
        _close(connection)


def classify_smtp_error(exc: BaseException) -> ErrorKind:
    """Whether sending again later can succeed.

    Permanent means the recipient's side said no for good (5xx for the address or the
    message); refusals of our own sender, login or greeting are temporary because fixing the
    configuration makes them pass. Anything smtplib could not even try to send is permanent.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "permanent" if codes and all(500 <= code < 600 for code in codes) else "temporary"
    if isinstance(exc, _OUR_SIDE):
        return "temporary"
    if isinstance(exc, smtplib.SMTPResponseException):
        return "permanent" if 500 <= exc.smtp_code < 600 else "temporary"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return "permanent"
    if isinstance(exc, OSError):  # refused, reset, timed out, TLS, disconnected
        return "temporary"
    return "permanent"


def describe_error(exc: BaseException) -> str:
    """A one-line reason to keep on the row: the class and what the server said."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
    elif isinstance(exc, smtplib.SMTPResponseException):
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        detail = str(exc) or repr(exc)
    return f"{type(exc).__name__}: {detail}"[:ERROR_LIMIT]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class Mailer:
    """One SMTP connection shared by a batch: opened on the first mail and again after a
    dropped one; once it cannot be opened, the rest of the batch fails fast (temporarily)
    instead of waiting out a connection timeout per mail."""

    def __init__(self, settings: Settings, timeout: float = SMTP_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None
        self.down: str | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            _close(self._connection)
            self._connection = None

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises :class:`MailError` saying whether to try again."""
        connection = self._connect()
        try:
            refused = connection.send_message(message)
        except Exception as exc:
            if connection.sock is None:  # smtplib closed it: dropped, timed out, or 421
                self._connection = None
            kind = classify_smtp_error(exc)
            raise MailError(describe_error(exc), temporary=kind == "temporary") from exc
        if refused:  # only with several recipients, some of which were taken
            error = smtplib.SMTPRecipientsRefused(refused)
            kind = classify_smtp_error(error)
            raise MailError(describe_error(error), temporary=kind == "temporary")

    def _connect(self) -> smtplib.SMTP:
        if self.down is not None:
            raise MailError(self.down, temporary=True)
        if self._connection is None:
            try:
                self._connection = open_smtp(self.settings, self.timeout)
            except Exception as exc:
                self.down = describe_error(exc)
                raise MailError(self.down, temporary=True) from exc
        return self._connection


def send_email(settings: Settings, message: EmailMessage) -> None:
    """Send a single message on a connection of its own; raises :class:`MailError`."""
    with Mailer(settings) as mailer:
        mailer.send(message)


# --- the outbox ----------------------------------------------------------------------------


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """1, 2, 4 ... minutes up to an hour, each shortened by up to a quarter at random, so that
    rows that failed together do not all come back in the same second."""
    exponent = min(max(attempts, 1) - 1, 16)
    delay = min(RETRY_BASE * (1 << exponent), RETRY_CAP)
    return delay * (rng or _rng).uniform(0.75, 1.0)


def _due(now: datetime) -> ColumnElement[bool]:
    waiting = and_(
        AlertDelivery.status == DeliveryStatus.PENDING,
        or_(AlertDelivery.next_attempt_at.is_(None), AlertDelivery.next_attempt_at <= now),
    )
    abandoned = and_(
        AlertDelivery.status == DeliveryStatus.SENDING, AlertDelivery.next_attempt_at <= now
    )
    return or_(waiting, abandoned)


def claim_due(app: App, now: datetime, batch_size: int) -> list[int]:
    """Take up to ``batch_size`` due immediate deliveries of active subscribers for this
    sender, committed before anything is sent; rows another sender holds are skipped."""
    with app.session() as session:
        ids = list(
            session.scalars(
                select(AlertDelivery.id)
                .join(Subscriber, Subscriber.id == AlertDelivery.subscriber_id)
                .where(
                    AlertDelivery.delivery == DeliveryMode.IMMEDIATE,
                    AlertDelivery.digest_id.is_(None),
                    Subscriber.status == SubscriberStatus.ACTIVE,
                    _due(now),
                )
                .order_by(AlertDelivery.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True, of=AlertDelivery)
            )
        )
        if ids:
            session.execute(
                update(AlertDelivery)
                .where(AlertDelivery.id.in_(ids))
                .values(
                    status=DeliveryStatus.SENDING,
                    attempts=AlertDelivery.attempts + 1,
                    next_attempt_at=now + LEASE,
                )
                .execution_options(synchronize_session=False)
            )
    return ids


def send_due(app: App, now: datetime | None = None, batch_size: int = 100) -> SendReport:
    """Claim one batch of due immediate deliveries, send them, and mark each one."""
    now = now or utcnow()
    report = SendReport()
    claimed = claim_due(app, now, batch_size)
    if not claimed:
        return report
    deadline = time.monotonic() + (LEASE - LEASE_MARGIN).total_seconds()
    with Mailer(app.settings) as mailer:
        for position, delivery_id in enumerate(claimed):
            if time.monotonic() > deadline:
                report.skipped += release(app, claimed[position:])
                break
            outcome = deliver(app, mailer, delivery_id)
            _record(app, delivery_id, outcome, now, report)
    return report


def send_all_due(
    app: App, now: datetime | None = None, batch_size: int = 100, budget: timedelta = DRAIN_BUDGET
) -> SendReport:
    """Batches until nothing is due or ``budget`` has passed (a periodic task's time limit).

    A batch that found SMTP down stops the loop: the next batch would only fail the same way."""
    report = SendReport()
    deadline = time.monotonic() + budget.total_seconds()
    while time.monotonic() < deadline:
        batch = send_due(app, now, batch_size)
        report += batch
        if batch.claimed < batch_size or batch.retried == batch.claimed:
            break
    return report


def release(app: App, delivery_ids: Sequence[int]) -> int:
    """Hand claimed rows back unsent, due at once: this sender's lease is running out."""
    with app.session() as session:
        session.execute(
            update(AlertDelivery)
            .where(
                AlertDelivery.id.in_(delivery_ids), AlertDelivery.status == DeliveryStatus.SENDING
            )
            .values(status=DeliveryStatus.PENDING, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
    return len(delivery_ids)


def deliver(app: App, mailer: Mailer, delivery_id: int) -> Outcome:
    """Render one claimed delivery (in a short read-only session) and send it (with none)."""
    with app.session() as session:
        rendered = _render(app, session, delivery_id)
    if isinstance(rendered, Outcome):
        return rendered
    try:
        if isinstance(rendered, EmailMessage):
            mailer.send(rendered)
        else:
            channel, title, body = rendered
            send_apprise(channel, title, body, app.settings.allowed_private_hosts)
    except DeliveryError as error:
        if error.temporary:
            return Outcome("retry", str(error))
        return Outcome("failed", str(error), hard=isinstance(error, MailError))
    return Outcome("sent")


def _render(
    app: App, session: Session, delivery_id: int
) -> EmailMessage | tuple[str, str, str] | Outcome:
    delivery = session.get(AlertDelivery, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.SENDING:
        return Outcome("skipped", "no longer claimed")
    subscriber = session.get(Subscriber, delivery.subscriber_id)
    if subscriber is None or subscriber.status != SubscriberStatus.ACTIVE:
        return Outcome("skipped", "subscriber not active")
    subscription = (
        session.get(Subscription, delivery.subscription_id) if delivery.subscription_id else None
    )
    try:
        records = event_records(session, delivery.event_key)
        if not records:
            raise LookupError(f"event {delivery.event_key} has no record left to alert")
        item = load_event(session, records, subscriber, subscription)
        if delivery.channel != "email":
            return (delivery.channel, *channel_text(item))
        settings = app.settings
        return alert_message(
            item,
            subscriber,
            message_id=delivery.message_id,
            unsubscribe_url=unsubscribe_url(
                settings.public_url, settings.signing_key, subscriber.id, subscriber.token_key
            ),
            preferences_url=preferences_link(settings, subscriber),
            mail_from=settings.mail_from,
        )
    except LookupError as exc:  # the event is gone (or now noise): nothing left to tell
        return Outcome("failed", f"cannot render: {exc}"[:ERROR_LIMIT])
    except Exception as exc:  # a bad setting or a bug: kept, and sent once it is fixed
        log.exception("cannot render delivery %s", delivery_id)
        return Outcome("retry", f"cannot render: {type(exc).__name__}: {exc}"[:ERROR_LIMIT])


def _record(
    app: App, delivery_id: int, outcome: Outcome, now: datetime, report: SendReport
) -> None:
    """Mark one delivery after its send, in a transaction of its own."""
    with app.session() as session:
        delivery = session.get(AlertDelivery, delivery_id)
        if delivery is None:
            return
        if outcome.status == "sent":
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
            delivery.next_attempt_at, delivery.last_error = None, None
            if delivery.channel == "email":
                record_success(session, delivery.subscriber_id)
            report.sent += 1
        elif outcome.status == "retry":
            delivery.status, delivery.last_error = DeliveryStatus.PENDING, outcome.error
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            report.retried += 1
        elif outcome.status == "failed":
            delivery.status, delivery.last_error = DeliveryStatus.FAILED, outcome.error
            delivery.next_attempt_at = None
            if outcome.hard and record_hard_failure(session, delivery.subscriber_id):
                report.suspended += 1
            report.failed += 1
        else:
            if delivery.status == DeliveryStatus.SENDING:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, None
            report.skipped += 1
    if outcome.status in ("retry", "failed"):
        log.warning("delivery %s %s: %s", delivery_id, outcome.status, outcome.error)


def record_success(session: Session, subscriber_id: int) -> None:
    """A mail the subscriber's server took: their run of hard failures is over."""
    session.execute(
        update(Subscriber)
        .where(Subscriber.id == subscriber_id, Subscriber.hard_failures != 0)
        .values(hard_failures=0)
        .execution_options(synchronize_session=False)
    )


def record_hard_failure(session: Session, subscriber_id: int) -> bool:
    """Count a permanent refusal of the subscriber's address; True when this one suspends
    them (the third in a row), so mail stops going to an address that no longer takes it."""
    subscriber = session.get(Subscriber, subscriber_id, with_for_update=True)
    if subscriber is None:
        return False
    subscriber.hard_failures += 1
    if subscriber.hard_failures >= SUSPEND_AFTER and subscriber.status == SubscriberStatus.ACTIVE:
        subscriber.status = SubscriberStatus.SUSPENDED
        log.warning("subscriber %s suspended after %s hard failures", subscriber_id, SUSPEND_AFTER)
        return True
    return False
