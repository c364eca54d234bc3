"""Writes :mod:`zonewatch.changes.compiled_sql`: the change log's simple pages as SQL text.

The read queries are defined once, in SQLAlchemy (:func:`zonewatch.changes.queries.log_query`).
Importing SQLAlchemy and the ORM costs most of a second, several times a simple query, so the
pages a person asks for most (``changes list`` under no filter, or under one source or one
topic, and an entity's ``timeline`` for trees of a few sizes) are compiled here, per dialect,
into a module that :mod:`zonewatch.changes.fast_read` runs with the standard drivers alone.
``make sql`` rewrites it; a test compiles again and fails when the committed module differs, so
the text cannot drift from the definition.

Parameter values are sentinels while compiling; each compiled parameter is then named by the
value it received, so the module maps the driver's names onto the shape's (``limit``,
``source_id``) without rewriting any SQL.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.type_api import TypeEngine

from zonewatch.changes.log_view import ListShape
from zonewatch.changes.queries import (
    MODEL_CHANGE_COLUMNS,
    TIMELINE_COLUMNS,
    ChangeFilter,
    EntityTree,
    linked_entities_query,
    log_query,
    model_changes_query,
    newest_links_query,
    subtree,
)
from zonewatch.changes.reach import Reach
from zonewatch.models import (
    ChangeRecord,
    ChangeTopic,
    Document,
    Source,
    Topic,
)
from zonewatch.models.base import UTCDateTime
from zonewatch.models.packed import PackedText

TARGET = Path(__file__).with_name("compiled_sql.py")
LIMIT = 987_654_321
"""The sentinel limit: no page asks for this many."""
TREE_SIZES = (1, 4, 16, 64)
"""The trees the compiled timeline reads, by their number of entities: a tree is read by the
statements of the next size up, its ids padded with ``PADDING`` (no entity has that id, so
the padded arms and list items match nothing). A larger tree is read through the ORM."""
PADDING = ""
OLDEST = dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC)
SENTINELS: dict[str, Any] = {
    "limit": LIMIT,
    "offset": 0,
    "source_id": "\x00source",
    "topic_id": "\x00topic",
    "root": "\x00root",
    "oldest": OLDEST,
} | {f"entity_{n}": f"\x00entity_{n}" for n in range(max(TREE_SIZES))}
"""Each parameter's value while compiling (SQLite's compiler binds an offset of 0 after
every limit; every page here starts at the top)."""
RECORD_COLUMNS = (*ChangeRecord.__table__.columns, Document.url, Document.published_at)
"""Every column of a record, then its document's address and release date: what
:class:`zonewatch.changes.log_view.ChangeView` is built from."""


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: dict[str, str]
    """Driver parameter name -> the shape's parameter name."""


def _dialects() -> dict[str, Dialect]:
    named = sqlite.dialect(paramstyle="named")
    psycopg: Dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]
    return {"sqlite": named, "postgresql": psycopg}


def _filter(shape: ListShape) -> ChangeFilter:
    return ChangeFilter(
        limit=LIMIT,
        source_id=SENTINELS["source_id"] if shape is ListShape.SOURCE else None,
        topic_id=SENTINELS["topic_id"] if shape is ListShape.TOPIC else None,
    )


def _compiled(query: Select[Any], dialect: Dialect) -> Compiled:
    compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    names = {repr(value): name for name, value in SENTINELS.items()}
    params = {}
    for bound, value in compiled.params.items():
        # newest_links_query names its own parameters ("count", "entity_N"), left unset.
        if value is None and (bound in SENTINELS or bound == "count"):
            params[bound] = bound
        elif repr(value) in names:
            params[bound] = names[repr(value)]
        else:
            raise ValueError(f"{bound}={value!r} is not a parameter of a compiled shape")
    return Compiled(compiled.string, params)


def _statements(shape: ListShape) -> dict[str, Select[Any]]:
    filters = _filter(shape)
    page = log_query(filters, None, ChangeRecord.id).subquery()
    return {
        "records": log_query(filters, None, *RECORD_COLUMNS),
        "entities": linked_entities_query(select(page.c.id)),
        "topics": select(ChangeTopic.change_id, ChangeTopic.topic_id)
        .where(ChangeTopic.change_id.in_(select(page.c.id)))
        .order_by(ChangeTopic.topic_id),
    }


def _tree(size: int, reach: bool) -> EntityTree:
    ids = tuple(SENTINELS[f"entity_{n}"] for n in range(size))
    return EntityTree(SENTINELS["root"], ids, Reach(LIMIT, OLDEST if reach else None))


def _timeline_statements(size: int) -> dict[str, Select[Any]]:
    """What :func:`zonewatch.changes.queries.timeline` runs for a tree of ``size`` entities:
    the newest links (for the reach), the records within the reach (or all of the tree's,
    when it has fewer), their links, and the model changes."""
    filters = ChangeFilter(entity_id=SENTINELS["root"], limit=LIMIT)
    found: dict[str, Select[Any]] = {"links": newest_links_query(size)}
    for reach in (True, False):
        tree = _tree(size, reach)
        page = log_query(filters, tree, ChangeRecord.id).subquery()
        within = "reach" if reach else "all"
        found[f"records.{within}"] = log_query(filters, tree, *TIMELINE_COLUMNS)
        found[f"entities.{within}"] = linked_entities_query(select(page.c.id))
    found["models"] = model_changes_query(_tree(size, False).ids, LIMIT)
    return found


CHECKS: dict[str, Callable[[], Select[Any]]] = {
    "tree": lambda: select(subtree(SENTINELS["root"]).c.id),
    "source_exists": lambda: select(Source.id).where(Source.id == SENTINELS["source_id"]),
    "topic_exists": lambda: select(Topic.id).where(Topic.id == SENTINELS["topic_id"]),
}
"""The look-ups that make a misspelt id an error rather than an empty list."""


def _conversion(kind: TypeEngine[Any]) -> str:
    """How :mod:`zonewatch.changes.fast_read` turns a driver's value into the ORM's."""
    if isinstance(kind, UTCDateTime):
        return "datetime"
    if isinstance(kind, PackedText):
        return "packed"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Date):
        return "date"
    if kind._type_affinity is not None and kind._type_affinity.__name__ == "JSON":
        return "json"
    return "plain"


def _column_name(column: Any, document_prefix: bool) -> str:
    """The row key: the ORM row's (the column's name), or for the record's own columns
    beside its document's, the document's columns prefixed."""
    if document_prefix and column.table is Document.__table__:
        return f"document_{column.name}"
    return str(column.name)


def render() -> str:
    """The text of :mod:`zonewatch.changes.compiled_sql`."""
    statements: dict[str, dict[str, Compiled]] = {}
    for dialect_name, dialect in _dialects().items():
        found = statements.setdefault(dialect_name, {})
        for shape in ListShape:
            for part, query in _statements(shape).items():
                found[f"{shape.value}.{part}"] = _compiled(query, dialect)
        for size in TREE_SIZES:
            for part, query in _timeline_statements(size).items():
                found[f"timeline.{size}.{part}"] = _compiled(query, dialect)
        for name, check in CHECKS.items():
            found[name] = _compiled(check(), dialect)
    lines = [
        '"""The change log\'s simple pages as SQL text, per dialect.',
        "",
        "Generated by `make sql` (zonewatch.changes.sql_gen) from zonewatch.changes.queries;",
        'do not edit."""',
        "",
        "SQL: dict[str, dict[str, str]] = {",
    ]
    for dialect_name, found in statements.items():
        lines.append(f"    {dialect_name!r}: {{")
        lines += [f"        {name!r}: {compiled.sql!r}," for name, compiled in found.items()]
        lines.append("    },")
    lines += ["}", "", "PARAMS: dict[str, dict[str, dict[str, str]]] = {"]
    for dialect_name, found in statements.items():
        lines.append(f"    {dialect_name!r}: {{")
        lines += [f"        {name!r}: {compiled.params!r}," for name, compiled in found.items()]
        lines.append("    },")
    lines += ["}", "", f"TREE_SIZES = {TREE_SIZES!r}", f"PADDING = {PADDING!r}"]
    for name, columns in (
        ("RECORD_COLUMNS", RECORD_COLUMNS),
        ("TIMELINE_COLUMNS", TIMELINE_COLUMNS),
        ("MODEL_CHANGE_COLUMNS", MODEL_CHANGE_COLUMNS),
    ):
        lines += ["", f"{name}: tuple[tuple[str, str], ...] = ("]
        named = name == "RECORD_COLUMNS"
        lines += [f"    {(_column_name(c, named), _conversion(c.type))!r}," for c in columns]
        lines.append(")")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write the module (``make sql``), exactly as :func:`render` gives it: ruff leaves it
    alone (pyproject.toml), and a test compares the file with a fresh rendering."""
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
