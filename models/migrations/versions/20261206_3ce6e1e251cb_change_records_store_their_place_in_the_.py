"""change records store their place in the log so an index orders it

The change log is ordered by release date (the record's, else its document's), else the
detection time: computed, that key made every unfiltered page sort all records. Stored in
``placed_at`` with an index (placed, detected, id: the whole order), a page reads its rows
from the index. Existing records are placed by the same rule.

On SQLite the NOT NULL constraint rebuilds ``change_records``, which drops the triggers that
keep its FTS5 search table in step (migration 963917de273d): they are created again, the same.

Revision ID: 3ce6e1e251cb
Revises: 963917de273d
Create Date: 2026-12-06 21:45:21.702378

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3ce6e1e251cb"
down_revision: str | Sequence[str] | None = "963917de273d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DELETE = (
    "INSERT INTO change_search(change_search, rowid, title, summary)"
    " VALUES ('delete', old.id, old.title, old.summary);"
)
_INSERT = (
    "INSERT INTO change_search(rowid, title, summary) VALUES (new.id, new.title, new.summary);"
)
SEARCH_TRIGGERS = (
    f"CREATE TRIGGER change_search_ai AFTER INSERT ON change_records BEGIN {_INSERT} END",
    f"CREATE TRIGGER change_search_ad AFTER DELETE ON change_records BEGIN {_DELETE} END",
    "CREATE TRIGGER change_search_au AFTER UPDATE OF title, summary ON change_records "
    f"BEGIN {_DELETE} {_INSERT} END",
)


def _restore_search_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SEARCH_TRIGGERS:
            op.execute(statement)


def upgrade() -> None:
    """Add, backfill, then constrain and index the sort key."""
    op.add_column("change_records", sa.Column("placed_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE change_records SET placed_at = COALESCE(released_at,"
        " (SELECT documents.published_at FROM documents"
        " WHERE documents.id = change_records.document_id), occurred_at)"
    )
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.alter_column("placed_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(
            "ix_change_records_placed", ["placed_at", "occurred_at", "id"], unique=False
        )
    _restore_search_triggers()


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("change_records", schema=None) as batch_op:
        batch_op.drop_index("ix_change_records_placed")
        batch_op.drop_column("placed_at")
    _restore_search_triggers()
