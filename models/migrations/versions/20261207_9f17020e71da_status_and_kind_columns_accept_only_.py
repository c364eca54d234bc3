"""status and kind columns accept only their enum values

Every status and kind column gets a named CHECK constraint listing the values of its enum in
``zonewatch.models.enums`` (the values the code has always written, so stored rows pass).
The lists are copied here, not imported: a migration states the schema of its day.

PostgreSQL adds each constraint in place. SQLite cannot add a constraint to a table, and a
batch-mode rebuild is wrong here: dropping the old copy of a parent table (sources,
documents, change_records...) runs its children's ON DELETE actions, which fails ("table is
locked") or deletes the children, and it drops the FTS5 triggers of ``change_records``. A
CHECK constraint does not change how rows are stored, so on SQLite the constraint is written
into the table's stored CREATE statement, the documented way for such changes
(https://sqlite.org/lang_altertable.html#otheralter), after checking that every row passes.

Revision ID: 9f17020e71da
Revises: ab1fad4751b9
Create Date: 2026-12-07 00:15:02.275401

"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "9f17020e71da"
down_revision: str | Sequence[str] | None = "ab1fad4751b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE_KINDS = (
    "new_document",
    "changed_document",
    "removed_document",
    "attachment_added",
    "attachment_replaced",
    "attachment_removed",
    "correction",
    "fact_change",
    "model_change",
)
DELIVERY_MODES = ("immediate", "daily", "weekly")
SOURCE_HEALTH = ("unknown", "healthy", "slow", "degraded", "failing", "broken", "skipped")

# table -> (constraint name, column, allowed values); the name becomes ck_<table>_<name>
CONSTRAINTS: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "sources": (
        ("health", "health", SOURCE_HEALTH),
        ("notified_health", "notified_health", SOURCE_HEALTH),
    ),
    "crawl_runs": (
        ("trigger", "trigger", ("schedule", "manual", "demo", "backfill")),
        ("status", "status", ("queued", "running", "ok", "partial", "failed", "skipped")),
    ),
    "fetched_items": (
        ("outcome", "outcome", ("fetched", "not_modified", "listed", "gone")),
        ("status", "status", ("pending", "ingested", "superseded", "failed")),
        (
            "result",
            "result",
            (
                "new",
                "changed",
                "technical",
                "unchanged",
                "seen",
                "not_modified",
                "gone",
                "superseded",
            ),
        ),
    ),
    "documents": (("status", "status", ("active", "withdrawn")),),
    "entity_changes": (
        ("status", "status", ("proposed", "accepted", "rejected", "applied")),
        ("origin", "origin", ("config", "document")),
    ),
    "change_records": (
        ("kind", "kind", CHANGE_KINDS),
        ("review_status", "review_status", ("new", "reviewed", "noise", "important")),
    ),
    "subscribers": (("status", "status", ("active", "paused", "suspended", "unsubscribed")),),
    "subscriptions": (
        ("change_kind", "change_kind", CHANGE_KINDS),
        ("delivery", "delivery", DELIVERY_MODES),
    ),
    "digests": (
        ("period", "period", ("daily", "weekly")),
        ("status", "status", ("pending", "sent", "failed", "cancelled")),
    ),
    "alert_deliveries": (
        ("delivery", "delivery", DELIVERY_MODES),
        (
            "status",
            "status",
            ("pending", "queued", "sending", "sent", "failed", "cancelled"),
        ),
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
