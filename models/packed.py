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

Texts are packed against a preset dictionary (``pack_dictionary.txt``: the Korean names and
aliases of ``config/zones.yaml``, the topics' cue words and common words of Korean press
releases, joined): a release of 3 KB packed is too short for zlib to learn much of the
language on its own, and the dictionary saves about a tenth (0.3 MB per 1,000 releases). The
zlib header names the dictionary by its Adler-32, so texts packed before it (without one) read
as they are. The file is part of the stored format: never edit it; a better dictionary would be
a second file, chosen by that checksum.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.operators import OperatorType

UNPACK_SQL = "zw_unpack"
"""The SQLite function that turns a packed value back into text."""
LEVEL = 6
"""zlib's default: level 9 saved 1% more for twice the time."""


DICTIONARY_FILE = Path(__file__).with_name("pack_dictionary.txt")
PRESET_DICTIONARY = 0x20
"""The FDICT bit of a zlib stream's flag byte: a dictionary's Adler-32 follows (RFC 1950)."""


@cache
def dictionary() -> bytes:
    return DICTIONARY_FILE.read_bytes()


def pack(text: str) -> bytes:
    packer = zlib.compressobj(LEVEL, zdict=dictionary())
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack(stored: bytes) -> str:
    if len(stored) < 2 or not stored[1] & PRESET_DICTIONARY:
        return zlib.decompress(stored).decode("utf-8")
    wanted = int.from_bytes(stored[2:6], "big")
    if wanted != zlib.adler32(dictionary()):
        raise ValueError(f"packed against an unknown dictionary (Adler-32 {wanted})")
    unpacker = zlib.decompressobj(zdict=dictionary())
    text = unpacker.decompress(stored) + unpacker.flush()
    if not unpacker.eof:
        raise zlib.error("packed text ends early")
    return text.decode("utf-8")


def unpack_sql(stored: bytes | None) -> str | None:
    """``zw_unpack`` for SQLite; a NULL stays NULL, and text that is not packed is an error
    (a row written around the ORM), not something to pass on as if it were."""
    if stored is None:
        return None
    if not isinstance(stored, bytes):
        raise TypeError(f"{UNPACK_SQL}: expected packed bytes, got {type(stored).__name__}")
    return unpack(stored)


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
