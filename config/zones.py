"""The zone and programme model as data: the schema of ``zones.yaml`` and its loader."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zonewatch.config.loading import parse_entries, read_yaml
from zonewatch.enums import EntityKind as EntityKind
from zonewatch.errors import ConfigError

ENTITY_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Names(_Strict):
    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)


class FormerName(_Strict):
    """A name the entity carried before a rename."""

    ko: str | None = None
    en: str | None = None
    abbreviations: tuple[str, ...] = ()
    from_: dt.date | None = Field(default=None, alias="from")
    until: dt.date

    @model_validator(mode="after")
    def _needs_a_name(self) -> FormerName:
        if not (self.ko or self.en):
            raise ValueError("a former name needs 'ko' or 'en'")
        if self.from_ and self.from_ >= self.until:
            raise ValueError("'from' must be before 'until'")
        return self


class EntitySpec(_Strict):
    """One entity of the model as written in ``zones.yaml``."""

    id: str = Field(pattern=ENTITY_ID_PATTERN)
    kind: EntityKind
    parent: str | None = None
    name: Names
    abbreviations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    former_names: tuple[FormerName, ...] = ()
    authority: str | None = None
    region: str | None = None
    region_names: tuple[str, ...] = ()
    """Bare place names that stand for this entity when listed under its parent's name: the
    FEZ of each region in ``인천·부산진해·광양 3곳`` or ``the zones in Incheon and Gwangju``.
    Only a name unique to one child of the parent belongs here."""
    designated: dt.date | None = None
    lifted: dt.date | None = None
    notes: str | None = None

    @field_validator("abbreviations", "aliases", "weak_aliases", "region_names")
    @classmethod
    def _no_blank_names(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(value.strip() for value in values)
        if any(not value for value in cleaned):
            raise ValueError("names must not be empty")
        return cleaned

    @model_validator(mode="after")
    def _dates_in_order(self) -> EntitySpec:
        if self.designated and self.lifted and self.lifted < self.designated:
            raise ValueError("'lifted' must not be before 'designated'")
        return self

    def references(self) -> dict[str, str | None]:
        """The fields that name other entities."""
        return {"parent": self.parent, "authority": self.authority, "region": self.region}


@dataclass(frozen=True)
class ZoneModel:
    """The whole validated model, in file order."""

    path: Path
    entities: tuple[EntitySpec, ...]

    def by_id(self) -> dict[str, EntitySpec]:
        return {entity.id: entity for entity in self.entities}


def default_zones_path() -> Path:
    return Path(str(resources.files("zonewatch.config") / "zones.yaml"))


def load_zone_model(path: Path | None = None) -> ZoneModel:
    """Load and check ``zones.yaml``; any mistake raises :class:`ConfigError`."""
    path = path or default_zones_path()
    data = read_yaml(path)
    if isinstance(data, dict) and data.get("version") != 1:
        raise ConfigError(f"{path}: 'version' must be 1")
    entities = parse_entries(path, data, "entities", EntitySpec)
    _check_references(path, entities)
    _check_no_cycles(path, entities)
    return ZoneModel(path=path, entities=tuple(entities))


def _check_references(path: Path, entities: list[EntitySpec]) -> None:
    known = {entity.id for entity in entities}
    for index, entity in enumerate(entities):
        for field, target in entity.references().items():
            if target is not None and target not in known:
                raise ConfigError(
                    f"{path}: entry {index + 1} (id {entity.id!r}): field {field!r}: "
                    f"unknown entity {target!r}"
                )
            if target == entity.id:
                raise ConfigError(
                    f"{path}: entry {index + 1} (id {entity.id!r}): field {field!r}: "
                    "an entity cannot refer to itself"
                )


def _check_no_cycles(path: Path, entities: list[EntitySpec]) -> None:
    parents = {entity.id: entity.parent for entity in entities}
    for index, entity in enumerate(entities):
        seen = {entity.id}
        current = entity.parent
        while current is not None:
            if current in seen:
                raise ConfigError(
                    f"{path}: entry {index + 1} (id {entity.id!r}): field 'parent': "
                    "parents form a cycle"
                )
            seen.add(current)
            current = parents.get(current)
