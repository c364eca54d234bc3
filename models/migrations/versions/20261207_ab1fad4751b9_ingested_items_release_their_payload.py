"""ingested items release their payload; snapshots record when retention removed their body

A fetched item's payload is the whole item as crawled (text, files' text, JSON-escaped): once
ingested, its document version holds what it said, and the payloads were a third of the
database. Existing ingested rows release theirs here, as ingest now does; pending and
superseded rows keep theirs. ``snapshots.pruned_at`` marks a row whose body ``zonewatch prune``
removed (the row and its sha256 stay). Raw page bodies were already gzip-compressed files,
one per distinct content, so nothing there needs converting.

The downgrade cannot bring payloads back: released rows get the smallest payload the older
code reads (source, external id, outcome), so that a redelivered ingest still finds its
document. A VACUUM (SQLite) or VACUUM FULL (PostgreSQL) gives the freed space back to the disk.

Revision ID: ab1fad4751b9
Revises: ba0e1a699c78
Create Date: 2026-12-07 00:12:16.377480

"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "ab1fad4751b9"
down_revision: str | Sequence[str] | None = "ba0e1a699c78"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ITEMS = sa.table(
    "fetched_items",
    sa.column("id", sa.Integer),
    sa.column("source_id", sa.String),
    sa.column("external_id", sa.String),
    sa.column("outcome", sa.String),
    sa.column("payload", sa.Text),
)


def upgrade() -> None:
    """Allow NULL payloads, release the ingested ones, add the pruned mark."""
    with op.batch_alter_table("fetched_items", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=True)
    op.execute("UPDATE fetched_items SET payload = NULL WHERE status = 'ingested'")
    op.add_column("snapshots", sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop the pruned mark; give released rows a minimal payload, then require one again."""
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_column("pruned_at")
    bind = op.get_bind()
    released = bind.execute(
        sa.select(_ITEMS.c.id, _ITEMS.c.source_id, _ITEMS.c.external_id, _ITEMS.c.outcome).where(
            _ITEMS.c.payload.is_(None)
        )
    ).all()
    on_postgresql = bind.dialect.name == "postgresql"
    for row_id, source_id, external_id, outcome in released:
        minimal = {
            "source_id": source_id,
            "external_id": external_id,
            "url": "",
            "outcome": outcome,
        }
        value = sa.literal(json.dumps(minimal))
        payload = sa.cast(value, postgresql.JSONB) if on_postgresql else value
        bind.execute(_ITEMS.update().where(_ITEMS.c.id == row_id).values(payload=payload))
    with op.batch_alter_table("fetched_items", schema=None) as batch_op:
        batch_op.alter_column("payload", existing_type=sa.JSON(), nullable=False)
