"""Texts packed against the preset dictionary, and texts packed before it, read back."""

from __future__ import annotations

import zlib

import pytest

from zonewatch.packing import PRESET_DICTIONARY, dictionary, pack, unpack

TEXT = "과학기술정보통신부는 규제자유특구 지원을 강화할 계획이라고 밝혔다. " * 3


def test_a_text_is_packed_against_the_dictionary_and_reads_back() -> None:
    packed = pack(TEXT)
    assert packed[1] & PRESET_DICTIONARY
    assert unpack(packed) == TEXT
    assert len(packed) < len(zlib.compress(TEXT.encode(), 6))


def test_texts_packed_before_the_dictionary_read_as_they_are() -> None:
    assert unpack(zlib.compress(TEXT.encode(), 6)) == TEXT


def test_the_dictionary_is_the_one_stored_texts_name() -> None:
    """Every packed text names the dictionary by checksum: editing the file would make
    them unreadable. A better dictionary must be a second file."""
    assert zlib.adler32(dictionary()) == 1407151669


def test_a_text_packed_against_another_dictionary_is_an_error() -> None:
    packer = zlib.compressobj(6, zdict=b"another dictionary")
    packed = packer.compress(TEXT.encode()) + packer.flush()
    with pytest.raises(ValueError, match="unknown dictionary"):
        unpack(packed)


def test_a_cut_text_is_an_error_not_a_shorter_text() -> None:
    with pytest.raises(zlib.error):
        unpack(pack(TEXT)[:-8])
