"""store only the evidence readers show

A topic row kept every span that cued it (about 14, the same words again and again) and every
mention every occurrence of its name, while readers show at most the first five distinct words
(``changes show``, the change page, the API) and a proposal copies the first three spans. The
stored lists are cut to that (classify.evidence.shown, copied here: a migration states the
rules of its day). A fact's evidence only repeated its parser rule, which nothing reads: the
column goes; ``raw``, ``start`` and ``end`` still say where the figure is.

The downgrade brings the column back empty; the cut spans do not come back (classifying again
with the older code would make them).

Revision ID: 82697b121b7b
Revises: dc1997e51257
Create Date: 2026-12-07 03:15:22.647010

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "82697b121b7b"
down_revision: str | Sequence[str] | None = "dc1997e51257"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHOWN_WORDS = 5
SHOWN_SPANS = 3
EVIDENCE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BATCH = 2000


def _shown(evidence: list[Any]) -> list[Any]:
    kept: list[Any] = []
    words: set[str] = set()
    for position, item in enumerate(evidence):
        word = item.get("text") if isinstance(item, dict) else None
        first = bool(word) and word not in words and len(words) < SHOWN_WORDS
        if position < SHOWN_SPANS or first or word is None:
            kept.append(item)
        if word and len(words) < SHOWN_WORDS:
            words.add(word)
    return kept


def _cut(table: str, key: tuple[str, ...]) -> None:
    """Cut the table's evidence lists a page at a time (keyset on the primary key), so that a
    large database is never read into memory at once."""
    rows = sa.table(table, *(sa.column(name) for name in key), sa.column("evidence", EVIDENCE))
    columns = [rows.c[name] for name in key]
    update = (
        rows.update()
        .where(*(rows.c[name] == sa.bindparam(f"k_{name}") for name in key))
        .values(evidence=sa.bindparam("cut"))
    )
    bind = op.get_bind()
    after: tuple[Any, ...] | None = None
    while True:
        page = sa.select(*columns, rows.c.evidence).order_by(*columns).limit(BATCH)
        if after is not None:
            page = page.where(sa.tuple_(*columns) > sa.tuple_(*after))
        found = bind.execute(page).all()
        if not found:
            return
        changed = [
            {**{f"k_{name}": row._mapping[name] for name in key}, "cut": _shown(row.evidence)}
            for row in found
            if len(_shown(row.evidence)) < len(row.evidence)
        ]
        if changed:
            bind.execute(update, changed)
        after = tuple(found[-1][: len(key)])


def upgrade() -> None:
    """Upgrade schema."""
    _cut("mentions", ("id",))
    _cut("version_topics", ("version_id", "topic_id"))
    op.drop_column("facts", "evidence")


def downgrade() -> None:
    """Downgrade schema."""
    op.add_column("facts", sa.Column("evidence", EVIDENCE, nullable=False, server_default="{}"))
