from __future__ import annotations

import datetime as dt

from zonewatch.crawlers.boardpage import split_size_hint
from zonewatch.crawlers.items import FetchedAttachment, FetchedItem, RawSnapshot
from zonewatch.models.enums import ItemOutcome


def test_payload_round_trip() -> None:
    item = FetchedItem(
        source_id="ifez-press",
        external_id="669389",
        url="https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_sn=669389",
        outcome=ItemOutcome.FETCHED,
        title="송도 바이오 클러스터",
        text="본문",
        published_at=dt.datetime(2026, 3, 2, tzinfo=dt.timezone(dt.timedelta(hours=9))),
        attachments=[FetchedAttachment(name="a.pdf", url="https://x/a.pdf", text="첨부")],
        raw=RawSnapshot("ab" * 32, "snapshots/ab/x.gz", 10, 200, "text/html", "cp949"),
    )
    assert FetchedItem.from_payload(item.payload()) == item


def test_size_hints_are_split_from_names() -> None:
    assert split_size_hint("2026-578_보도자료(산업통상부).pdf [47.9 KB]") == (
        "2026-578_보도자료(산업통상부).pdf",
        49049,
    )
    assert split_size_hint("자료.hwpx [1.2 MB]") == ("자료.hwpx", 1258291)
    assert split_size_hint("plain.pdf") == ("plain.pdf", None)
