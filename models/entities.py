"""The zone and programme model in the database: entities, their names and their history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zonewatch.models.base import Base, Timestamped
from zonewatch.models.enums import AliasKind, EntityKind, stored


class Entity(Timestamped, Base):
    """A zone, district, complex, programme, authority or body we classify items against.

    ``valid_from``/``valid_to`` are the designation and lifting dates: the model is versioned,
    so a lifted zone stays (with its history) and stops matching new items.
    """

    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(stored(EntityKind, "kind", 32), index=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), index=True
    )
    name_ko: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    authority_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    region_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]
    notes: Mapped[str | None]
    retired: Mapped[bool] = mapped_column(default=False)
    spec: Mapped[dict[str, Any]] = mapped_column(
        default=dict, doc="The entry as last applied from zones.yaml or an accepted proposal."
    )

    parent: Mapped[Entity | None] = relationship(
        remote_side="Entity.id", foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Entity]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Entity.id"
    )
    aliases: Mapped[list[EntityAlias]] = relationship(
        back_populates="entity", cascade="all, delete-orphan", order_by="EntityAlias.id"
    )

    def __repr__(self) -> str:
        return f"<Entity {self.id} {self.kind}>"


class EntityAlias(Base):
    """A name an entity is known by: official, abbreviation, alias, weak alias or former name."""

    __tablename__ = "entity_aliases"
    __table_args__ = (
        UniqueConstraint("entity_id", "text", "alias_kind"),
        Index("ix_entity_aliases_text", "text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(8))
    alias_kind: Mapped[str] = mapped_column(stored(AliasKind, "alias_kind"))
    valid_from: Mapped[dt.date | None]
    valid_to: Mapped[dt.date | None]

    entity: Mapped[Entity] = relationship(back_populates="aliases")
