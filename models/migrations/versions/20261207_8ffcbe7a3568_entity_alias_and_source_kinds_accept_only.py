"""entity, alias and source kinds accept only their enum values

``entities.kind``, ``entity_aliases.alias_kind`` and ``sources.kind`` get named CHECK
constraints listing the values of ``EntityKind``, ``AliasKind`` and ``SourceKind`` (copied
here: a migration states the schema of its day). As in 9f17020e71da, PostgreSQL adds each
constraint in place and SQLite gets it written into the table's stored CREATE statement,
after checking every row passes: a batch rebuild of ``sources`` or ``entities`` would run
their children's ON DELETE actions.

Revision ID: 8ffcbe7a3568
Revises: 82697b121b7b
Create Date: 2026-12-07 03:25:00.000000

"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "8ffcbe7a3568"
down_revision: str | Sequence[str] | None = "82697b121b7b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_KINDS = (
    "authority",
    "zone_system",
    "fez",
    "fez_district",
    "industrial_complex",
    "zone_type",
    "special_zone",
    "programme",
    "body",
    "cluster",
    "district",
)

# table -> (constraint name, column, allowed values); the name becomes ck_<table>_<name>
CONSTRAINTS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "sources": (("kind", "kind", ("board", "feed", "api")),),
    "entities": (("kind", "kind", ENTITY_KINDS),),
    "entity_aliases": (
        ("alias_kind", "alias_kind", ("name", "abbreviation", "alias", "weak", "former")),
    ),
}


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


def _rewrite_sqlite_tables(edit: Callable[[str, str], str]) -> None:
    """Replace each table's stored CREATE statement by ``edit(table, sql)``."""
    bind = op.get_bind()
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar_one()
    bind.execute(sa.text("PRAGMA writable_schema=ON"))
    for table in CONSTRAINTS:
        sql = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
            {"table": table},
        ).scalar_one()
        bind.execute(
            sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :table"),
            {"sql": edit(table, sql), "table": table},
        )
    bind.execute(sa.text(f"PRAGMA schema_version={version + 1}"))
    bind.execute(sa.text("PRAGMA writable_schema=OFF"))


def _with_constraints(table: str, sql: str) -> str:
    head, _, tail = sql.rpartition(")")
    added = "".join(
        f",\n\t{_clause(table, name, column, values)}"
        for name, column, values in CONSTRAINTS[table]
    )
    return f"{head.rstrip()}{added}\n){tail}"


def _without_constraints(table: str, sql: str) -> str:
    for name, column, values in CONSTRAINTS[table]:
        sql = sql.replace(f",\n\t{_clause(table, name, column, values)}", "")
    return sql


def upgrade() -> None:
    """Add the constraints, table by table."""
    for table, constraints in CONSTRAINTS.items():
        for _name, column, values in constraints:
            _refuse_invalid_rows(table, column, values)
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_tables(_with_constraints)
        return
    for table, constraints in CONSTRAINTS.items():
        for name, column, values in constraints:
            op.create_check_constraint(
                op.f(f"ck_{table}_{name}"), table, _condition(column, values)
            )


def downgrade() -> None:
    """Drop them again."""
    if op.get_bind().dialect.name == "sqlite":
        _rewrite_sqlite_tables(_without_constraints)
        return
    for table, constraints in CONSTRAINTS.items():
        for name, _column, _values in constraints:
            op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
