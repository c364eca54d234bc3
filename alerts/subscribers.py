"""Subscribers and their subscriptions: add, list, show, remove, and bulk import and export.

Everything a person types is validated here, once, for the command line and the import alike:
an error names the field and what to write instead. An import checks every row before it
writes anything, and matches what already exists (subscribers by email, subscriptions by their
whole filter and delivery tuple), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from zonewatch.alerts.channels import ChannelError, check_channel
from zonewatch.alerts.matching import DELIVERY_MODES
from zonewatch.alerts.tokens import BadToken, read_preferences_token
from zonewatch.changes.queries import CHANGE_KINDS
from zonewatch.config.loading import UniqueKeyLoader
from zonewatch.csvcells import SafeDictWriter, restore_cell
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import (
    AlertDelivery,
    Digest,
    Entity,
    Source,
    Subscriber,
    Subscription,
    Topic,
)
from zonewatch.models.enums import DeliveryMode, DeliveryStatus, DigestStatus, SubscriberStatus
from zonewatch.models.names import resolve_entity_id

LANGUAGES = ("ko", "en")
STATUSES = ("active", "paused", "suspended", "unsubscribed")
DEFAULT_TIMEZONE = "Asia/Seoul"
EXPORT_FORMATS = ("yaml", "csv")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL_LOCAL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_SPACES = re.compile(r"\s+")
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


# --- single values ----------------------------------------------------------------------------


# Characters that render as nothing: typed or pasted into an address they make a second
# subscriber for the same mailbox.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\ufeff"))


def normalize_email(value: str) -> str:
    """One spelling per mailbox, so that the unique column and lookups see one subscriber.

    NFKC folds full-width forms (``ｅｘａｍｐｌｅ．ｃｏｍ``), soft hyphens and zero-width
    characters are dropped, and the domain is lower-cased and put through IDNA, which maps a
    Unicode domain to its one canonical form. Raises UnicodeError for a domain IDNA refuses.
    """
    email = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not domain:
        return email
    canonical = domain.rstrip(".").encode("idna").decode("ascii").encode("ascii").decode("idna")
    return f"{local}@{canonical}"


def valid_email(value: str) -> str:
    """A plausible address (one @, a dotted domain), normalised so that imports match it."""
    try:
        email = normalize_email(value)
    except UnicodeError as exc:
        raise InputError(f"not a valid email address: {value!r}") from exc
    local, at, domain = email.rpartition("@")
    if not at or len(email) > 320 or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise InputError(f"not a valid email address: {value!r}")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InputError(f"not a valid email address: {value!r}") from exc
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise InputError(f"not a valid email address: {value!r}")
    return email


def lookup_email(value: str) -> str:
    """The stored spelling to look ``value`` up by; never raises (unknown is not found)."""
    try:
        return normalize_email(value)
    except UnicodeError:
        return value.strip().lower()


def valid_language(value: str, what: str = "language") -> str:
    if value not in LANGUAGES:
        raise InputError(f"{what} must be one of {', '.join(LANGUAGES)}, not {value!r}")
    return value


def valid_timezone(value: str) -> str:
    """A name the zoneinfo database knows, such as Asia/Seoul or Europe/Berlin."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(f"unknown timezone {value!r} (use a name such as Asia/Seoul)") from exc
    return value


def valid_status(value: str) -> str:
    if value not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not {value!r}")
    return value


def valid_delivery(value: str) -> str:
    if value not in DELIVERY_MODES:
        raise InputError(f"delivery must be one of {', '.join(DELIVERY_MODES)}, not {value!r}")
    return value


def valid_kind(value: str) -> str:
    if value not in CHANGE_KINDS:
        raise InputError(f"unknown change kind {value!r} (one of {', '.join(CHANGE_KINDS)})")
    return value


def valid_hour(value: object) -> int:
    """An hour of the day, 0-23, in the subscriber's timezone."""
    hour = _number(value, "hour")
    if hour != int(hour):
        raise InputError(f"hour must be a whole number, not {value!r}")
    if not 0 <= hour <= 23:
        raise InputError(f"hour must be 0-23, not {value!r}")
    return int(hour)


def valid_significance(value: object) -> float:
    significance = _number(value, "min_significance")
    if not 0.0 <= significance <= 1.0:
        raise InputError(f"min_significance must be between 0 and 1, not {value!r}")
    return significance


def valid_channel(value: str) -> str:
    """``email``, or a notification URL that Apprise knows (slack://, json://, mailto:// ...)."""
    channel = value.strip()
    if channel == "email":
        return channel
    if "://" not in channel:
        raise InputError(f"channel must be 'email' or a URL such as slack://..., not {value!r}")
    if not _apprise_accepts(channel):
        raise InputError(f"channel {channel!r} is not a notification URL Apprise supports")
    return channel


def check_channel_policy(channel: str, allowed_hosts: Iterable[str]) -> None:
    """A URL channel must post to a public address (or an allowed private host): a
    subscription must not turn the alert sender against loopback or cloud metadata."""
    if channel == "email":
        return
    try:
        check_channel(channel, allowed_hosts)
    except ChannelError as exc:
        raise InputError(f"channel {channel!r}: {exc}") from exc


@functools.lru_cache(maxsize=256)
def _apprise_accepts(url: str) -> bool:
    """Apprise takes a moment to import: only URL channels pay for it, once per URL."""
    import apprise

    with _quiet("apprise"):
        return bool(apprise.Apprise().add(url))


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Apprise logs why it refuses a URL; the error we raise says it once, on one line."""
    logger = logging.getLogger(logger_name)
    disabled = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = disabled


def _number(value: object, what: str) -> float:
    """A finite number from an option, a YAML number or a CSV cell."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{what} must be a number, not {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError) as exc:
        raise InputError(f"{what} must be a number, not {value!r}") from exc
    if not math.isfinite(number):
        raise InputError(f"{what} must be a number, not {value!r}")
    return number


def _text(value: object, what: str) -> str | None:
    """A scalar from a file or an option as stripped text; blank means not given."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{what} must be text, not {value!r} (quote it)")
    return str(value).strip() or None


def _flag(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise InputError(f"{what} must be true or false, not {value!r}")


# --- specs: validated values, before they touch the database ---------------------------------


@dataclass(frozen=True)
class SubscriberSpec:
    email: str
    name: str | None = None
    language: str = "ko"
    timezone: str = DEFAULT_TIMEZONE
    status: str = "active"

    def validated(self) -> SubscriberSpec:
        """The values checked and normalised; :class:`InputError` names the first bad one."""
        return replace(
            self,
            email=valid_email(_text(self.email, "email") or ""),
            name=_text(self.name, "name"),
            language=valid_language(_text(self.language, "language") or ""),
            timezone=valid_timezone(_text(self.timezone, "timezone") or ""),
            status=valid_status(_text(self.status, "status") or ""),
        )


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription's filters (unset ones match everything) and how it is delivered.

    Built unchecked (from rows already stored); :meth:`validated` checks what a person gave.
    """

    entity: str | None = None
    topic: str | None = None
    source: str | None = None
    keyword: str | None = None
    language: str | None = None
    kind: str | None = None
    min_significance: float = 0.0
    delivery: str = "immediate"
    hour: int = 8
    channel: str = "email"
    active: bool = True

    def validated(self) -> SubscriptionSpec:
        """The values checked and normalised; :class:`InputError` names the first bad one."""
        text = {
            name: _text(getattr(self, name), name)
            for name in ("entity", "topic", "source", "keyword", "language", "kind")
        }
        if text["keyword"] is not None and len(text["keyword"]) > 200:
            raise InputError("keyword is longer than 200 characters")
        if text["language"] is not None:
            valid_language(text["language"], "the documents' language")
        if text["kind"] is not None:
            valid_kind(text["kind"])
        return replace(
            self,
            **text,
            min_significance=valid_significance(self.min_significance),
            delivery=valid_delivery(_text(self.delivery, "delivery") or ""),
            hour=valid_hour(self.hour),
            channel=valid_channel(_text(self.channel, "channel") or ""),
            active=_flag(self.active, "active"),
        )

    @property
    def identity(self) -> tuple[Any, ...]:
        """Everything but ``active``: two subscriptions with the same identity are one."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "active")

    def check_references(self, session: Session) -> None:
        """The entity, topic and source named must exist."""
        if self.entity is not None and session.get(Entity, self.entity) is None:
            raise NotFoundError(f"unknown entity {self.entity!r} (see `zonewatch entities list`)")
        if self.topic is not None and session.get(Topic, self.topic) is None:
            raise NotFoundError(f"unknown topic {self.topic!r}")
        if self.source is not None and session.get(Source, self.source) is None:
            raise NotFoundError(f"unknown source {self.source!r} (see `zonewatch sources list`)")

    @classmethod
    def of(cls, row: Subscription) -> SubscriptionSpec:
        return cls(
            entity=row.entity_id,
            topic=row.topic_id,
            source=row.source_id,
            keyword=row.keyword,
            language=row.language,
            kind=row.change_kind,
            min_significance=row.min_significance,
            delivery=row.delivery,
            hour=row.hour,
            channel=row.channel,
            active=row.active,
        )

    def columns(self) -> dict[str, Any]:
        """The spec as Subscription column values."""
        return {
            "entity_id": self.entity,
            "topic_id": self.topic,
            "source_id": self.source,
            "keyword": self.keyword,
            "language": self.language,
            "change_kind": self.kind,
            "min_significance": self.min_significance,
            "delivery": self.delivery,
            "hour": self.hour,
            "channel": self.channel,
            "active": self.active,
        }

    def describe(self) -> str:
        """One line for people: the filters set, then how it is delivered."""
        parts = [
            f"{label} {value}"
            for label, value in (
                ("entity", self.entity),
                ("topic", self.topic),
                ("source", self.source),
                ("keyword", repr(self.keyword) if self.keyword else None),
                ("language", self.language),
                ("kind", self.kind),
            )
            if value
        ]
        if self.min_significance:
            parts.append(f"significance ≥ {self.min_significance:g}")
        when = "" if self.delivery == DeliveryMode.IMMEDIATE else f" at {self.hour:02d}:00"
        return f"{', '.join(parts) or 'everything'}; {self.delivery}{when} via {self.channel}"


# --- subscribers -----------------------------------------------------------------------------


def find_subscriber(session: Session, ref: str) -> Subscriber:
    """A subscriber by id (digits) or email address."""
    ref = ref.strip()
    subscriber = (
        session.get(Subscriber, int(ref))
        if ref.isdigit()
        else session.scalar(select(Subscriber).where(Subscriber.email == lookup_email(ref)))
    )
    if subscriber is None:
        raise NotFoundError(f"unknown subscriber {ref!r} (see `zonewatch subscribers list`)")
    return subscriber


def add_subscriber(session: Session, spec: SubscriberSpec) -> Subscriber:
    spec = spec.validated()
    if session.scalar(select(Subscriber.id).where(Subscriber.email == spec.email)) is not None:
        raise InputError(f"subscriber {spec.email} already exists")
    subscriber = Subscriber(**asdict(spec))
    session.add(subscriber)
    session.flush()
    return subscriber


def remove_subscriber(session: Session, ref: str) -> Subscriber:
    """Delete a subscriber with their subscriptions and outbox rows."""
    subscriber = find_subscriber(session, ref)
    session.delete(subscriber)
    session.flush()
    return subscriber


def list_subscribers(session: Session) -> list[dict[str, Any]]:
    counts = dict(
        session.execute(
            select(Subscription.subscriber_id, func.count()).group_by(Subscription.subscriber_id)
        )
        .tuples()
        .all()
    )
    return [
        {**_subscriber_row(subscriber), "subscriptions": counts.get(subscriber.id, 0)}
        for subscriber in session.scalars(select(Subscriber).order_by(Subscriber.id))
    ]


def subscriber_details(session: Session, ref: str) -> dict[str, Any]:
    """One subscriber with their subscriptions and how many deliveries each has made."""
    subscriber = find_subscriber(session, ref)
    per_subscription = dict(
        session.execute(
            select(AlertDelivery.subscription_id, func.count())
            .where(AlertDelivery.subscriber_id == subscriber.id)
            .group_by(AlertDelivery.subscription_id)
        )
        .tuples()
        .all()
    )
    by_status = dict(
        session.execute(
            select(AlertDelivery.status, func.count())
            .where(AlertDelivery.subscriber_id == subscriber.id)
            .group_by(AlertDelivery.status)
        )
        .tuples()
        .all()
    )
    return {
        **_subscriber_row(subscriber),
        "hard_failures": subscriber.hard_failures,
        "created_at": subscriber.created_at,
        "subscriptions": [
            {**subscription_row(row), "deliveries": per_subscription.get(row.id, 0)}
            for row in subscriber.subscriptions
        ],
        "deliveries": {"total": sum(by_status.values()), "by_status": by_status},
    }


def _subscriber_row(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "id": subscriber.id,
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "timezone": subscriber.timezone,
        "status": subscriber.status,
    }


# --- subscriptions ---------------------------------------------------------------------------


def add_subscription(
    session: Session, ref: str, spec: SubscriptionSpec, allowed_hosts: Iterable[str] = ()
) -> Subscription:
    """``allowed_hosts``: the operator's allowed private hosts, which channels may reach."""
    subscriber = find_subscriber(session, ref)
    spec = spec.validated()
    if spec.entity is not None:
        spec = replace(spec, entity=resolve_entity(session, spec.entity))
    spec.check_references(session)
    check_channel_policy(spec.channel, allowed_hosts)
    for existing in subscriber.subscriptions:
        if SubscriptionSpec.of(existing).identity == spec.identity:
            raise InputError(f"{subscriber.email} already has this subscription (#{existing.id})")
    subscription = Subscription(**spec.columns())
    subscriber.subscriptions.append(subscription)
    session.flush()
    return subscription


def remove_subscription(session: Session, subscription_id: int) -> Subscription:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFoundError(
            f"unknown subscription {subscription_id} (see `zonewatch subscriptions list`)"
        )
    session.delete(subscription)
    session.flush()
    session.expire(subscription.subscriber, ["subscriptions"])
    return subscription


def list_subscriptions(session: Session, ref: str | None = None) -> list[dict[str, Any]]:
    query = (
        select(Subscription)
        .options(selectinload(Subscription.subscriber))
        .order_by(Subscription.subscriber_id, Subscription.id)
    )
    if ref is not None:
        query = query.where(Subscription.subscriber_id == find_subscriber(session, ref).id)
    return [
        {"subscriber": row.subscriber.email, **subscription_row(row)}
        for row in session.scalars(query)
    ]


def subscription_row(row: Subscription) -> dict[str, Any]:
    spec = SubscriptionSpec.of(row)
    return {"id": row.id, **asdict(spec), "description": spec.describe()}


# --- a subscriber's own preferences: the page behind the mail link, and the CLI --------------


class ResumeFrom(StrEnum):
    """What :func:`resume` ended: a pause, a bounce suspension, or an unsubscribe."""

    NOTHING = "nothing"
    PAUSED = "paused"
    SUSPENDED = "suspended"
    UNSUBSCRIBED = "unsubscribed"


@dataclass(frozen=True)
class DeliveryChange:
    """How one subscription is delivered; None keeps the current value."""

    delivery: str | None = None
    hour: int | str | None = None
    active: bool | str | None = None


def resolve_entity(session: Session, name: str) -> str:
    """The id of the entity ``name`` names (its id or any of its names); a name several
    entities share is refused with their ids rather than subscribing the reader to whichever
    came first. The one lookup of :mod:`zonewatch.models.names`."""
    return resolve_entity_id(session, name)


def subscriber_for_link(
    session: Session, secret_key: str, token: str, max_age_days: int
) -> Subscriber:
    """The subscriber a preferences link was made for, locked for the request's changes.

    Raises :class:`BadToken` alike for a forged, expired or revoked link and for a subscriber
    who is gone, so the answer tells nobody which ids exist."""
    claim = read_preferences_token(secret_key, token, max_age_days)
    subscriber = session.get(Subscriber, claim.subscriber_id, with_for_update=True)
    if subscriber is None or not claim.matches(subscriber.token_key, subscriber.links_epoch):
        raise BadToken("invalid preferences token")
    return subscriber


def cancel_queued(session: Session, subscriber_id: int, reason: str) -> None:
    """Cancel what waits to be sent: alerts and digests made before a pause or an unsubscribe
    would otherwise all go out at once when the subscriber comes back."""
    session.execute(
        update(AlertDelivery)
        .where(
            AlertDelivery.subscriber_id == subscriber_id,
            AlertDelivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.QUEUED)),
        )
        .values(status=DeliveryStatus.CANCELLED, last_error=reason, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Digest)
        .where(Digest.subscriber_id == subscriber_id, Digest.status == DigestStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )


def pause(session: Session, subscriber: Subscriber) -> bool:
    """Stop all mail but keep every subscription as it is; False when not active (a paused,
    suspended or unsubscribed subscriber gets no mail already, and keeps their status)."""
    if subscriber.status != SubscriberStatus.ACTIVE:
        return False
    subscriber.status = SubscriberStatus.PAUSED
    cancel_queued(session, subscriber.id, "paused")
    session.flush()
    return True


def resume(session: Session, subscriber: Subscriber) -> ResumeFrom:
    """Mail again, for changes from now on. After an unsubscribe, which switched every
    subscription off, they are all switched on again (the page lets the reader drop some);
    after a bounce suspension the count of failures starts again."""
    before = ResumeFrom(subscriber.status) if subscriber.status != SubscriberStatus.ACTIVE else None
    if before is None:
        return ResumeFrom.NOTHING
    if before is ResumeFrom.UNSUBSCRIBED:
        for subscription in subscriber.subscriptions:
            subscription.active = True
    subscriber.status = SubscriberStatus.ACTIVE
    subscriber.hard_failures = 0
    session.flush()
    return before


def set_language(session: Session, subscriber: Subscriber, language: str) -> None:
    """The language of the subscriber's mails."""
    subscriber.language = valid_language((language or "").strip())
    session.flush()


def revoke_links(session: Session, subscriber: Subscriber) -> None:
    """Every preferences link sent so far stops working; the next mails carry new ones."""
    subscriber.links_epoch += 1
    session.flush()


def own_subscription(subscriber: Subscriber, subscription_id: int) -> Subscription:
    """One of the subscriber's subscriptions: another subscriber's id is "not found" too."""
    for subscription in subscriber.subscriptions:
        if subscription.id == subscription_id:
            return subscription
    raise NotFoundError(f"unknown subscription {subscription_id}")


def change_delivery(session: Session, subscription: Subscription, change: DeliveryChange) -> None:
    """Change how a subscription is delivered (immediate, daily or weekly at an hour) or
    switch it on or off; refused when it would duplicate another of the subscriber's."""
    spec = SubscriptionSpec.of(subscription)
    spec = replace(
        spec,
        delivery=valid_delivery((change.delivery or spec.delivery).strip()),
        hour=valid_hour(spec.hour if change.hour in (None, "") else change.hour),
        active=spec.active if change.active is None else _flag(change.active, "active"),
    )
    for other in subscription.subscriber.subscriptions:
        if other is not subscription and SubscriptionSpec.of(other).identity == spec.identity:
            raise InputError(f"this would repeat subscription #{other.id}")
    subscription.delivery, subscription.hour = DeliveryMode(spec.delivery), spec.hour
    subscription.active = spec.active
    session.flush()


def remove_own_subscription(session: Session, subscriber: Subscriber, subscription_id: int) -> None:
    subscription = own_subscription(subscriber, subscription_id)
    subscriber.subscriptions.remove(subscription)
    session.flush()


def add_own_subscription(
    session: Session, subscriber: Subscriber, spec: SubscriptionSpec
) -> Subscription:
    """A subscription the subscriber made themselves: always by email, since a notification
    URL is the operator's to allow (it makes the server post to an address)."""
    return add_subscription(session, str(subscriber.id), replace(spec, channel="email"))


@dataclass(frozen=True)
class Named:
    """Something to pick or show by id, with its name in both languages."""

    id: str
    name_ko: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_ko


@dataclass(frozen=True)
class OwnSubscription:
    """One subscription as its subscriber sees it: what it follows, by name, and how."""

    id: int
    spec: SubscriptionSpec
    entity: Named | None
    topic: Named | None
    source: Named | None


@dataclass(frozen=True)
class Preferences:
    """Everything the preferences page shows of one subscriber, and what they may pick."""

    subscriber_id: int
    masked_email: str
    language: str
    status: str
    timezone: str
    subscriptions: list[OwnSubscription]
    topics: list[Named]
    sources: list[Named]


def preferences(session: Session, subscriber: Subscriber) -> Preferences:
    """The subscriber's settings with names resolved; the address masked, because anyone
    holding the link (a forwarded mail) sees the page."""
    topics = [
        Named(row.id, row.name_ko, row.name_en)
        for row in session.scalars(select(Topic).order_by(Topic.id))
    ]
    sources = [
        Named(row.id, row.name, row.name)
        for row in session.scalars(select(Source).order_by(Source.id))
    ]
    by_topic = {topic.id: topic for topic in topics}
    by_source = {source.id: source for source in sources}
    entity_ids = {row.entity_id for row in subscriber.subscriptions if row.entity_id}
    entities = {
        row.id: Named(row.id, row.name_ko, row.name_en)
        for row in session.scalars(select(Entity).where(Entity.id.in_(entity_ids)))
    }
    return Preferences(
        subscriber_id=subscriber.id,
        masked_email=mask_email(subscriber.email),
        language=subscriber.language,
        status=subscriber.status,
        timezone=subscriber.timezone,
        subscriptions=[
            OwnSubscription(
                row.id,
                SubscriptionSpec.of(row),
                entities.get(row.entity_id or ""),
                by_topic.get(row.topic_id or ""),
                by_source.get(row.source_id or ""),
            )
            for row in subscriber.subscriptions
        ],
        topics=topics,
        sources=sources,
    )


def mask_email(email: str) -> str:
    """Enough of an address for its owner to recognise it, too little to harvest it:
    ``j***@e***.com``."""
    local, _, domain = email.rpartition("@")
    host, dot, tld = domain.rpartition(".")
    if not host:
        host, dot, tld = tld, "", ""
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}"


# --- import and export -----------------------------------------------------------------------

CSV_COLUMNS = (
    "email",
    "name",
    "language",
    "timezone",
    "status",
    "entity",
    "topic",
    "source",
    "keyword",
    "content_language",
    "kind",
    "min_significance",
    "delivery",
    "hour",
    "channel",
    "active",
)
_SUBSCRIBER_FIELDS = ("email", "name", "language", "timezone", "status")
_SUBSCRIPTION_FIELDS = tuple(f.name for f in fields(SubscriptionSpec))
_CSV_SUBSCRIPTION = {"content_language": "language"} | {
    name: name for name in _SUBSCRIPTION_FIELDS if name != "language"
}


@dataclass(frozen=True)
class ImportEntry:
    """One subscriber of a file: the fields it gives (others keep their value)."""

    given: dict[str, Any]
    subscriptions: list[tuple[int, SubscriptionSpec]]

    @property
    def email(self) -> str:
        return str(self.given["email"])


@dataclass
class ImportReport:
    subscribers_added: int = 0
    subscribers_updated: int = 0
    subscriptions_added: int = 0
    subscriptions_updated: int = 0
    unchanged: int = 0


def export_data(session: Session) -> list[dict[str, Any]]:
    """Every subscriber and subscription, in the shape of the YAML file."""
    subscribers = session.scalars(
        select(Subscriber).options(selectinload(Subscriber.subscriptions)).order_by(Subscriber.id)
    )
    return [
        {
            **{k: v for k, v in _subscriber_row(row).items() if k != "id" and v is not None},
            "subscriptions": [
                {k: v for k, v in asdict(SubscriptionSpec.of(s)).items() if v is not None}
                for s in row.subscriptions
            ],
        }
        for row in subscribers
    ]


class _ExportDumper(yaml.SafeDumper):
    """Writes stored statuses and kinds (enum members) as the plain strings they hold."""


_ExportDumper.add_multi_representer(
    StrEnum, lambda dumper, value: dumper.represent_str(str(value.value))
)


def export_text(session: Session, file_format: str) -> str:
    data = export_data(session)
    if file_format == "yaml":
        document = {"version": 1, "subscribers": data}
        return yaml.dump(document, Dumper=_ExportDumper, allow_unicode=True, sort_keys=False)
    if file_format == "csv":
        return _csv_text(data)
    raise InputError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {file_format!r}")


def _csv_text(data: list[dict[str, Any]]) -> str:
    """One row per subscription; a subscriber without any gets a row of their own.

    Cells that a spreadsheet would run as formulas are escaped (see zonewatch.csvcells);
    the import removes the escape again."""
    out = io.StringIO()
    writer = SafeDictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for subscriber in data:
        person = {name: subscriber.get(name) for name in _SUBSCRIBER_FIELDS}
        if not subscriber["subscriptions"]:
            writer.writerow(person)
        for subscription in subscriber["subscriptions"]:
            row = {column: subscription.get(name) for column, name in _CSV_SUBSCRIPTION.items()}
            row["active"] = "true" if row["active"] else "false"
            writer.writerow(person | row)
    return out.getvalue()


def import_file(session: Session, path: Path, allowed_hosts: Iterable[str] = ()) -> ImportReport:
    """Import a YAML or CSV file: every row checked first, then all written or nothing.

    ``allowed_hosts``: the operator's allowed private hosts, which channels may reach.
    """
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    if suffix in (".yaml", ".yml"):
        entries = _yaml_entries(path, text)
    elif suffix == ".csv":
        entries = _csv_entries(path, text)
    else:
        raise InputError(f"{path}: import reads .yaml, .yml or .csv files")
    for entry in entries:
        for line, spec in entry.subscriptions:
            with _at(path, line):
                spec.check_references(session)
                check_channel_policy(spec.channel, allowed_hosts)
    with session.begin_nested():
        return _apply(session, entries)


@contextmanager
def _at(path: Path, line: int) -> Iterator[None]:
    """Name the file and line in any input error raised inside."""
    try:
        yield
    except (InputError, NotFoundError) as exc:
        raise InputError(f"{path}: line {line}: {exc}") from exc


def _apply(session: Session, entries: Sequence[ImportEntry]) -> ImportReport:
    report = ImportReport()
    for entry in entries:
        subscriber = session.scalar(select(Subscriber).where(Subscriber.email == entry.email))
        if subscriber is None:
            subscriber = add_subscriber(session, SubscriberSpec(**entry.given))
            report.subscribers_added += 1
        elif _update(subscriber, entry.given):
            report.subscribers_updated += 1
        existing = {SubscriptionSpec.of(row).identity: row for row in subscriber.subscriptions}
        for _, spec in entry.subscriptions:
            row = existing.get(spec.identity)
            if row is None:
                row = Subscription(**spec.columns())
                subscriber.subscriptions.append(row)
                existing[spec.identity] = row
                report.subscriptions_added += 1
            elif row.active != spec.active:
                row.active = spec.active
                report.subscriptions_updated += 1
            else:
                report.unchanged += 1
    session.flush()
    return report


def _update(subscriber: Subscriber, given: Mapping[str, Any]) -> bool:
    changed = False
    for name, value in given.items():
        if getattr(subscriber, name) != value:
            setattr(subscriber, name, value)
            changed = True
    return changed


class _Merger:
    """Collects a file's rows by subscriber; rows of one subscriber must agree on its fields."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, ImportEntry] = {}
        self.lines: dict[tuple[str, str], int] = {}

    def subscriber(self, line: int, raw: Mapping[str, Any]) -> ImportEntry:
        with _at(self.path, line):
            given = _subscriber_fields(raw)
        entry = self.entries.setdefault(given["email"], ImportEntry({}, []))
        for name, value in given.items():
            known = entry.given.get(name)
            if known is not None and known != value:
                first = self.lines[(given["email"], name)]
                raise InputError(
                    f"{self.path}: line {line}: {name} {value!r} differs from {known!r} "
                    f"given for {given['email']} on line {first}"
                )
            entry.given[name] = value
            self.lines.setdefault((given["email"], name), line)
        return entry

    def subscription(self, entry: ImportEntry, line: int, raw: Mapping[str, Any]) -> None:
        with _at(self.path, line):
            entry.subscriptions.append((line, parse_subscription(raw)))


def _subscriber_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The subscriber fields a row gives, each validated; email is required."""
    given: dict[str, Any] = {name: _text(raw.get(name), name) for name in _SUBSCRIBER_FIELDS}
    if given["email"] is None:
        raise InputError("email is missing")
    given = {name: value for name, value in given.items() if value is not None}
    checked = SubscriberSpec(**given).validated()
    return {name: getattr(checked, name) for name in given}


def parse_subscription(raw: Mapping[str, Any]) -> SubscriptionSpec:
    """A subscription from text fields (a file's row, a web form); blank means not given."""
    values = {name: value for name, value in raw.items() if value not in (None, "")}
    return SubscriptionSpec(**values).validated()


def _unknown(keys: Sequence[str], known: Sequence[str]) -> None:
    extra = [key for key in keys if key not in known]
    if extra:
        raise InputError(f"unknown field {extra[0]!r} (known: {', '.join(known)})")


def _csv_entries(path: Path, text: str) -> list[ImportEntry]:
    reader = csv.DictReader(io.StringIO(text))
    with _at(path, 1):
        if not reader.fieldnames or "email" not in reader.fieldnames:
            raise InputError("the first line must name the columns, email among them")
        _unknown([name.strip() for name in reader.fieldnames], CSV_COLUMNS)
    merger = _Merger(path)
    for raw in _csv_rows(path, reader):
        line = reader.line_num
        row = {key.strip(): _cell(value) for key, value in raw.items() if key is not None}
        if None in raw:
            raise InputError(f"{path}: line {line}: more cells than columns")
        entry = merger.subscriber(line, row)
        wanted = {name: row.get(column) for column, name in _CSV_SUBSCRIPTION.items()}
        if any((value or "").strip() for value in wanted.values()):
            merger.subscription(entry, line, wanted)
    return list(merger.entries.values())


def _cell(value: str | None) -> str | None:
    """A cell as exported: the apostrophe that kept it from being a formula is removed."""
    return restore_cell(value) if isinstance(value, str) else value


def _csv_rows(path: Path, reader: csv.DictReader[str]) -> Iterator[dict[str | Any, str | Any]]:
    """The rows of ``reader``; a row the csv module refuses (a cell over its 128 KiB field
    limit, a stray NUL) is an input error naming the line, not a crash."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader counts a line once it has parsed it: the bad one is the next.
            raise InputError(f"{path}: line {reader.line_num + 1}: {exc}") from exc
        yield row


def _yaml_entries(path: Path, text: str) -> list[ImportEntry]:
    data, root = _yaml_document(path, text)
    if isinstance(data, dict):
        with _at(path, _line(root)):
            _unknown(list(data), ("version", "subscribers"))
            if data.get("version", 1) != 1:
                raise InputError("'version' must be 1")
        items, items_node = data.get("subscribers") or [], _child(root, "subscribers")
    else:
        items, items_node = data, root
    if not isinstance(items, list):
        raise InputError(f"{path}: expected a list of subscribers (or 'subscribers:' with one)")
    merger = _Merger(path)
    for item, node in zip(items, _children(items_node, len(items)), strict=True):
        line = _line(node)
        if not isinstance(item, dict):
            raise InputError(f"{path}: line {line}: a subscriber must be a mapping with email")
        with _at(path, line):
            _unknown(list(item), (*_SUBSCRIBER_FIELDS, "subscriptions"))
        entry = merger.subscriber(line, item)
        subscriptions = item.get("subscriptions") or []
        if not isinstance(subscriptions, list):
            raise InputError(f"{path}: line {line}: 'subscriptions' must be a list")
        sub_nodes = _children(_child(node, "subscriptions"), len(subscriptions))
        for subscription, sub_node in zip(subscriptions, sub_nodes, strict=True):
            sub_line = _line(sub_node)
            with _at(path, sub_line):
                if not isinstance(subscription, dict):
                    raise InputError("a subscription must be a mapping")
                _unknown(list(subscription), _SUBSCRIPTION_FIELDS)
            merger.subscription(entry, sub_line, subscription)
    return list(merger.entries.values())


def _yaml_document(path: Path, text: str) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree, whose marks give each entry's line."""
    loader = UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{path}: {where}{exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from exc
    finally:
        loader.dispose()
    return data, root


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node  # type: ignore[no-any-return]
    return None


def _children(node: yaml.Node | None, count: int) -> list[yaml.Node | None]:
    """The item nodes of a sequence node, or as many Nones when there is no such node."""
    if isinstance(node, yaml.SequenceNode) and len(node.value) == count:
        return list(node.value)
    return [None] * count
