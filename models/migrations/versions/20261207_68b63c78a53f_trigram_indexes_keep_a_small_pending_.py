"""trigram indexes keep a small pending list

PostgreSQL's GIN indexes collect new entries in a pending list and merge it into the index
only when it passes ``gin_pending_list_limit`` (4 MB by default) or at a vacuum. The four
pg_trgm indexes each held up to that much unmerged (trigrams of a version's whole text, one
entry each), about half of ``document_versions``' indexes per 1,000 documents. A 256 kB
limit per index merges them often enough to stay small and still batches a batch's rows.
SQLite has no such indexes: nothing to do there. The index names are copied here, not
imported, so that this migration never changes.

Revision ID: 68b63c78a53f
Revises: bb6ce06931e2
Create Date: 2026-12-07 07:19:58.411639

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "68b63c78a53f"
down_revision: str | Sequence[str] | None = "bb6ce06931e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = (
    "ix_change_records_title_trgm",
    "ix_change_records_summary_trgm",
    "ix_document_versions_title_trgm",
    "ix_document_versions_text_trgm",
)
PENDING_LIST_KB = 256


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
