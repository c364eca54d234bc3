"""The backfill's corpus reader keeps how many files a release had, and refuses a count that
is none, with one line naming the field."""

from __future__ import annotations

import json

import pytest

from zonewatch.errors import InputError
from zonewatch.workers.backfill import parse_release

LINE = {
    "id": "900001",
    "title": "인천경제자유구역 투자 유치",
    "url": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=900001",
    "text": "본문",
    "lang": "ko",
}


def test_a_release_keeps_its_attachment_count() -> None:
    assert parse_release(json.dumps({**LINE, "attachment_count": 3})).attachment_count == 3
    assert parse_release(json.dumps(LINE)).attachment_count == 0


@pytest.mark.parametrize("count", ["3", -1, 1.5, True])
def test_a_count_that_is_no_count_is_refused(count: object) -> None:
    with pytest.raises(InputError, match=r"^attachment_count is not a count$"):
        parse_release(json.dumps({**LINE, "attachment_count": count}))
