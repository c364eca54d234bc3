"""The machine values of statuses and kinds, one enum per column family.

Each value is the string the database has always held. They live here, apart from the ORM,
so that code which only names a value (a crawled item's outcome, ``zonewatch parse-feed``)
does not load SQLAlchemy and every model with it; :mod:`zonewatch.models.enums` maps them
onto columns with their CHECK constraints.
"""

from __future__ import annotations

from enum import StrEnum


class CrawlRunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"
    """Found items but had errors."""
    FAILED = "failed"
    SKIPPED = "skipped"
    """The source cannot be crawled as configured (an API without its key)."""


class RunTrigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    DEMO = "demo"
    BACKFILL = "backfill"
    """A corpus loaded as baseline (``zonewatch backfill``): its versions are never news."""


class SourceHealth(StrEnum):
    """What the last finished run says about a source (``paused`` is the operator's, and
    is shown beside it)."""

    UNKNOWN = "unknown"
    """Never crawled."""
    HEALTHY = "healthy"
    SLOW = "slow"
    """The run worked but took far longer than usual, or than its schedule's budget."""
    DEGRADED = "degraded"
    """The run found items but had errors (a partial run)."""
    FAILING = "failing"
    """The run failed: the site is down, unreachable, or the crawl process died."""
    BROKEN = "broken"
    """The configuration no longer fits the site: selectors match nothing, the feed or API
    answers nonsense, or a run finds nothing where the previous ones found items."""
    SKIPPED = "skipped"
    """The source cannot be crawled as configured here (the API without its key)."""


class FetchedItemStatus(StrEnum):
    PENDING = "pending"
    INGESTED = "ingested"
    SUPERSEDED = "superseded"
    """Fetched before the document's newest content: ingest left it unused."""
    FAILED = "failed"
    """Ingest refused it (bad input); it keeps its payload and its one-line error."""


class ItemOutcome(StrEnum):
    """What the crawl saw of one item."""

    FETCHED = "fetched"
    NOT_MODIFIED = "not_modified"
    LISTED = "listed"
    """Seen on the list page only."""
    GONE = "gone"


class IngestOutcome(StrEnum):
    """What ingest made of a fetched item (``fetched_items.result``)."""

    NEW = "new"
    CHANGED = "changed"
    TECHNICAL = "technical"
    UNCHANGED = "unchanged"
    SEEN = "seen"
    NOT_MODIFIED = "not_modified"
    GONE = "gone"
    SUPERSEDED = "superseded"


class DocumentStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class ChangeKind(StrEnum):
    NEW_DOCUMENT = "new_document"
    CHANGED_DOCUMENT = "changed_document"
    REMOVED_DOCUMENT = "removed_document"
    ATTACHMENT_ADDED = "attachment_added"
    ATTACHMENT_REPLACED = "attachment_replaced"
    ATTACHMENT_REMOVED = "attachment_removed"
    CORRECTION = "correction"
    FACT_CHANGE = "fact_change"
    MODEL_CHANGE = "model_change"


class ReviewStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    NOISE = "noise"
    IMPORTANT = "important"


class ProposalStatus(StrEnum):
    """Where a change to the zone model stands (``entity_changes.status``)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    APPLIED = "applied"
    """Applied from zones.yaml, with no proposal."""


class ModelAction(StrEnum):
    """What a change to the zone model does to an entity (``entity_changes.action``): an edit
    of zones.yaml is one of create, retire, rename, lift, designate, update; a release
    proposes designate, expand, reduce, lift or rename for a zone, reform for a programme."""

    CREATE = "create"
    RETIRE = "retire"
    RENAME = "rename"
    LIFT = "lift"
    DESIGNATE = "designate"
    EXPAND = "expand"
    REDUCE = "reduce"
    REFORM = "reform"
    UPDATE = "update"


class ProposalOrigin(StrEnum):
    CONFIG = "config"
    DOCUMENT = "document"


class SubscriberStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    """By the subscriber."""
    SUSPENDED = "suspended"
    """After repeated hard bounces."""
    UNSUBSCRIBED = "unsubscribed"


class DeliveryMode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class DeliveryStatus(StrEnum):
    """Where an outbox row stands."""

    PENDING = "pending"
    QUEUED = "queued"
    """Taken into a digest that is not sent yet."""
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    """Its subscriber left or paused before it went."""


class DigestPeriod(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"


class DigestStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SourceKind(StrEnum):
    """How a source is read (``sources.kind``)."""

    BOARD = "board"
    FEED = "feed"
    API = "api"


class EntityKind(StrEnum):
    """What an entity of the zone model is (``entities.kind``)."""

    AUTHORITY = "authority"
    ZONE_SYSTEM = "zone_system"
    FEZ = "fez"
    FEZ_DISTRICT = "fez_district"
    INDUSTRIAL_COMPLEX = "industrial_complex"
    ZONE_TYPE = "zone_type"
    SPECIAL_ZONE = "special_zone"
    PROGRAMME = "programme"
    BODY = "body"
    CLUSTER = "cluster"
    DISTRICT = "district"


class AliasKind(StrEnum):
    """Which of an entity's names an alias row is (``entity_aliases.alias_kind``)."""

    NAME = "name"
    ABBREVIATION = "abbreviation"
    ALIAS = "alias"
    WEAK = "weak"
    FORMER = "former"


class TokenKind(StrEnum):
    """The kind of token a noisy edit touched (``noise_rules.kind``, see
    :mod:`zonewatch.changes.noise`)."""

    URL = "url"
    EMAIL = "email"
    SESSION = "session"
    PHONE = "phone"
    DATE = "date"
    COUNT = "count"
