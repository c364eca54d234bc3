from __future__ import annotations

import random
import unicodedata

import pytest

from zonewatch.crawlers.extract import normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\u00a0b\u3000c\td", "a b c d"),
        ("a\u200bb\ufeffc\u2060d\u00ade", "abcde"),
        ("line  \r\nnext\rthird\u2028fourth", "line\nnext\nthird\nfourth"),
        ("\n\n  첫 문단  \n\n\n\n\n둘째 문단\n\n", "첫 문단\n\n둘째 문단"),
        ("  indented\n\t\ttabbed", "indented\ntabbed"),
        ("a\x00b\x07c\x1fd", "abcd"),
        ("\u1100\u1161\u11a8", "각"),  # conjoining jamo compose to a syllable (NFC)
        ("\u1100\u200b\u1161", "가"),  # even when a zero-width space sat between them
        ("e\u0301", "é"),
        ("page 1\fpage 2", "page 1\npage 2"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_full_width_characters_are_kept() -> None:
    # NFC, not NFKC: full-width digits and compatibility characters are content.
    assert normalize_text("１２３ ㈜ ℃") == "１２３ ㈜ ℃"


ALPHABET = (
    "ab가각 \t\n\r\u00a0\u3000\u200b\u200d\ufeff\u00ad\x00\x0b\x0c\x85\u2028\u2029"
    "\u1100\u1161\u11a8\u0301e\u2000\u202f\x1c\x1f\x7f\x9f"
)


def test_idempotent_and_deterministic_on_random_text() -> None:
    rng = random.Random(20260302)
    for _ in range(2000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        once = normalize_text(text)
        assert normalize_text(once) == once, repr(text)
        assert normalize_text(text) == once
        assert unicodedata.is_normalized("NFC", once)
        assert "\n\n\n" not in once
        assert not once.startswith("\n")
        assert not once.endswith("\n")
