"""Evidence lists stored as arrays of values, read back as the objects readers know.

A finding's evidence is a list of small objects with the same few keys on every item
(``text``, ``start``, ``end``, ``where``, ``rule``, ...). Stored as JSON objects, the key names
were 40% of the ``mentions`` and ``version_topics`` evidence (about 1 MB per 1,000 releases on
SQLite; JSONB repeats them per row as well). ``EvidenceJSON`` stores an item whose keys are
those of one of ``SHAPES`` as ``[shape number, value, ...]``, values in the shape's order, and
gives the same object back on reading (keys in that order, the order ``stored()`` writes
them), so every reader (``changes show``, the API, proposals) sees what it always saw. An item
of any other form is stored as it is, and rows written before this encoding (objects only)
read unchanged.

``SHAPES``, ``CODES`` and ``RULE_PREFIXES`` are part of the stored format: append to them,
never reorder or edit an entry (migration b0da21fd5fe9 copies them as of its day).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, TypeDecorator
from sqlalchemy.engine import Dialect

SHAPES: tuple[tuple[str, ...], ...] = (
    ("text", "start", "end", "where", "rule"),
    ("text", "start", "end", "where", "rule", "weight"),
    ("text", "where", "rule", "feature", "weight"),
    ("rule", "where", "probability", "threshold", "decided_by"),
)
"""The item forms of ``classify.evidence`` (an entity span, a topic cue, a model feature, the
model's decision), each with its keys in the order ``stored()`` writes them."""
_SHAPE_OF = {frozenset(keys): number for number, keys in enumerate(SHAPES)}
CODES: dict[str, tuple[str, ...]] = {
    "where": ("title", "body", "model"),
    "rule": (
        "name",
        "weak_alias+context",
        "abbreviation",
        "former_name",
        "alias",
        "instance->type",
        "parent_in_name",
        "enumeration",
        "place_qualifier",
    ),
}
"""Values of a key stored as their position in its list: where a span is, and the rules that
link an entity. Any other value (a topic cue's rule) is stored as written."""
RULE_PREFIXES: tuple[str, ...] = (
    "designation.ko.",
    "designation.en.",
    "plan.ko.",
    "plan.en.",
    "incentive.ko.",
    "incentive.en.",
    "reform.ko.",
    "reform.en.",
    "investment.ko.",
    "investment.en.",
    "governance.ko.",
    "governance.en.",
    "performance.ko.",
    "performance.en.",
    "model.",
)
"""Beginnings of a topic cue's rule (``topic.language.cue``) and of the model's (``model.``),
stored as ``[position, rest]``: the topic row already says which topic, and the words were a
fifth of a topic row's evidence."""
_CODE_OF = {
    key: {value: code for code, value in enumerate(values)} for key, values in CODES.items()
}


def encode(items: list[Any]) -> list[Any]:
    """``items`` with each object of a known shape as an array (its shape number first)."""
    return [_encoded(item) for item in items]


def decode(stored: list[Any]) -> list[Any]:
    """The objects ``encode`` was given, from what it stored (objects pass through)."""
    return [_decoded(item) for item in stored]


def _encoded(item: Any) -> Any:
    if not isinstance(item, dict):
        raise ValueError(f"evidence items are objects, got {type(item).__name__}")
    number = _SHAPE_OF.get(frozenset(item))
    if number is None or any(not isinstance(item[key], str) for key in CODES if key in item):
        return item
    return [number, *(_coded(key, item[key]) for key in SHAPES[number])]


def _decoded(item: Any) -> Any:
    if isinstance(item, dict):
        return item
    number, *values = item
    keys = SHAPES[number]
    if len(values) != len(keys):
        raise ValueError(f"evidence item of shape {number} has {len(values)} values")
    return {key: _uncoded(key, value) for key, value in zip(keys, values, strict=True)}


def _coded(key: str, value: Any) -> Any:
    codes = _CODE_OF.get(key)
    if codes is None:
        return value
    if value in codes:
        return codes[value]
    if key == "rule":
        for position, prefix in enumerate(RULE_PREFIXES):
            if value.startswith(prefix):
                return [position, value[len(prefix) :]]
    return value


def _uncoded(key: str, value: Any) -> Any:
    if key in CODES and isinstance(value, int):
        return CODES[key][value]
    if key == "rule" and isinstance(value, list):
        position, rest = value
        return RULE_PREFIXES[position] + rest
    return value


class EvidenceJSON(TypeDecorator[list[Any]]):
    """A JSON list of evidence objects, stored as ``encode`` gives it.

    Plain ``json`` on PostgreSQL too, not JSONB: no query looks inside evidence, and JSONB's
    per-item headers and numeric values took about 80% more room than the compact text
    (``version_topics``: 1.56 MB against 0.94 MB per 1,000 releases)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> Any:
        return None if value is None else encode(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Any] | None:
        return None if value is None else decode(value)
