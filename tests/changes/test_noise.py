"""Noise patterns: an edit is described by the kind of token it touched, not its strings."""

from __future__ import annotations

import pytest

from zonewatch.changes.diffing import diff_text
from zonewatch.changes.noise import NoisePattern, only_furniture, only_noise, patterns_of
from zonewatch.enums import TokenKind

BODY = "인천경제청은 송도에 바이오 기업 250개사를 유치한다고 밝혔다.\n"


def patterns(old: str, new: str) -> list[NoisePattern] | None:
    return patterns_of([diff_text(BODY + old, BODY + new)])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("문의: 032-453-7000", "문의: 032-453-7155", NoisePattern(TokenKind.PHONE)),
        ("담당 (02)2110-5120", "담당 (02)2110-5311", NoisePattern(TokenKind.PHONE)),
        ("kim@ifez.go.kr 로 문의", "lee@ifez.go.kr 로 문의", NoisePattern(TokenKind.EMAIL)),
        (
            "원문 https://www.korea.kr/news/1?sid=ab12",
            "원문 https://www.korea.kr/news/1?sid=cd34",
            NoisePattern(TokenKind.URL),
        ),
        (
            "jsessionid=A1B2C3D4E5F6 보기",
            "jsessionid=F9E8D7C6B5A4 보기",
            NoisePattern(TokenKind.SESSION),
        ),
        ("등록일 2024.05.01", "등록일 2024.05.03", NoisePattern(TokenKind.DATE, "등록일")),
        ("조회수 : 1,234", "조회수 : 1,301", NoisePattern(TokenKind.COUNT, "조회수")),
    ],
)
def test_an_edit_inside_a_known_kind_of_token_is_described_by_that_kind(
    old: str, new: str, expected: NoisePattern
) -> None:
    assert patterns(old, new) == [expected]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("기업 250개사 유치", "기업 300개사 유치"),  # a figure of the release
        ("2024년 5월 30일까지 접수", "2024년 5월 30일부터 접수"),  # until → from
        ("문의: 032-453-7000 송도 지정", "문의: 032-453-7155 송도 해제"),  # phone and news
        ("2024년 5월 30일 접수", "2024년 5월 31일 접수"),  # a date in a sentence
    ],
)
def test_an_edit_that_touches_anything_else_has_no_pattern(old: str, new: str) -> None:
    assert patterns(old, new) is None


def test_a_date_or_number_without_a_label_never_becomes_a_pattern() -> None:
    assert patterns("\n1234\n", "\n1301\n") is None
    assert patterns("\n2024.05.01\n", "\n2024.05.03\n") is None


def test_a_phone_verdict_covers_the_next_phone_edit_but_not_news() -> None:
    learned = {NoisePattern(TokenKind.PHONE)}
    next_phone = diff_text(BODY + "문의: 032-453-7155", BODY + "문의: 032-453-7999")
    news = diff_text(BODY + "문의: 032-453-7155", BODY + "문의: 032-453-7155 해제")
    assert only_noise([next_phone], learned, set())
    assert not only_noise([news], learned, set())


def test_a_counter_verdict_is_bound_to_its_label() -> None:
    learned = {NoisePattern(TokenKind.COUNT, "조회수")}
    views = diff_text("조회수 1,301\n" + BODY, "조회수 1,377\n" + BODY)
    companies = diff_text(BODY, BODY.replace("250", "300"))
    assert only_noise([views], learned, set())
    assert not only_noise([companies], learned, set())


def test_raw_fragments_still_work_and_tiny_edits_alone_are_not_noise() -> None:
    edit = diff_text(BODY + "보도자료 배포", BODY + "보도참고자료 배포")
    assert only_noise([edit], set(), {"보도자료", "보도참고자료"})
    assert not only_noise([diff_text(BODY + "a", BODY + "b")], set(), set())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("조회수 1,204", "조회수 1,377"),
        ("Views: 88", "Views: 91"),
        ("최종수정일 2026-08-03", "최종수정일 2026-08-11"),
        ("Today: 2026-08-12", "Today: 2026-08-13"),
        ("오늘 2026.08.12", "오늘 2026.08.13"),
        ("세션 ID 0A1B2C3D4E5F6071", "세션 ID 9F8E7D6C5B4A3921"),
        ("jsessionid=A1B2C3D4E5F6 보기", "jsessionid=F9E8D7C6B5A4 보기"),
    ],
)
def test_page_furniture_is_noise_before_any_verdict(old: str, new: str) -> None:
    assert only_furniture([diff_text(BODY + old, BODY + new)])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("등록일 2026-08-03", "등록일 2026-08-04"),  # when a release was issued is news
        ("신청 마감 2026-08-03", "신청 마감 2026-08-11"),
        ("기업 250개사", "기업 300개사"),
        ("조회수 1,204", "조회수 1,377 (마감 연장)"),
        ("문의: 032-453-7000", "문의: 032-453-7155"),  # a phone is noise only by verdict
    ],
)
def test_news_next_to_furniture_is_not_furniture(old: str, new: str) -> None:
    assert not only_furniture([diff_text(BODY + old, BODY + new)])
