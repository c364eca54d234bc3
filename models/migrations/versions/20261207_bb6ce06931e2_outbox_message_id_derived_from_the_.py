"""outbox Message-ID derived from the unique key, not stored

``alert_deliveries.message_id`` was always
``<event.{key}.subscriber-{id}.{channel hash}@zonewatch>`` for the row's own
``(event_key, subscriber_id, channel)``: the model now derives it
(``AlertDelivery.message_id``) and the column goes. It was a third of every row's bytes, and
the outbox has a row per subscriber and event.

A Message-ID only matters when one delivery is sent again (the receiver drops the repeat).
Rows matched before deliveries named events carried ``<change-N....>`` ids; such a row that
was sent will not be sent again, and one still waiting has sent nothing under its old id, so
its derived id is as good as the stored one.

The column is dropped with a native ``ALTER TABLE ... DROP COLUMN`` on both databases (no
index or constraint names it). The downgrade writes the derived value back, one UPDATE per
channel (SQLite has no SHA-256 in SQL, so the channel's hash is computed here).

Revision ID: bb6ce06931e2
Revises: b0da21fd5fe9
Create Date: 2026-12-07 06:49:57.595945

"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "bb6ce06931e2"
down_revision: str | Sequence[str] | None = "b0da21fd5fe9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The Message-ID is a function of the unique key: drop its column."""
    op.drop_column("alert_deliveries", "message_id")


def downgrade() -> None:
    """Store every row's derived Message-ID again."""
    op.add_column("alert_deliveries", sa.Column("message_id", sa.String(300), nullable=True))
    connection = op.get_bind()
    channels = connection.execute(sa.text("SELECT DISTINCT channel FROM alert_deliveries"))
    for (channel,) in channels.all():
        digest = hashlib.sha256(channel.encode()).hexdigest()[:8]
        connection.execute(
            sa.text(
                "UPDATE alert_deliveries SET message_id = '<event.' || replace(event_key, ':', '.')"
                " || '.subscriber-' || CAST(subscriber_id AS VARCHAR(20)) || '.' || :digest"
                " || '@zonewatch>' WHERE channel = :channel"
            ),
            {"digest": digest, "channel": channel},
        )
    with op.batch_alter_table("alert_deliveries", schema=None) as batch_op:
        batch_op.alter_column("message_id", existing_type=sa.String(300), nullable=False)
