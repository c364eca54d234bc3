"""store less: evidence as arrays of values, and only linked facts in the facts' entity index

Every evidence item of ``mentions`` and ``version_topics`` is an object with one of a few fixed
key lists, and the key names were 40% of those columns (about 1 MB per 1,000 releases on
SQLite). An item whose keys are those of one of ``SHAPES`` is stored as ``[shape number,
value, ...]``, its values in the shape's key order (JSONB keeps keys sorted, not as written).
Where a span is and an entity link's rule are stored as their position in ``CODES``, and a
topic rule's beginning (``plan.ko.``) as its position in ``RULE_PREFIXES``. models.compact
reads it back as the same object (shapes and codes are copied here: a migration states the
format of its day). Other items stay objects. On PostgreSQL both columns become ``json``
instead of JSONB: nothing queries inside evidence, and JSONB's item headers and numerics took
about 80% more room than the compact text. The downgrade writes every item as an object again,
as JSONB.

On SQLite, texts are packed from now on against a preset dictionary (zonewatch.packing); texts
packed before stay as they are and read the same. The downgrade packs the texts that use the
dictionary again without it, since older code cannot read them (it reads them through
zonewatch.packing.unpack: only the product knows its dictionaries).

Five in six facts name no entity, and only linked figures are compared across releases (a
NULL entity never equals a key): the (entity, metric) index keeps only rows with an entity.

Revision ID: b0da21fd5fe9
Revises: aa3c5d28961c
Create Date: 2026-12-07 06:11:20.274126

"""

import zlib
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from zonewatch.models.migrations.pages import rewrite_in_pages
from zonewatch.packing import unpack

# revision identifiers, used by Alembic.
revision: str = "b0da21fd5fe9"
down_revision: str | Sequence[str] | None = "aa3c5d28961c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHAPES: tuple[tuple[str, ...], ...] = (
    ("text", "start", "end", "where", "rule"),
    ("text", "start", "end", "where", "rule", "weight"),
    ("text", "where", "rule", "feature", "weight"),
    ("rule", "where", "probability", "threshold", "decided_by"),
)
SHAPE_OF = {frozenset(keys): number for number, keys in enumerate(SHAPES)}
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
CODE_OF = {key: {value: code for code, value in enumerate(values)} for key, values in CODES.items()}
EVIDENCE = sa.JSON()
FACTS_INDEX = "ix_facts_entity_metric"
PACKED = (("document_versions", "text"), ("attachments", "text"))
PACK_LEVEL = 6
PRESET_DICTIONARY = 0x20
TABLES = (("mentions", ("id",)), ("version_topics", ("version_id", "topic_id")))


def _encoded(item: Any) -> Any:
    number = SHAPE_OF.get(frozenset(item)) if isinstance(item, dict) else None
    if number is None or any(not isinstance(item[key], str) for key in CODES if key in item):
        return item
    return [number, *(_coded(key, item[key]) for key in SHAPES[number])]


def _coded(key: str, value: Any) -> Any:
    codes = CODE_OF.get(key)
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


def _decoded(item: Any) -> Any:
    if isinstance(item, dict):
        return item
    number, *values = item
    return {key: _uncoded(key, value) for key, value in zip(SHAPES[number], values, strict=True)}


def _recoded(change: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any] | None]:
    """An evidence list rewritten item by item through ``change``; None (the row left as it
    is) when no item changes."""

    def recode(evidence: list[Any]) -> list[Any] | None:
        items = [change(item) for item in evidence]
        return None if items == evidence else items

    return recode


def _facts_index(**where: Any) -> None:
    op.drop_index(FACTS_INDEX, table_name="facts")
    op.create_index(FACTS_INDEX, "facts", ["entity_id", "metric"], **where)


def _column_type(name: str) -> None:
    """PostgreSQL: make both evidence columns ``name`` (json or jsonb), values kept."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, _ in TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN evidence TYPE {name} USING evidence::{name}")


def _plainly(stored: bytes) -> bytes | None:
    """A text packed against a preset dictionary, packed again without one (others stay)."""
    if not stored[1] & PRESET_DICTIONARY:
        return None
    return zlib.compress(unpack(stored).encode(), PACK_LEVEL)


def _pack_plainly() -> None:
    """SQLite: pack each text that uses a preset dictionary again without one."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column in PACKED:
        rewrite_in_pages(table, ("id",), column, _plainly, sa.LargeBinary())


def upgrade() -> None:
    """Upgrade schema."""
    _column_type("json")
    for table, key in TABLES:
        rewrite_in_pages(table, key, "evidence", _recoded(_encoded), EVIDENCE)
    linked = sa.text("entity_id IS NOT NULL")
    _facts_index(sqlite_where=linked, postgresql_where=linked)


def downgrade() -> None:
    """Downgrade schema."""
    _pack_plainly()
    _facts_index()
    for table, key in TABLES:
        rewrite_in_pages(table, key, "evidence", _recoded(_decoded), EVIDENCE)
    _column_type("jsonb")
