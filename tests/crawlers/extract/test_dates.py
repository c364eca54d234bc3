from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from zonewatch.crawlers.extract import KST, parse_published


def kst(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=KST)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-02", kst(2026, 3, 2)),
        ("2026.03.02", kst(2026, 3, 2)),
        ("2026. 3. 2.", kst(2026, 3, 2)),
        ("2026. 03. 02.", kst(2026, 3, 2)),
        ("2026/03/02", kst(2026, 3, 2)),
        ("2026년 3월 2일", kst(2026, 3, 2)),
        ("2026년3월2일", kst(2026, 3, 2)),
        ("2026-03-02 10:11", kst(2026, 3, 2, 10, 11)),
        ("2026.03.02 10:11:12", kst(2026, 3, 2, 10, 11, 12)),
        ("2026년 3월 2일 14:30", kst(2026, 3, 2, 14, 30)),
        ("2026-03-02(월) 09:00", kst(2026, 3, 2, 9, 0)),
        ("01/02/2020 14:00:00", kst(2020, 1, 2, 14, 0)),
        ("12/31/2025 23:59:59", kst(2025, 12, 31, 23, 59, 59)),
        ("Mon, 02 Mar 2026 10:00:00 +0900", kst(2026, 3, 2, 10, 0)),
        ("Mon, 02 Mar 2026 01:00:00 GMT", kst(2026, 3, 2, 10, 0)),
        ("2026-04-30T16:43:13+09:00", kst(2026, 4, 30, 16, 43, 13)),
        ("2026-04-30T07:43:13Z", kst(2026, 4, 30, 16, 43, 13)),
        ("2026-04-30T16:43:13.250+0900", kst(2026, 4, 30, 16, 43, 13)),
        ("2026-08-07 00:00:00.0", kst(2026, 8, 7)),
        ("Mar 2, 2026", kst(2026, 3, 2)),
        ("March 2, 2026", kst(2026, 3, 2)),
        ("Sept. 30, 2025", kst(2025, 9, 30)),
        ("2 March 2026", kst(2026, 3, 2)),
        ("20260302", kst(2026, 3, 2)),
    ],
)
def test_formats(text: str, expected: datetime) -> None:
    parsed = parse_published(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("등록일 2026-03-02", kst(2026, 3, 2)),
        ("등록일:2026.03.02", kst(2026, 3, 2)),
        ("입력 2026-03-02 10:11 수정 2026-03-05 09:00", kst(2026, 3, 2, 10, 11)),
        ("부서 | 작성자 | 051-888-0000 | 2026-03-02", kst(2026, 3, 2)),
        ("투자유치과 | 홍길동 | 032-453-7000 | 2026.04.01", kst(2026, 4, 1)),
        ("Posted on Mar 2, 2026 by IFEZ", kst(2026, 3, 2)),
        ("작성일\n\t2026. 3. 2.\n조회수 15", kst(2026, 3, 2)),
    ],
)
def test_dates_inside_text(text: str, expected: datetime) -> None:
    assert parse_published(text) == expected


def test_results_are_in_kst_and_keep_the_instant() -> None:
    parsed = parse_published("Mon, 02 Mar 2026 01:00:00 GMT")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=9)
    assert parsed == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_other_zone_for_naive_dates() -> None:
    parsed = parse_published("2026-03-02 10:00", tz=ZoneInfo("UTC"))
    assert parsed == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "보도자료",
        "051-888-0000",
        "02-2100-2026",
        "010-2026-1234",
        "1588-2026",
        "문의: 044-203-5114",
        "2026-13-45",
        "2026-02-30",
        "1234.56.78",
        "v1.2.3",
        "12345678",
        "제2026-578호",
        "0000-00-00",
        "not a date",
        "13/45/2026",
    ],
)
def test_garbage_and_phone_numbers_are_not_dates(text: str) -> None:
    assert parse_published(text) is None


def test_time_ranges_are_not_offsets() -> None:
    assert parse_published("행사 2026-03-02 10:00-12:00") == kst(2026, 3, 2, 10, 0)
    assert parse_published("2026-04-30T16:43+09:00") == kst(2026, 4, 30, 16, 43)
    assert parse_published("2026-04-30 07:43:13 -0000") == kst(2026, 4, 30, 16, 43, 13)


def test_invalid_time_keeps_the_date() -> None:
    assert parse_published("2026-03-02 25:99") == kst(2026, 3, 2)


def test_never_raises_on_odd_input() -> None:
    for text in ["\x00\ufffd", "9" * 5000, "2026-" * 1000, "년월일" * 100]:
        parse_published(text)
    assert parse_published(None) is None  # type: ignore[arg-type]
