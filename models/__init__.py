"""The data model: SQLAlchemy 2 typed ORM classes, the same schema on SQLite and PostgreSQL.

Import the classes from here; Alembic migrations under ``migrations/`` keep databases in step.
"""

from zonewatch.models.alerts import AlertDelivery, Digest, Subscriber, Subscription
from zonewatch.models.base import Base
from zonewatch.models.changes import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    EntityChange,
    NoiseRule,
)
from zonewatch.models.classification import Fact, Mention, Topic, VersionTopic
from zonewatch.models.documents import (
    Announcement,
    Attachment,
    Document,
    DocumentVersion,
    FetchedItem,
    FetchedPayload,
    Snapshot,
)
from zonewatch.models.entities import Entity, EntityAlias
from zonewatch.models.sources import CrawlRun, SchedulerLease, Source, WorkerHeartbeat
from zonewatch.models.users import ApiToken, LoginFailure, Role, SavedFilter, User

__all__ = [
    "AlertDelivery",
    "Announcement",
    "ApiToken",
    "Attachment",
    "Base",
    "ChangeEntity",
    "ChangeRecord",
    "ChangeTopic",
    "CrawlRun",
    "Digest",
    "Document",
    "DocumentVersion",
    "Entity",
    "EntityAlias",
    "EntityChange",
    "Fact",
    "FetchedItem",
    "FetchedPayload",
    "LoginFailure",
    "Mention",
    "NoiseRule",
    "Role",
    "SavedFilter",
    "SchedulerLease",
    "Snapshot",
    "Source",
    "Subscriber",
    "Subscription",
    "Topic",
    "User",
    "VersionTopic",
    "WorkerHeartbeat",
]
