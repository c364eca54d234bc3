"""Entities found by any name, with the real zone model (config/zones.yaml)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from zonewatch.config.zones import load_zone_model
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models.names import (
    AmbiguousEntityError,
    MatchKind,
    resolve_entity,
    resolve_entity_id,
    search_entities,
)
from zonewatch.models.services import sync_zone_model


@pytest.fixture
def model(db_session: Session) -> Session:
    sync_zone_model(db_session, load_zone_model().entities)
    return db_session


@pytest.mark.parametrize(
    ("name", "entity_id", "via"),
    [
        ("ifez", "ifez", MatchKind.ID),
        ("IFEZ", "ifez", MatchKind.ID),
        ("인천경제자유구역", "ifez", MatchKind.NAME),
        ("인천경제청", "ifez", MatchKind.ABBREVIATION),
        ("incheon  fez", "ifez", MatchKind.ALIAS),
        ("INCHEON FREE ECONOMIC ZONE", "ifez", MatchKind.NAME),
        ("송도", "ifez-songdo", MatchKind.WEAK),
        ("Songdo International City", "ifez-songdo", MatchKind.NAME),
        ("황해경제자유구역", "ggfez", MatchKind.FORMER),
        ("진해", "bjfez", MatchKind.REGION),
        ("East  coast", "efez", MatchKind.REGION),
    ],
)
def test_any_name_finds_the_entity(
    model: Session, name: str, entity_id: str, via: MatchKind
) -> None:
    resolution = resolve_entity(model, name)
    assert resolution.entity_id == entity_id
    assert resolution.candidates[0].via is via
    assert resolve_entity_id(model, name) == entity_id


def test_decomposed_hangul_is_normalised(model: Session) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "인천경제자유구역")
    assert decomposed != "인천경제자유구역"
    assert resolve_entity_id(model, decomposed) == "ifez"


def test_a_region_name_shared_with_a_city_lists_both(model: Session) -> None:
    """인천 is the city's weak alias and the Incheon FEZ's region name: neither is a guess."""
    resolution = resolve_entity(model, "인천")
    assert resolution.ambiguous
    assert resolution.entity_id is None
    assert {c.id for c in resolution.candidates} == {"incheon", "ifez"}
    with pytest.raises(AmbiguousEntityError) as raised:
        resolve_entity_id(model, "인천")
    message = str(raised.value)
    assert "\n" not in message
    assert "incheon" in message
    assert "ifez" in message
    assert isinstance(raised.value, InputError)


def test_a_more_specific_name_wins_over_weak_ones(model: Session) -> None:
    """인천시 is the city's abbreviation; no weak alias or region name competes with it."""
    assert resolve_entity_id(model, "인천시") == "incheon"


def test_unknown_and_blank_names(model: Session) -> None:
    assert resolve_entity(model, "atlantis").candidates == ()
    with pytest.raises(NotFoundError, match=r"unknown entity 'atlantis'"):
        resolve_entity_id(model, "atlantis")
    with pytest.raises(InputError, match="must not be empty"):
        resolve_entity(model, "   ")


def test_search_lists_entities_whose_names_contain_the_text(model: Session) -> None:
    found = [candidate.id for candidate in search_entities(model, "송도")]
    assert {"ifez-songdo", "ifez-songdo-ibd", "songdo-bio-cluster"} <= set(found)
    assert search_entities(model, "no such place anywhere") == []
