"""Small factories for database tests: valid rows with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from zonewatch.crawlers.items import FetchedAttachment, FetchedItem
from zonewatch.models import CrawlRun, Entity, Source
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.enums import ItemOutcome

_counter = itertools.count(1)
KST = dt.timezone(dt.timedelta(hours=9))


def source(session: Session, source_id: str = "test-board", **fields: Any) -> Source:
    if session.get(Entity, "motie") is None:
        session.add(Entity(id="motie", kind="authority", name_ko="산업통상부", name_en="MOTIR"))
    row = Source(
        id=source_id,
        name=fields.pop("name", "Test board"),
        kind=fields.pop("kind", "board"),
        url=fields.pop("url", "https://www.example.go.kr/list"),
        owner_id="motie",
        language=fields.pop("language", "ko"),
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def crawl_run(session: Session, source_row: Source) -> CrawlRun:
    run = CrawlRun(source_id=source_row.id, status="running")
    session.add(run)
    session.flush()
    return run


def fetched(
    session: Session,
    run: CrawlRun,
    external_id: str = "1",
    outcome: ItemOutcome = ItemOutcome.FETCHED,
    **fields: Any,
) -> FetchedRow:
    attachments = [FetchedAttachment(**a) for a in fields.pop("attachments", [])]
    item = FetchedItem(
        source_id=run.source_id,
        external_id=external_id,
        url=fields.pop("url", f"https://www.example.go.kr/view/{external_id}"),
        outcome=outcome,
        title=fields.pop("title", "인천경제청, 송도 바이오 클러스터 조성 계획 발표"),
        text=fields.pop("text", "목표 입주기업 250개사, 고용 1만5000명."),
        published_at=fields.pop("published_at", dt.datetime(2026, 3, 2, 10, tzinfo=KST)),
        attachments=attachments,
        extractor_version=fields.pop("extractor_version", "1"),
        **fields,
    )
    row = FetchedRow(
        run_id=run.id,
        source_id=run.source_id,
        external_id=f"{external_id}#{next(_counter)}",
        outcome=outcome,
        payload=item.payload(),
    )
    session.add(row)
    session.flush()
    return row
