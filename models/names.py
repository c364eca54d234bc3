"""Find entities by any name a person would type: id, official name, abbreviation, alias,
former name, weak alias or region name.

People know zones by their names (``IFEZ``, ``송도``, ``인천경제자유구역``), not by our ids.
A name is compared folded (NFC, case-folded, whitespace removed), so ``ifez``, ``Incheon FEZ``
and ``incheonfez`` meet. Names are tried from the most to the least specific: the id, the
current names, the former names, then weak aliases and region names (``송도``, ``인천``), which
stand for an entity only where nothing more specific does. The first tier that matches
answers; when it matches several entities the name is ambiguous and every candidate is
returned, so that a person chooses rather than us guessing.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models.entities import Entity, EntityAlias

_WHITESPACE = re.compile(r"\s+")
MAX_QUERY = 300
"""Longer than any name in the model (names are at most 300 characters)."""


class MatchKind(enum.StrEnum):
    """How a name matched: the id, an alias row's kind, or a region name."""

    ID = "id"
    NAME = "name"
    ABBREVIATION = "abbreviation"
    ALIAS = "alias"
    FORMER = "former"
    WEAK = "weak"
    REGION = "region"

    @property
    def tier(self) -> int:
        """Lower is more specific; a name answers from the lowest tier it reaches."""
        return _TIERS[self]


_TIERS = {
    MatchKind.ID: 0,
    MatchKind.NAME: 1,
    MatchKind.ABBREVIATION: 1,
    MatchKind.ALIAS: 1,
    MatchKind.FORMER: 2,
    MatchKind.WEAK: 3,
    MatchKind.REGION: 3,
}


@dataclass(frozen=True)
class Candidate:
    """An entity a name may stand for, with the name that matched and how."""

    id: str
    kind: str
    name_ko: str
    name_en: str
    retired: bool
    matched: str
    via: MatchKind


@dataclass(frozen=True)
class Resolution:
    """What a name stands for: one candidate, several (ambiguous), or none (unknown)."""

    query: str
    candidates: tuple[Candidate, ...]

    @property
    def entity_id(self) -> str | None:
        return self.candidates[0].id if len(self.candidates) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


class AmbiguousEntityError(InputError):
    """A name that stands for several entities, where one is needed."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        named = ", ".join(
            f"{c.id} ({c.name_ko}, {c.via.value} {c.matched!r})" for c in resolution.candidates
        )
        super().__init__(f"{resolution.query!r} names several entities: {named}; give an id")


def fold_name(text: str) -> str:
    """The key names are compared by: NFKC (full-width Latin letters are letters),
    case-folded, without whitespace."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text).casefold())


def _checked(text: str) -> str:
    query = unicodedata.normalize("NFKC", text).strip()
    if not query:
        raise InputError("an entity name or id must not be empty")
    if len(query) > MAX_QUERY:
        raise InputError(f"an entity name is at most {MAX_QUERY} characters")
    return query


def _names(session: Session) -> Iterator[tuple[Entity, str, MatchKind]]:
    """Every name of every entity, with its tier: the id, its Korean and English names
    (whether or not an alias row repeats them), the alias rows, the region names
    (kept in the entity's zones.yaml entry, as classify reads them)."""
    entities = {entity.id: entity for entity in session.scalars(select(Entity))}
    for entity in entities.values():
        yield entity, entity.id, MatchKind.ID
        for name in (entity.name_ko, entity.name_en):
            if name:
                yield entity, name, MatchKind.NAME
        for region_name in entity.spec.get("region_names", ()):
            yield entity, str(region_name), MatchKind.REGION
    for entity_id, text, alias_kind in session.execute(
        select(EntityAlias.entity_id, EntityAlias.text, EntityAlias.alias_kind)
    ):
        if entity_id in entities:
            yield entities[entity_id], text, MatchKind(alias_kind)


def _candidate(entity: Entity, matched: str, via: MatchKind) -> Candidate:
    return Candidate(
        entity.id, entity.kind, entity.name_ko, entity.name_en, entity.retired, matched, via
    )


def _rank(candidate: Candidate, query: str) -> tuple[int, bool, int]:
    """Which match of an entity to show: the most specific tier, the name as typed, then the
    official name before abbreviations and aliases."""
    return (candidate.via.tier, candidate.matched != query, list(MatchKind).index(candidate.via))


def _best_per_entity(found: Iterable[Candidate], query: str) -> tuple[Candidate, ...]:
    best: dict[str, Candidate] = {}
    for candidate in found:
        kept = best.get(candidate.id)
        if kept is None or _rank(candidate, query) < _rank(kept, query):
            best[candidate.id] = candidate
    return tuple(sorted(best.values(), key=lambda c: (_rank(c, query), c.id)))


def resolve_entity(session: Session, text: str) -> Resolution:
    """The entities ``text`` names exactly, from the most specific tier that has any."""
    query = _checked(text)
    key = fold_name(query)
    exact = [
        _candidate(entity, name, via)
        for entity, name, via in _names(session)
        if fold_name(name) == key
    ]
    if not exact:
        return Resolution(query, ())
    tier = min(candidate.via.tier for candidate in exact)
    return Resolution(query, _best_per_entity((c for c in exact if c.via.tier == tier), query))


def resolve_entity_id(session: Session, text: str) -> str:
    """The one entity ``text`` names; NotFoundError when none, AmbiguousEntityError (an
    InputError naming the candidates) when several."""
    resolution = resolve_entity(session, text)
    if resolution.ambiguous:
        raise AmbiguousEntityError(resolution)
    if resolution.entity_id is None:
        raise NotFoundError(f"unknown entity {resolution.query!r} (see `zonewatch entities list`)")
    return resolution.entity_id


def search_entities(session: Session, text: str, limit: int = 50) -> list[Candidate]:
    """Entities with a name that contains ``text`` (folded), for the console's search box:
    the most specific match of each entity, names before weak aliases, then by id."""
    key = fold_name(_checked(text))
    found = (
        _candidate(entity, name, via)
        for entity, name, via in _names(session)
        if key in fold_name(name)
    )
    return list(_best_per_entity(found, key))[:limit]
