"""trigram indexes insert directly, without a pending list

With ``fastupdate`` on, a GIN index collects new entries in a pending list and merges it into
the tree when the list is full. The pages the list leaves behind are reused only after a
vacuum, so a pipeline that writes in batches kept two to four times the index it needed (the
four pg_trgm indexes: 1.8 MB per 1,000 documents in ``make bench``'s end_to_end, 0.8 after a
rebuild). Written directly, they stay at their rebuilt size (0.8 MB) and the pipeline's speed
measured the same. Migration 68b63c78a53f's smaller pending list is undone here: there is no
list. SQLite has no such indexes. The index names are copied here, not imported, so that this
migration never changes.

Revision ID: f46950a9fc98
Revises: 68b63c78a53f
Create Date: 2026-12-07 09:33:12.602941

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f46950a9fc98"
down_revision: str | Sequence[str] | None = "68b63c78a53f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = (
    "ix_change_records_title_trgm",
    "ix_change_records_summary_trgm",
    "ix_document_versions_title_trgm",
    "ix_document_versions_text_trgm",
)
PENDING_LIST_KB = 256
"""Migration 68b63c78a53f's limit, restored by the downgrade."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
        op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
