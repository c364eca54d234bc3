"""The extraction functions over real press releases from the shared corpus (skipped without it)."""

from __future__ import annotations

import gzip
import html
import json
import random
from pathlib import Path
from typing import Any

import pytest

from zonewatch.crawlers.extract import (
    detect_language,
    extract_body,
    html_to_text,
    normalize_text,
    parse_published,
)

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "press-releases.jsonl.gz"
SAMPLE_SIZE = 300
PAGES = 25


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is not present")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        items = [json.loads(line) for line in lines]
    return random.Random(300).sample(items, min(SAMPLE_SIZE, len(items)))


def as_html(text: str) -> str:
    return "".join(f"<p>{html.escape(part)}</p>\n" for part in text.split("\n\n"))


def flattened(text: str) -> str:
    """What HTML rendering of ``as_html`` must give: each paragraph's lines joined by spaces."""
    return normalize_text("\n\n".join(" ".join(part.split()) for part in text.split("\n\n")))


def test_text_functions_never_raise_and_round_trip(sample: list[dict[str, Any]]) -> None:
    for item in sample:
        text = item["text"]
        assert normalize_text(normalize_text(text)) == normalize_text(text)
        html_to_text(text)
        assert html_to_text(as_html(text)) == flattened(text), item["id"]


def test_language_agrees_with_the_corpus(sample: list[dict[str, Any]]) -> None:
    agree = sum(detect_language(f"{i['title']}\n{i['text']}") == i["lang"] for i in sample)
    assert agree >= 0.95 * len(sample)


def test_published_dates_parse(sample: list[dict[str, Any]]) -> None:
    for item in sample:
        parsed = parse_published(item["published"])
        assert parsed is not None
        assert parsed.isoformat() == item["published"]


def test_body_extraction_from_a_press_room_page(sample: list[dict[str, Any]]) -> None:
    for item in sample[:PAGES]:
        page = (
            "<html><head><title>보도자료</title></head><body><div id='gnb'><a href='/'>홈</a>"
            f"<a href='/b'>알림</a></div><div class='view_cont'>{as_html(item['text'])}</div>"
            "<footer>Copyright 2026</footer></body></html>"
        )
        expected = flattened(item["text"])
        assert extract_body(page, selector="div.view_cont") == expected
        found = extract_body(page)  # trafilatura: favours recall, may drop a stray short line
        assert len(found) >= 0.9 * len(expected), item["id"]
        assert "Copyright" not in found
        assert "알림" not in found.split("\n")[0]
