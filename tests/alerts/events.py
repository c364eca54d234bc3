"""Realistic alert events for the content, mail and browser tests.

Releases go through ingest, classification and the change log exactly as in production, on
an initialised app (zone model, sources, classifier); an event is the records one version
made, the document record first, as the outbox hands them to ``load_event``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.alerts.content import AlertItem, load_event
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Source, Subscriber, Subscription

KST = dt.timezone(dt.timedelta(hours=9))
LEAD_KINDS = ("new_document", "changed_document", "correction", "removed_document")

EDIT_TITLE = "인천경제청, 송도 바이오 클러스터 조성 계획 발표"
EDIT_BEFORE = (
    "인천경제자유구역청은 송도국제도시 바이오 클러스터에 2030년까지 597억 원을 투입한다고 "
    "밝혔다. 목표 입주기업은 250개사이며, 일자리 3,000개를 만든다. 청은 하반기 미국과 "
    "유럽에서 투자유치 설명회를 연다."
)
EDIT_AFTER = EDIT_BEFORE.replace("597억", "650억").replace("250개사", "300개사")
EDIT_URL = "https://www.ifez.go.kr/main/pst/view.do;jsessionid=9F2C1A77B0D1?pst_id=noti03&pst_seq=669400&utm_source=newsletter"
EDIT_ATTACHMENT = "송도 바이오 클러스터 조성 계획(인천경제자유구역청).hwpx"

ORIGINAL_TITLE = "산업단지 대개조 2차 지역 선정 결과"
ORIGINAL_TEXT = (
    "산업통상부는 산업단지 대개조 2차 지역으로 경북 구미, 전남 여수, 경남 창원 3개 권역을 "
    "선정하였다고 밝혔다.\n선정된 권역에는 2029년까지 국비 1,800억 원을 포함해 모두 5,400억 "
    "원이 투입된다.\n정부는 권역별로 일자리 6,000개 창출을 목표로 하고 있다."
)
ORIGINAL_URL = "https://www.motir.go.kr/kor/article/ATCL171830;jsessionid=A1B2C3D4?bbs_seq_n=171830&fbclid=IwAR0x"
CORRECTION_TITLE = (
    "[정정] 「산업단지 대개조 2차 지역 선정 결과」(2026.8.5.) 보도자료 중 지원 규모 정정"
)
CORRECTION_TEXT = (
    "2026년 8월 5일 배포한 「산업단지 대개조 2차 지역 선정 결과」 보도자료의 지원 규모를 "
    "다음과 같이 바로잡습니다.\n(정정 전) 국비 1,800억 원을 포함해 모두 5,400억 원 → "
    "(정정 후) 국비 1,950억 원을 포함해 모두 5,850억 원\n해당 보도자료의 첨부 파일은 "
    "수정본으로 교체하였습니다."
)


def reader(language: str = "ko", **subscription: Any) -> tuple[Subscriber, Subscription | None]:
    """A subscriber as the sender loads it, and their subscription (None: all changes)."""
    person = Subscriber(
        id=1, email="kim@example.com", name="김민수", language=language, timezone="Asia/Seoul"
    )
    return person, Subscription(**subscription) if subscription else None


def event_order(records: Sequence[ChangeRecord]) -> list[ChangeRecord]:
    """The document record leads its event; the others follow in the order they were made."""
    return sorted(records, key=lambda r: (r.kind not in LEAD_KINDS, r.id))


@dataclass
class Pipeline:
    app: App

    def release(
        self, source_id: str, external_id: str, *, title: str, text: str, **fields: Any
    ) -> list[int]:
        """One crawled version of a release, through to its change records; their ids."""
        with self.app.session() as session:
            source = session.get(Source, source_id)
            assert source is not None, source_id
            run = factories.crawl_run(session, source)
            row = factories.fetched(session, run, external_id, title=title, text=text, **fields)
            version_id = ingest_fetched_item(session, row.id).version_id
            assert version_id is not None
            classify_version(session, version_id, self.app.classifier)
            return record_version_changes(session, version_id)

    def item(
        self, change_ids: Sequence[int], language: str = "ko", **subscription: Any
    ) -> AlertItem:
        with self.app.session() as session:
            person, wanted = reader(language, **subscription)
            return load_event(session, self.records(session, change_ids), person, wanted)

    @staticmethod
    def records(session: Session, change_ids: Sequence[int]) -> list[ChangeRecord]:
        rows = session.scalars(select(ChangeRecord).where(ChangeRecord.id.in_(change_ids)))
        return event_order(list(rows))

    def edit_event(self) -> list[int]:
        """An IFEZ release edited: 597억 → 650억 and 250 → 300개사, a plan attached."""
        fields: dict[str, Any] = {
            "url": EDIT_URL,
            "department": "투자유치기획과",
            "published_at": dt.datetime(2026, 7, 20, 10, tzinfo=KST),
        }
        self.release("ifez-press", "669400", title=EDIT_TITLE, text=EDIT_BEFORE, **fields)
        attachment = {"name": EDIT_ATTACHMENT, "url": "https://www.ifez.go.kr/file/669400/1"}
        return self.release(
            "ifez-press",
            "669400",
            title=EDIT_TITLE,
            text=EDIT_AFTER,
            attachments=[attachment],
            **fields,
        )

    def correction_event(self) -> tuple[list[int], list[int]]:
        """A MOTIR release and the notice correcting two of its figures a week later."""
        original = self.release(
            "motir-press",
            "171830",
            title=ORIGINAL_TITLE,
            text=ORIGINAL_TEXT,
            url=ORIGINAL_URL,
            department="산업입지정책과",
            published_at=dt.datetime(2026, 8, 5, 10, tzinfo=KST),
        )
        notice = self.release(
            "motir-press",
            "171850",
            title=CORRECTION_TITLE,
            text=CORRECTION_TEXT,
            department="산업입지정책과",
            published_at=dt.datetime(2026, 8, 11, 16, tzinfo=KST),
        )
        return original, notice


def pipeline_at(directory: Path) -> Iterator[Pipeline]:
    app = configure(data_dir=directory / "data")
    initialize(app)
    try:
        yield Pipeline(app)
    finally:
        app.dispose()
