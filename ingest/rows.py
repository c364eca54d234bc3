"""Per-row values written to many rows in one statement.

A batch's rows each take their own values (an item's outcome and version, a document's current
version). The ORM writes one UPDATE per row; this writes one for the batch:
``WITH given(key, ...) AS (VALUES ...) UPDATE table SET ... FROM given WHERE key = given.key``,
which both PostgreSQL and SQLite (3.33+) run. A VALUES list in FROM with named columns is
PostgreSQL only, hence the common table expression. PostgreSQL types a VALUES column from its
values, so they are cast to the column's type (a column of NULLs would be text); SQLite stores
what it is given, and a cast there would change it (``CAST(... AS DATETIME)`` is a number).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import FromClause, Table, bindparam, text
from sqlalchemy.orm import Session

CHUNK = 1000
"""Rows per statement: a few thousand parameters, well under either database's limit."""


def update_rows(
    session: Session,
    table: FromClause,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    same: Mapping[str, object] | None = None,
) -> None:
    """Set ``columns`` of each row (its first value is its primary key, then one value per
    column) and ``same`` on all of them. Values go through their columns' types, so enums and
    times are stored as the ORM stores them."""
    if not isinstance(table, Table):
        raise TypeError(f"update_rows writes a table, not {table!r}")
    key = table.primary_key.columns.values()[0]
    given = same or {}
    for start in range(0, len(rows), CHUNK):
        _update_chunk(session, table, key.name, columns, rows[start : start + CHUNK], given)


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
