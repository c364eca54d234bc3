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

``SHAPES`` is part of the stored format: append new shapes, never reorder or edit one
(migration b0da21fd5fe9 copies this list as of its day).
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
    if number is None:
        return item
    return [number, *(item[key] for key in SHAPES[number])]


def _decoded(item: Any) -> Any:
    if isinstance(item, dict):
        return item
    number, *values = item
    keys = SHAPES[number]
    if len(values) != len(keys):
        raise ValueError(f"evidence item of shape {number} has {len(values)} values")
    return dict(zip(keys, values, strict=True))


class EvidenceJSON(TypeDecorator[list[Any]]):
    """A JSON list of evidence objects, stored as ``encode`` gives it.

    Plain ``json`` on PostgreSQL too, not JSONB: no query looks inside evidence, and JSONB's
    per-item headers and numeric values took 80% more room than the compact text (a topic
    row's 1.6 KB against 0.9 KB per 1,000 releases' worth)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> Any:
        return None if value is None else encode(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[Any] | None:
        return None if value is None else decode(value)
