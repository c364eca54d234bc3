"""fetched payloads in their own table; one outbox key serves matching

A staged item's payload moves to ``fetched_payloads`` (one row per item that still holds
one). Ingest used to set ``fetched_items.payload`` to NULL: the rows shrank in place and
SQLite kept their pages, 2.7 of the table's 2.8 MB per 1,000 items being empty space. A
deleted ``fetched_payloads`` row gives its pages back to the free list, which other tables
reuse. ``fetched_items`` loses the column with a native ``ALTER TABLE ... DROP COLUMN``: a
batch rebuild would drop the old table and cascade-delete the payloads just copied.

The outbox's unique key now leads with the event, ``(event_key, subscriber_id, channel)``,
so the same index keeps delivery exactly-once and answers matching's lookup by event;
``ix_alert_deliveries_event`` (the same wide columns again) goes, and a subscriber's rows
get a narrow index of their own. ``alert_deliveries`` is no table's parent and has no FTS
triggers, so its SQLite batch rebuild is safe; its CHECK constraints are carried over.

Revision ID: edb36af450f2
Revises: 8ffcbe7a3568
Create Date: 2026-12-07 04:00:15.524857

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "edb36af450f2"
down_revision: str | Sequence[str] | None = "8ffcbe7a3568"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OLD_KEY = ("subscriber_id", "event_key", "channel")
NEW_KEY = ("event_key", "subscriber_id", "channel")


def upgrade() -> None:
    """Move the payloads held by items into their own table; re-key the outbox."""
    op.create_table(
        "fetched_payloads",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("data", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["fetched_items.id"],
            name=op.f("fk_fetched_payloads_item_id_fetched_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_fetched_payloads")),
    )
    op.execute(
        "INSERT INTO fetched_payloads (item_id, data)"
        " SELECT id, payload FROM fetched_items WHERE payload IS NOT NULL"
    )
    op.drop_column("fetched_items", "payload")
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_event")
        batch_op.drop_constraint(_unique_name(OLD_KEY), type_="unique")
        batch_op.create_unique_constraint(_unique_name(NEW_KEY), list(NEW_KEY))
        batch_op.create_index("ix_alert_deliveries_subscriber", ["subscriber_id"], unique=False)


def downgrade() -> None:
    """Give the payloads back to their items' column; the outbox gets its old two indexes."""
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_deliveries_subscriber")
        batch_op.drop_constraint(_unique_name(NEW_KEY), type_="unique")
        batch_op.create_unique_constraint(_unique_name(OLD_KEY), list(OLD_KEY))
        batch_op.create_index("ix_alert_deliveries_event", list(NEW_KEY), unique=False)
    op.add_column("fetched_items", sa.Column("payload", JSON_TYPE, nullable=True))
    op.execute(
        "UPDATE fetched_items SET payload = (SELECT data FROM fetched_payloads"
        " WHERE fetched_payloads.item_id = fetched_items.id)"
    )
    op.drop_table("fetched_payloads")


def _unique_name(columns: Sequence[str]) -> str:
    return "uq_alert_deliveries_" + "_".join(columns)
