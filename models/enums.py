"""The machine values stored in status and kind columns, one enum per column family.

The enums are defined in :mod:`zonewatch.enums` (importable without the ORM) and re-exported
here. Each value is the string the database has always held, so stored rows stay valid; the
columns use :func:`stored` so that the database refuses any other value (a named CHECK
constraint on SQLite and PostgreSQL alike) and rows load as enum members, not bare strings.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum

from zonewatch.enums import (
    AliasKind,
    ChangeKind,
    CrawlRunStatus,
    DeliveryMode,
    DeliveryStatus,
    DigestPeriod,
    DigestStatus,
    DocumentStatus,
    EntityKind,
    FetchedItemStatus,
    IngestOutcome,
    ItemOutcome,
    ModelAction,
    ProposalOrigin,
    ProposalStatus,
    ReviewStatus,
    RunTrigger,
    SourceHealth,
    SourceKind,
    SubscriberStatus,
    TokenKind,
)


def stored(enum: type[StrEnum], name: str, length: int = 16) -> Enum:
    """A VARCHAR column of ``enum``'s values with a CHECK constraint ``ck_<table>_<name>``.

    Not a native PostgreSQL enum: adding a value then needs only a new constraint, never a
    type migration, and SQLite behaves the same.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )


__all__ = [
    "AliasKind",
    "ChangeKind",
    "CrawlRunStatus",
    "DeliveryMode",
    "DeliveryStatus",
    "DigestPeriod",
    "DigestStatus",
    "DocumentStatus",
    "EntityKind",
    "FetchedItemStatus",
    "IngestOutcome",
    "ItemOutcome",
    "ModelAction",
    "ProposalOrigin",
    "ProposalStatus",
    "ReviewStatus",
    "RunTrigger",
    "SourceHealth",
    "SourceKind",
    "SubscriberStatus",
    "TokenKind",
    "stored",
]
