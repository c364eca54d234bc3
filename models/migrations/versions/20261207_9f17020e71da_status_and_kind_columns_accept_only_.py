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
(https://sqlite.org/lang_altertable.html#otheralter), after checking that every row passes
(the mechanism, shared with later migrations: ``zonewatch.models.migrations.checks``).

Revision ID: 9f17020e71da
Revises: ab1fad4751b9
Create Date: 2026-12-07 00:15:02.275401

"""

from collections.abc import Sequence

from zonewatch.models.migrations.checks import (
    Constraints,
    add_check_constraints,
    drop_check_constraints,
)

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

CONSTRAINTS: Constraints = {
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


def upgrade() -> None:
    """Add the constraints, table by table."""
    add_check_constraints(CONSTRAINTS)


def downgrade() -> None:
    """Drop them again."""
    drop_check_constraints(CONSTRAINTS)
