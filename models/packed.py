"""Long texts kept zlib-compressed on SQLite and read back as ``str``.

Version texts were the largest column of a SQLite database (6.9 MB per 1,000 releases;
Korean is three bytes a character in UTF-8 and compresses to about 40%), and they are read
whole: to classify, to diff, to show a version. PostgreSQL compresses long values itself
(TOAST), so there the column stays plain text and its trigram index keeps working.

SQL that looks inside a packed column reads it through ``zw_unpack``, a function every SQLite
connection of ``make_engine`` has: the column's comparisons (the search's LIKE) go through
``unpacked``, and the FTS5 triggers and the search index's content view call it directly
(migration 82697b121b7b). A connection without it (the sqlite3 shell) sees the compressed
bytes and cannot write versions.

How texts are packed (against a fixed dictionary) is :mod:`zonewatch.packing`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.operators import OperatorType

from zonewatch.packing import UNPACK_SQL, pack, unpack


class unpacked(FunctionElement[str]):  # noqa: N801 - reads as a SQL function
    """A packed column as text: ``zw_unpack(column)`` on SQLite, the column elsewhere."""

    type = Text()
    name = "unpacked"
    inherit_cache = True


@compiles(unpacked)
def _plain(element: unpacked, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(unpacked, "sqlite")
def _sqlite(element: unpacked, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{UNPACK_SQL}({compiler.process(element.clauses, **kw)})"


class PackedText(TypeDecorator[str]):
    """Text stored compressed on SQLite (plain elsewhere). Comparisons (LIKE, =) compare the
    text, not the stored bytes."""

    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[str]):  # noqa: N801 - SQLAlchemy's name
        def operate(self, op: OperatorType, *other: Any, **kwargs: Any) -> Any:
            return op(unpacked(self.expr), *other, **kwargs)

        def reverse_operate(self, op: OperatorType, other: Any, **kwargs: Any) -> Any:
            return op(other, unpacked(self.expr), **kwargs)

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return pack(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "sqlite":
            return value  # type: ignore[no-any-return]
        return unpack(value)
