"""Evidence stored as arrays of values and read back as the objects readers know."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.classify.evidence import ModelDecision, ModelFeature, Part, Span
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import Mention
from zonewatch.models.compact import SHAPES, decode, encode

EVIDENCE: list[Any] = [
    Span("산업부", 3, 6, Part.TITLE, "abbreviation").stored(),
    Span("예산", 104, 106, Part.BODY, "incentive.ko.예산", 1.5).stored(),
    ModelFeature("지원 강화", "model.incentive", "지원 강화", 0.42).stored(),
    ModelDecision("model.incentive", 0.9643, 0.575, "model").stored(),
    {"title": "a proposal's own item"},
]


def _version(session: Session) -> int:
    run = factories.crawl_run(session, factories.source(session))
    version_id = ingest_fetched_item(session, factories.fetched(session, run).id).version_id
    assert version_id is not None
    return version_id


def _raw(session: Session, mention_id: int) -> Any:
    stored = session.execute(
        text("SELECT evidence FROM mentions WHERE id = :id"), {"id": mention_id}
    ).scalar_one()
    return json.loads(stored) if isinstance(stored, str) else stored


def test_every_form_classify_writes_has_a_shape() -> None:
    """An item without a shape would be stored with its key names again, unnoticed."""
    assert [next(iter(encode([item])[0])) for item in EVIDENCE[:4]] == [0, 1, 2, 3]


def test_items_of_a_known_shape_are_stored_as_values_and_read_as_objects(
    db_session: Session,
) -> None:
    mention = Mention(version_id=_version(db_session), entity_id="motie", score=1.0)
    mention.evidence = EVIDENCE
    db_session.add(mention)
    db_session.flush()

    assert _raw(db_session, mention.id) == [
        [0, "산업부", 3, 6, 0, 2],
        [1, "예산", 104, 106, 1, [4, "예산"], 1.5],
        [2, "지원 강화", 2, [14, "incentive"], "지원 강화", 0.42],
        [3, [14, "incentive"], 2, 0.9643, 0.575, "model"],
        {"title": "a proposal's own item"},
    ]
    db_session.expire_all()
    read = db_session.scalars(select(Mention.evidence).where(Mention.id == mention.id)).one()
    assert read == EVIDENCE
    assert [list(item) for item in read] == [list(item) for item in EVIDENCE], "key order kept"


def test_rows_stored_as_objects_before_the_encoding_read_unchanged(db_session: Session) -> None:
    mention = Mention(version_id=_version(db_session), entity_id="motie", score=1.0)
    db_session.add(mention)
    db_session.flush()
    db_session.execute(
        text("UPDATE mentions SET evidence = :evidence WHERE id = :id"),
        {"evidence": json.dumps(EVIDENCE, ensure_ascii=False), "id": mention.id},
    )
    db_session.expire_all()
    assert db_session.scalars(select(Mention.evidence).where(Mention.id == mention.id)).one() == (
        EVIDENCE
    )


def test_a_coded_key_with_a_value_that_is_not_text_stays_an_object() -> None:
    """Stored as a number, it would read back as the word at that position."""
    odd = {"text": "산업부", "start": 3, "end": 6, "where": 1, "rule": "name"}
    assert encode([odd]) == [odd]
    assert decode(encode([odd])) == [odd]


def test_values_outside_a_keys_codes_are_stored_as_written() -> None:
    span = Span("산업부", 3, 6, Part.BODY, "a-rule-added-later").stored()
    assert encode([span]) == [[0, "산업부", 3, 6, 1, "a-rule-added-later"]]
    assert decode(encode([span])) == [span]


def test_a_topic_rule_of_an_unknown_topic_is_stored_as_written() -> None:
    cue = Span("용도", 3, 5, Part.BODY, "zoning.ko.용도", 1.0).stored()
    assert encode([cue]) == [[1, "용도", 3, 5, 1, "zoning.ko.용도", 1.0]]
    assert decode(encode([cue])) == [cue]


def test_an_item_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValueError, match="evidence items are objects, got str"):
        encode(["산업부"])


def test_a_stored_array_with_the_wrong_number_of_values_is_an_error() -> None:
    """A truncated row must not read as evidence with its fields shifted."""
    with pytest.raises(ValueError, match="shape 0 has 4 values"):
        decode([[0, "산업부", 3, 6, "title"]])


def test_shapes_are_distinct() -> None:
    """Decoding finds a shape by its set of keys: two with the same keys in another order would
    collide."""
    assert len(set(SHAPES)) == len(SHAPES)
    assert len({frozenset(shape) for shape in SHAPES}) == len(SHAPES)
