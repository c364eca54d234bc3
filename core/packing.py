"""Packing of long texts: zlib against a fixed preset dictionary, and back.

Without SQLAlchemy, so that readers that do not load the ORM (the change log's compiled read
path, :mod:`zonewatch.changes.fast_read`) unpack exactly as the product's column type
(:class:`zonewatch.models.packed.PackedText`) does. Texts are packed against a preset dictionary
(``pack_dictionary.txt``: text taken from the configuration when it was made, mostly the Korean
names and aliases of ``config/zones.yaml``, the topics' cue words and common words of Korean
press releases, but also some notes, selectors and patterns that came with them): a release of 3
KB packed is too short for zlib to learn much of the language on its own, and the dictionary
saves about a tenth (0.3 MB per 1,000 releases). The zlib header names the dictionary by its
Adler-32, so texts packed before it (without one) read as they are. The file is part of the
stored format: never edit it; a better dictionary would be a second file, chosen by that
checksum.
"""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path

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


@cache
def dictionary_id() -> int:
    """The dictionary's Adler-32, as a packed text's header names it (computed once: every
    read of a packed text checks it)."""
    return zlib.adler32(dictionary())


def pack(text: str) -> bytes:
    packer = zlib.compressobj(LEVEL, zdict=dictionary())
    return packer.compress(text.encode("utf-8")) + packer.flush()


def unpack(stored: bytes) -> str:
    if len(stored) < 2 or not stored[1] & PRESET_DICTIONARY:
        return zlib.decompress(stored).decode("utf-8")
    wanted = int.from_bytes(stored[2:6], "big")
    if wanted != dictionary_id():
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
