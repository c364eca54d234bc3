"""store less: texts packed on SQLite, and only the evidence readers show

On SQLite, version and attachment texts are stored zlib-compressed (models.packed: read back
as text; about 40% of their UTF-8). The version search index reads them through
``zw_unpack``, a function every connection of the application registers: its triggers unpack
the texts, and its external content becomes a view that unpacks them, so that a rebuild
indexes words, not bytes. The index is rebuilt once, with the same options, and merged into
one segment. PostgreSQL compresses long values itself and keeps its texts and trigram
indexes as they are.

A topic row kept every span that cued it (about 14, the same words again and again) and every
mention every occurrence of its name, while readers show at most the first five distinct words
(``changes show``, the change page, the API) and a proposal copies the first three spans. The
stored lists are cut to that (classify.evidence.shown, copied here: a migration states the
rules of its day). A fact's evidence only repeated its parser rule, which nothing reads: the
column goes; ``raw``, ``start`` and ``end`` still say where the figure is.

The downgrade unpacks the texts and restores the index as it was, and brings the facts'
column back empty; the cut spans do not come back (classifying again with the older code would
make them).

Revision ID: 82697b121b7b
Revises: dc1997e51257
Create Date: 2026-12-07 03:15:22.647010

"""

import zlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from zonewatch.models.migrations.pages import rewrite_in_pages

# revision identifiers, used by Alembic.
revision: str = "82697b121b7b"
down_revision: str | Sequence[str] | None = "dc1997e51257"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHOWN_WORDS = 5
SHOWN_SPANS = 3
EVIDENCE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PACK_LEVEL = 6
FTS = "version_search"
SOURCE = "version_search_source"
FTS_OPTIONS = "tokenize='trigram', detail=none, columnsize=0"
PACKED = (("document_versions", "text"), ("attachments", "text"))


def _triggers(text: str) -> list[str]:
    """The version search triggers, with ``text`` a format of the row's text column."""
    new, old = text.format(row="new"), text.format(row="old")
    delete = (
        f"INSERT INTO {FTS}({FTS}, rowid, title, text) VALUES ('delete', old.id, old.title, {old});"
    )
    insert = f"INSERT INTO {FTS}(rowid, title, text) VALUES (new.id, new.title, {new});"
    return [
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON document_versions BEGIN {insert} END",
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON document_versions BEGIN {delete} END",
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF title, text ON document_versions "
        f"BEGIN {delete} {insert} END",
    ]


def _search(content: str, text: str) -> None:
    """Make the version search index again over ``content`` with triggers reading ``text``."""
    for when in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{when}")
    op.execute(f"DROP TABLE {FTS}")
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, text, content='{content}', "
        f"content_rowid='id', {FTS_OPTIONS})"
    )
    for statement in _triggers(text):
        op.execute(statement)
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")


def _pack(value: Any) -> bytes:
    if isinstance(value, bytes):
        raise ValueError("a text is packed already")
    return zlib.compress(str(value).encode("utf-8"), PACK_LEVEL)


def _unpack(value: Any) -> str:
    if not isinstance(value, bytes):
        raise ValueError("a text is not packed")
    return zlib.decompress(value).decode("utf-8")


def _pack_texts() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for when in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{when}")
    for table, column in PACKED:
        rewrite_in_pages(table, ("id",), column, _pack)
    op.execute(
        f"CREATE VIEW {SOURCE} AS SELECT id, title, zw_unpack(text) AS text FROM document_versions"
    )
    _search(SOURCE, "zw_unpack({row}.text)")


def _unpack_texts() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for when in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{when}")
    for table, column in PACKED:
        rewrite_in_pages(table, ("id",), column, _unpack)
    _search("document_versions", "{row}.text")
    op.execute(f"DROP VIEW {SOURCE}")


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


def _cut(evidence: list[Any]) -> list[Any] | None:
    """The evidence readers show, or None when that is all of it already."""
    shown = _shown(evidence)
    return shown if len(shown) < len(evidence) else None


def upgrade() -> None:
    """Upgrade schema."""
    rewrite_in_pages("mentions", ("id",), "evidence", _cut, EVIDENCE)
    rewrite_in_pages("version_topics", ("version_id", "topic_id"), "evidence", _cut, EVIDENCE)
    op.drop_column("facts", "evidence")
    _pack_texts()


def downgrade() -> None:
    """Downgrade schema."""
    _unpack_texts()
    op.add_column("facts", sa.Column("evidence", EVIDENCE, nullable=False, server_default="{}"))
