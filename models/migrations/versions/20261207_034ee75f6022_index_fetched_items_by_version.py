"""index fetched items by version

Building a batch's changes asks which run stored its first versions (the baseline rule):
without this index that was a scan of the staged items on PostgreSQL.

Revision ID: 034ee75f6022
Revises: edb36af450f2
Create Date: 2026-12-07 04:19:25.685029

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "034ee75f6022"
down_revision: str | Sequence[str] | None = "edb36af450f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_fetched_items_version", "fetched_items", ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_fetched_items_version", table_name="fetched_items")
