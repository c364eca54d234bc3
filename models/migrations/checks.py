"""Named CHECK constraints added to existing tables, on PostgreSQL and SQLite alike.

The migrations that give enum-valued columns their constraints list the allowed values
themselves (a migration states the schema of its day); this is only the mechanism they share.
PostgreSQL adds each constraint in place. SQLite cannot add a constraint to a table, and a
batch-mode rebuild is wrong there: dropping the old copy of a parent table runs its children's
ON DELETE actions and drops FTS5 triggers. A CHECK constraint does not change how rows are
stored, so on SQLite it is written into the table's stored CREATE statement, the documented way
for such changes (https://sqlite.org/lang_altertable.html#otheralter), after checking that
every row passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sqlalchemy as sa
from alembic import op

Constraints = Mapping[str, tuple[tuple[str, str, tuple[str, ...]], ...]]
"""table -> (constraint name, column, allowed values); the name becomes ck_<table>_<name>."""


def add_check_constraints(constraints: Constraints) -> None:
    """Add the constraints, refusing (before changing anything) a table holding other values."""
    for table, checks in constraints.items():
        for _name, column, values in checks:
            _refuse_invalid_rows(table, column, values)
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_tables(constraints, _with_constraints)
        return
    for table, checks in constraints.items():
        for name, column, values in checks:
            op.create_check_constraint(
                op.f(f"ck_{table}_{name}"), table, _condition(column, values)
            )


def drop_check_constraints(constraints: Constraints) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_tables(constraints, _without_constraints)
        return
    for table, checks in constraints.items():
        for name, _column, _values in checks:
            op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")


def _condition(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f'"{column}" IN ({listed})'


def _clause(table: str, name: str, column: str, values: tuple[str, ...]) -> str:
    return f"CONSTRAINT ck_{table}_{name} CHECK ({_condition(column, values)})"


def _refuse_invalid_rows(table: str, column: str, values: tuple[str, ...]) -> None:
    bad = op.get_bind().execute(
        sa.text(
            f'SELECT DISTINCT "{column}" FROM "{table}" '
            f'WHERE "{column}" IS NOT NULL AND NOT ({_condition(column, values)})'
        )
    )
    found = [row[0] for row in bad]
    if found:
        raise RuntimeError(f"{table}.{column} holds values outside {values}: {found[:5]}")


def _rewrite_sqlite_tables(
    constraints: Constraints, edit: Callable[[Constraints, str, str], str]
) -> None:
    """Replace each table's stored CREATE statement by ``edit(constraints, table, sql)``."""
    bind = op.get_bind()
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema=ON"))
    for table in constraints:
        sql = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
            {"table": table},
        ).scalar_one()
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"),
            {"sql": edit(constraints, table, sql), "table": table},
        )
    bind.execute(sa.text(f"PRAGMA schema_version={version + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema=OFF"))


def _with_constraints(constraints: Constraints, table: str, sql: str) -> str:
    head, _, tail = sql.rpartition(")")
    added = "".join(
        f",\n\t{_clause(table, name, column, values)}"
        for name, column, values in constraints[table]
    )
    return f"{head.rstrip()}{added}\n){tail}"


def _without_constraints(constraints: Constraints, table: str, sql: str) -> str:
    for name, column, values in constraints[table]:
        sql = sql.replace(f",\n\t{_clause(table, name, column, values)}", "")
    return sql
