"""The full-text indexes of the change log, named once for the migration and Alembic.

They live outside the ORM metadata (an FTS5 virtual table and trigram GIN indexes have no
portable SQLAlchemy form), so ``migrations/env.py`` leaves them out of autogenerate: without
that, every ``make migration`` would propose dropping them.

SQLite keeps its FTS5 tables in step with triggers on ``change_records`` and
``document_versions``. A later migration that rebuilds either table in batch mode (copy and
rename) drops those triggers: it must create them again (see migration 963917de273d, which made
them; migrations copy their DDL rather than import it, so that they never change). Since
migration 82697b121b7b the ``document_versions`` triggers read ``zw_unpack(new.text)``: texts
are packed on SQLite (``models.packed``); copy the triggers from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CHANGE_SEARCH = "change_search"
"""FTS5 (trigram) over ``change_records.title`` and ``summary``, rowid = the record's id."""
VERSION_SEARCH = "version_search"
"""FTS5 (trigram) over ``document_versions.title`` and ``text``, rowid = the version's id."""
VERSION_SEARCH_SOURCE = "version_search_source"
"""SQLite: the view ``version_search`` reads its rows from (a rebuild): the versions' titles
and texts, unpacked (``models.packed``; migration 82697b121b7b). Its triggers unpack too."""
FTS5_OPTIONS = "tokenize='trigram', detail=none, columnsize=0"
"""Both FTS5 tables: trigrams, and for each only the rows holding it (no columns, positions
or row sizes: a third of the full index). Phrases are checked against the rows with LIKE
(``changes.search``); nothing ranks by size."""
FTS5_SHADOW_SUFFIXES = ("", "_data", "_idx", "_docsize", "_config", "_content")
TRIGRAM_INDEXES = (
    ("ix_change_records_title_trgm", "change_records", "title"),
    ("ix_change_records_summary_trgm", "change_records", "summary"),
    ("ix_document_versions_title_trgm", "document_versions", "title"),
    ("ix_document_versions_text_trgm", "document_versions", "text"),
)
"""PostgreSQL: (index, table, column), each ``USING gin (column gin_trgm_ops)``."""
INDEXED = {
    CHANGE_SEARCH: ("change_records", ("title", "summary")),
    VERSION_SEARCH: ("document_versions", ("title", "text")),
}
"""FTS5 table -> (table, columns) it indexes."""


def search_table_names() -> frozenset[str]:
    """Every table SQLite creates for the FTS5 indexes (the virtual ones and their shadows)."""
    return frozenset(name + suffix for name in INDEXED for suffix in FTS5_SHADOW_SUFFIXES)


def search_index_names() -> frozenset[str]:
    return frozenset(name for name, _, _ in TRIGRAM_INDEXES)


def optimize_search(session: Session) -> list[str]:
    """Merge each SQLite FTS5 index into one b-tree and return the tables merged.

    FTS5 adds a segment per transaction and merges them only now and then, so an index fed
    in many small batches (a backfill, the pipeline) holds partly duplicated segments: the
    version index measured 4.1 MB per 1,000 documents before a merge and 3.6 MB after.
    PostgreSQL's trigram GIN indexes need no such step (they insert directly, without a
    pending list: migration f46950a9fc98), so there the answer is empty."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    connection = session.connection()
    for table in INDEXED:
        connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES('optimize')")
    return list(INDEXED)
