"""search indexes keep only which rows hold a trigram

SQLite's two FTS5 tables kept, for every trigram, each row's columns and positions
(``detail=full``) and each row's column sizes: 17 MB per 1,000 releases, twice the texts
they index. The search asks for a term's trigrams and checks the candidates with LIKE
(``changes.search``), which needs only the rows that hold each trigram: the tables are made
again with ``detail=none, columnsize=0`` and rebuilt from the rows. Their triggers write the
same statements to the same table names and are left as they are.

PostgreSQL's pg_trgm indexes are unchanged. The DDL is copied here, not imported: a
migration states the schema of its day.

Revision ID: dc1997e51257
Revises: 9f17020e71da
Create Date: 2026-12-07 01:07:22.015772

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "dc1997e51257"
down_revision: str | Sequence[str] | None = "9f17020e71da"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS = {
    "change_search": ("change_records", ("title", "summary")),
    "version_search": ("document_versions", ("title", "text")),
}
ROWS_ONLY = "tokenize='trigram', detail=none, columnsize=0"
FULL = "tokenize='trigram'"


def _recreate(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for fts, (table, columns) in FTS.items():
        op.execute(f"DROP TABLE {fts}")
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, "
            f"content='{table}', content_rowid='id', {options})"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade() -> None:
    """Upgrade schema."""
    _recreate(ROWS_ONLY)


def downgrade() -> None:
    """Downgrade schema."""
    _recreate(FULL)
