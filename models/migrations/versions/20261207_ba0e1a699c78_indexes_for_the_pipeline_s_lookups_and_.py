"""indexes for the pipeline's lookups and entity pages in log order

The pipeline looked records, documents and deliveries up by columns no index held: a
version's change records (``new_version_id``), the document whose current version a fact
sits in (``current_version_id``), an event's outbox rows (``event_key``), a run's staged
items by status; and detection and first-seen times that lists and pruning filter on.

An entity's page (``timeline``, ``changes list --entity``) sorted every record of the entity
before its limit: the links now carry the record's place in the log (``placed_at``, filled
from the records), indexed after the entity, so a page reads the entity's links in order.

Plain ``create_index`` (no batch): on SQLite a batch rebuild of ``change_records`` or
``document_versions`` would drop their FTS5 triggers; ``change_entities``, which has none,
is the only table rebuilt (for its NOT NULL column).

Revision ID: ba0e1a699c78
Revises: 0c7548e1168d
Create Date: 2026-12-07 00:10:23.719488

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ba0e1a699c78"
down_revision: str | Sequence[str] | None = "0c7548e1168d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_alert_deliveries_event", "alert_deliveries", ["event_key", "subscriber_id", "channel"]),
    ("ix_change_records_new_version", "change_records", ["new_version_id"]),
    ("ix_change_records_occurred", "change_records", ["occurred_at"]),
    ("ix_documents_current_version", "documents", ["current_version_id"]),
    ("ix_documents_first_seen", "documents", ["first_seen_at"]),
    ("ix_fetched_items_run_status", "fetched_items", ["run_id", "status"]),
)


def upgrade() -> None:
    """Add the indexes; give the entity links their records' place, then index it."""
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.add_column("change_entities", sa.Column("placed_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE change_entities SET placed_at = (SELECT change_records.placed_at"
        " FROM change_records WHERE change_records.id = change_entities.change_id)"
    )
    with op.batch_alter_table("change_entities", schema=None) as batch_op:
        batch_op.alter_column("placed_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_index("ix_change_entities_entity")
        batch_op.create_index(
            "ix_change_entities_placed", ["entity_id", "placed_at", "change_id"], unique=False
        )


def downgrade() -> None:
    """Drop them again; the links go back to their (entity, change) index."""
    with op.batch_alter_table("change_entities", schema=None) as batch_op:
        batch_op.drop_index("ix_change_entities_placed")
        batch_op.create_index("ix_change_entities_entity", ["entity_id", "change_id"], unique=False)
        batch_op.drop_column("placed_at")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
