"""Extraction memory grows with the page, not several times over: measured, never timed."""

from __future__ import annotations

import tracemalloc

from parsel import Selector

from zonewatch.crawlers.extract import decode_html, extract_body
from zonewatch.crawlers.extract.html import MAX_TABLE_ROWS


def table_page(megabytes: float) -> bytes:
    """A statistics page: one table of short Korean rows, ``megabytes`` of UTF-8 in all."""
    rows: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        number = len(rows)
        row = (
            f"<tr><td>2024-01-{number}</td><td>경제자유구역 지정 현황 {number}</td>"
            f"<td>1,234억 원</td><td><span>비고</span></td></tr>\n"
        )
        rows.append(row)
        size += len(row.encode("utf-8"))
    body = "".join(rows)
    return f"<html><body><h1>현황</h1><table>{body}</table></body></html>".encode()


def test_a_5_mb_table_page_peaks_at_a_small_multiple_of_its_size() -> None:
    page = table_page(5)
    tracemalloc.start()
    try:
        text = decode_html(page, "utf-8").text
        Selector(text=text, base_url="https://example.go.kr/")
        body = extract_body(text, base_url="https://example.go.kr/")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "경제자유구역 지정 현황 0" in body
    # The decoded text alone is about twice the bytes (Hangul takes two bytes a character in a
    # str); before the fix the peak was 14 times the page, and the process near 2 GB at 19 MB.
    assert peak < 6 * len(page), f"peak {peak / len(page):.1f} x the page"


def test_a_huge_table_is_cut_with_a_visible_note() -> None:
    rows = "".join(f"<tr><td>{n}지구</td><td>{n}억 원</td></tr>" for n in range(MAX_TABLE_ROWS + 5))
    page = f"<html><body><h1>현황</h1><table>{rows}</table></body></html>"
    for body in (extract_body(page), extract_body(page, selector="table")):
        assert "0지구 | 0억 원" in body
        assert f"{MAX_TABLE_ROWS - 1}지구" in body
        assert f"{MAX_TABLE_ROWS}지구" not in body
        assert "[5 more rows of this table not extracted]" in body
