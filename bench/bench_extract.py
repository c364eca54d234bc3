"""Peak memory of extracting a large table page, against lxml parsing the same page alone.

Most of the memory is libxml2's, which tracemalloc does not see, so each side runs in a fresh
interpreter and reports how far its peak resident size grew over the loaded, decoded page.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import Result

PAGE_MB = 19

_MEASURE = """
import gc, resource, sys
from zonewatch.crawlers.extract import decode_html, extract_body
from lxml import html
text = decode_html(open(sys.argv[1], "rb").read(), "utf-8").text
gc.collect()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "extract":
    extract_body(text, base_url="https://example.go.kr/")
else:
    html.document_fromstring(text)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def table_page(megabytes: float) -> bytes:
    """A statistics page: one table of short Korean rows, ``megabytes`` of UTF-8 in all."""
    row = "<tr><td>2024-01-{0}</td><td>경제자유구역 지정 현황 {0}</td><td>1,234억 원</td></tr>\n"
    rows = [row.format(n) for n in range(int(megabytes * 1_000_000 / len(row.encode())))]
    return f"<html><body><h1>현황</h1><table>{''.join(rows)}</table></body></html>".encode()


def peak_growth_mb(page: Path, what: str) -> float:
    """How far the peak resident size grew (MB) while ``what`` ran on the page."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(page), what],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip()) / 1024


def table_page_extraction() -> list[Result]:
    with tempfile.TemporaryDirectory() as directory:
        page = Path(directory) / "table.html"
        page.write_bytes(table_page(PAGE_MB))
        full = peak_growth_mb(page, "extract")
        parse = peak_growth_mb(page, "parse")
    return [
        Result(
            name=f"extract_body_peak_memory_{PAGE_MB}mb_table",
            value=full,
            unit="MB",
            baseline="peak growth of lxml.html.document_fromstring on the same page",
            baseline_value=parse,
        )
    ]


BENCHMARKS = [table_page_extraction]
