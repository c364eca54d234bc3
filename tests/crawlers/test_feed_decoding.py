"""Korean feeds are decoded by the project's CP949-aware decoder, not by their declaration."""

from __future__ import annotations

import pytest

from zonewatch.crawlers.feeds import parse_feed_bytes

TITLE = "똠방각하 산업단지 지정 고시"
BODY = "경제자유구역 개발계획 변경 똠"


def rss(declared: str | None, codec: str) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    text = (
        f'{declaration}<rss version="2.0"><channel><title>보도자료</title><item>'
        f"<title>{TITLE}</title><link>https://www.example.go.kr/a?id=1</link>"
        f"<description>{BODY}</description></item></channel></rss>"
    )
    return text.encode(codec)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (rss("UTF-8", "cp949"), None),  # CP949 bytes that claim to be UTF-8
        (rss("EUC-KR", "cp949"), "text/xml"),  # EUC-KR declared, 똠 exists only in CP949
        (rss("EUC-KR", "cp949"), "application/rss+xml; charset=utf-8"),  # header lies too
        (rss(None, "cp949"), "application/xml; charset=euc-kr"),
        (rss("EUC-KR", "utf-8"), None),  # UTF-8 bytes behind a stale declaration
        (b"\xef\xbb\xbf" + rss("utf-8", "utf-8"), None),
        (rss("UTF-16", "utf-16"), None),
    ],
)
def test_korean_feed_text_is_not_mojibake(body: bytes, content_type: str | None) -> None:
    feed = parse_feed_bytes(body, content_type)
    [entry] = feed.entries
    assert entry.title == TITLE
    assert entry.summary == BODY
    assert feed.feed.title == "보도자료"


def test_the_encoding_reported_is_the_one_the_bytes_had() -> None:
    assert parse_feed_bytes(rss("EUC-KR", "cp949")).encoding == "cp949"
    assert parse_feed_bytes(rss("UTF-8", "utf-8")).encoding == "utf-8"
