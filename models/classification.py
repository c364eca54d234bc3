"""What classification found in a version: entity mentions, topics and facts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zonewatch.models.base import Base
from zonewatch.models.compact import EvidenceJSON
from zonewatch.models.documents import DocumentVersion


class Topic(Base):
    """An event type (designation, plan, incentive, reform, investment, governance, ...)."""

    __tablename__ = "topics"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class Mention(Base):
    """A version names an entity; ``evidence`` keeps the character spans and the rule used."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("version_id", "entity_id"),
        Index("ix_mentions_entity", "entity_id", "version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    score: Mapped[float]
    evidence: Mapped[list[Any]] = mapped_column(EvidenceJSON, default=list)

    version: Mapped[DocumentVersion] = relationship()


class VersionTopic(Base):
    """A topic assigned to a version, with the words that triggered it."""

    __tablename__ = "version_topics"
    __table_args__ = (Index("ix_version_topics_topic", "topic_id", "version_id"),)

    version_id: Mapped[int] = mapped_column(
        ForeignKey("document_versions.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float]
    evidence: Mapped[list[Any]] = mapped_column(EvidenceJSON, default=list)


class Fact(Base):
    """A number the text states (an amount, a count, an area, a share), normalised.

    ``raw``, ``start`` and ``end`` are its evidence; the parser rule that read it is not
    stored (no reader showed it, and it was a tenth of the table). Only figures linked to an
    entity are compared across releases, so only those are in the (entity, metric) index:
    five in six figures name no entity."""

    __tablename__ = "facts"
    __table_args__ = (
        Index(
            "ix_facts_entity_metric",
            "entity_id",
            "metric",
            sqlite_where=text("entity_id IS NOT NULL"),
            postgresql_where=text("entity_id IS NOT NULL"),
        ),
        Index("ix_facts_version", "version_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    metric: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(30, 6))
    unit: Mapped[str] = mapped_column(String(16))
    raw: Mapped[str] = mapped_column(String(300), doc="The words as written, e.g. '597억 원'.")
    start: Mapped[int]
    end: Mapped[int]
    period: Mapped[str] = mapped_column(
        String(16),
        default="unknown",
        server_default="unknown",
        doc="Period kind (annual, half, quarter, month, cumulative, target, plan, unknown): "
        "figures compare across releases only within one kind.",
    )
    scope: Mapped[str | None] = mapped_column(
        String(40), doc="Which period, when the text says: 'H1', 'Q2', 'M3', 'until 2030'."
    )
