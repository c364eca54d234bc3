"""The HWP 5 record layer, on bytes built here (see builders.py for whole files)."""

from __future__ import annotations

import struct

import pytest

from tests.crawlers.extract.builders import (
    HWPTAG_PARA_HEADER,
    HWPTAG_PARA_TEXT,
    hwp_record,
    hwp_section,
    para_text_payload,
)
from zonewatch.crawlers.extract.hwp import Record, iter_records, para_text, section_text


def test_record_header_fields() -> None:
    header = 67 | (2 << 10) | (4 << 20)
    stream = struct.pack("<I", header) + b"abcd"
    assert list(iter_records(stream)) == [Record(67, 2, b"abcd")]


def test_extended_size_record() -> None:
    payload = b"x" * 5000
    stream = hwp_record(HWPTAG_PARA_TEXT, payload, level=1) + hwp_record(HWPTAG_PARA_HEADER, b"")
    assert struct.unpack_from("<I", stream)[0] >> 20 == 0xFFF
    records = list(iter_records(stream))
    assert [(r.tag, r.level, len(r.payload)) for r in records] == [
        (HWPTAG_PARA_TEXT, 1, 5000),
        (HWPTAG_PARA_HEADER, 0, 0),
    ]


@pytest.mark.parametrize("cut", [1, 3, 5, 10])
def test_truncated_last_record_is_dropped(cut: int) -> None:
    first = hwp_record(HWPTAG_PARA_TEXT, "첫째".encode("utf-16-le"))
    second = hwp_record(HWPTAG_PARA_TEXT, "둘째 문단".encode("utf-16-le"))
    records = list(iter_records(first + second[:cut]))
    assert [para_text(r.payload) for r in records] == ["첫째"]


def test_truncated_extended_size() -> None:
    stream = struct.pack("<I", HWPTAG_PARA_TEXT | (0xFFF << 20)) + b"\x01\x00"
    assert list(iter_records(stream)) == []


def test_para_text_drops_controls_and_keeps_breaks() -> None:
    payload = para_text_payload(
        (2, "secd"),  # section definition (extended control, 8 units)
        "경제자유구역",
        (9, "    "),  # tab (inline control, 8 units)
        "지정",
        (11, "tbl "),  # table (extended control)
        (4, "    "),  # field end (inline control)
        "\n",  # line break (1 unit)
        "1,234억 원",
        (17, "fn  "),  # footnote
        "\u0018끝",  # hyphen (1 unit)
        "\r",  # paragraph end
    )
    assert para_text(payload) == "경제자유구역\t지정\n1,234억 원-끝"


def test_para_text_keeps_surrogate_pairs() -> None:
    assert para_text(para_text_payload("𠀀 한자 확장\r")) == "𠀀 한자 확장"


def test_para_text_with_odd_length_payload() -> None:
    assert para_text("가나".encode("utf-16-le") + b"\x00") == "가나"


def test_control_parameters_that_look_like_text_are_skipped() -> None:
    # The six parameter units of a control can hold anything, including Hangul code units.
    payload = struct.pack("<8H", 11, 0xAC00, 0xAC01, 0xAC02, 0xAC03, 0xAC04, 0xAC05, 11)
    assert para_text(payload + "본문".encode("utf-16-le")) == "본문"


def test_section_text_takes_only_para_text_records() -> None:
    stream = hwp_section(para_text_payload("첫째 문단\r"), para_text_payload("  \r"))
    stream += hwp_record(0x10 + 55, "표 속성".encode("utf-16-le"))  # not PARA_TEXT
    stream += hwp_section(para_text_payload("둘째 문단\r"))
    assert section_text(stream) == "첫째 문단\n\n둘째 문단"
