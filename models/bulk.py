"""Bulk writes that skip rows a unique key already holds, in one statement per chunk.

The outbox (and any other table written by redelivered tasks) must stay exactly-once without
a SAVEPOINT per row: ``INSERT ... ON CONFLICT DO NOTHING`` lets the unique index decide, on
SQLite and PostgreSQL alike, and ``RETURNING`` says which rows were new.

Per-row values written to many rows (:func:`update_rows`): a batch's rows each take their own
values (an item's outcome and version, a document's current version). The ORM writes one
UPDATE per row; this writes one per chunk:
``WITH given(key, ...) AS (VALUES ...) UPDATE table SET ... FROM given WHERE key = given.key``,
which both PostgreSQL and SQLite (3.33+) run. A VALUES list in FROM with named columns is
PostgreSQL only, hence the common table expression. PostgreSQL types a VALUES column from its
values, so they are cast to the column's type (a column of NULLs would be text); SQLite stores
what it is given, and a cast there would change it (``CAST(... AS DATETIME)`` is a number).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnExpressionArgument,
    Row,
    Table,
    Text,
    bindparam,
    cast,
    column,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from zonewatch.models.base import Base

ROWS_PER_STATEMENT = 1000
"""Rows per statement: with a dozen columns, well under either database's parameter limit."""


def insert_new(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[ColumnExpressionArgument[Any]],
) -> list[Row[Any]]:
    """Insert ``rows`` and return ``returning`` of those that were new; rows whose unique
    key is taken already are left as they are (a repeated task writes nothing more).

    The rows go as parameters of one cached statement: SQLAlchemy sends them as multi-row
    INSERTs ("insertmanyvalues", the statement :func:`insert_new_statement` shows) without
    compiling a fresh statement, a bind parameter per value, for every chunk; that
    compilation cost more than the database's work."""
    if not rows:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _insert_new_recordset(session, model, rows, returning)
    statement = (
        _dialect_insert(session)(model.__table__)
        .on_conflict_do_nothing()
        .returning(*returning)
        .execution_options(insertmanyvalues_page_size=ROWS_PER_STATEMENT)
    )
    return list(session.execute(statement, [dict(row) for row in rows]).all())


def _insert_new_recordset(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[ColumnExpressionArgument[Any]],
) -> list[Row[Any]]:
    """PostgreSQL: all the rows as one JSON text, in one short statement
    (``INSERT ... SELECT FROM json_to_recordset(...) ON CONFLICT DO NOTHING``).

    A multi-row VALUES of a thousand rows is a new 7,000-placeholder text that the driver
    parses in Python on every page; one array per column (the form before this one) made
    psycopg quote every element of every array in Python, a third of matching's CPU on the
    outbox. ``json.dumps`` encodes the whole batch in C and PostgreSQL parses it in C, into
    the table's own column types. Columns left out get their defaults (``include_defaults``),
    as the VALUES form gives them. The insert is on the table, not the ORM class, so the
    returned rows are plain rows and not run through the ORM's loading."""
    table = _table_of(model)
    names = list(rows[0])
    typed = [column(name, table.c[name].type) for name in names]
    document = bindparam("rows", json.dumps(list(rows), default=_json_value), type_=Text)
    source = (
        func.json_to_recordset(cast(document, postgresql.JSON))
        .table_valued(*typed)
        .render_derived(name="source", with_types=True)
    )
    statement: Any = (
        postgresql.insert(table)
        .from_select(names, select(*(source.c[name] for name in names)))
        .on_conflict_do_nothing()
    )
    return list(session.execute(statement.returning(*returning)).all())


def _table_of(model: type[Base]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def _json_value(value: object) -> str:
    """Times as ISO text, which PostgreSQL reads back into the column's timestamp type."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot go into a bulk insert")


def insert_new_statement(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    returning: Sequence[ColumnExpressionArgument[Any]],
) -> Any:
    """One ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` of ``rows`` for the session's
    database (what :func:`insert_new` runs per chunk; the query-plan tests explain it)."""
    return (
        _dialect_insert(session)(model)
        .values([dict(row) for row in rows])
        .on_conflict_do_nothing()
        .returning(*returning)
    )


def _dialect_insert(session: Session) -> Any:
    """The insert construct that can say ON CONFLICT for the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no ON CONFLICT insert for the {name} database")


def update_rows(
    session: Session,
    model: type[Base],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    same: Mapping[str, object] | None = None,
) -> None:
    """Set ``columns`` of each row (its first value is its primary key, then one value per
    column) and ``same`` on all of them. Values go through their columns' types, so enums and
    times are stored as the ORM stores them."""
    table = _table_of(model)
    key = table.primary_key.columns.values()[0]
    given = same or {}
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        _update_chunk(session, table, key.name, columns, chunk, given)


def _update_chunk(
    session: Session,
    table: Table,
    key: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    same: Mapping[str, object],
) -> None:
    names = [key, *columns]
    dialect = session.get_bind().dialect
    typed = dialect.name == "postgresql"
    params = []
    tuples = []
    for index, row in enumerate(rows):
        placed = []
        for name, value in zip(names, row, strict=True):
            param = f"{name}_{index}"
            column_type = table.c[name].type
            params.append(bindparam(param, value, type_=column_type))
            placed.append(
                f"CAST(:{param} AS {column_type.compile(dialect)})" if typed else f":{param}"
            )
        tuples.append(f"({', '.join(placed)})")
    for name, value in same.items():
        params.append(bindparam(f"same_{name}", value, type_=table.c[name].type))
    assignments = [f"{name} = given.{name}" for name in columns]
    assignments += [f"{name} = :same_{name}" for name in same]
    statement = text(
        f"WITH given({', '.join(names)}) AS (VALUES {', '.join(tuples)}) "
        f"UPDATE {table.name} SET {', '.join(assignments)} "
        f"FROM given WHERE {table.name}.{key} = given.{key}"
    ).bindparams(*params)
    session.execute(statement)
