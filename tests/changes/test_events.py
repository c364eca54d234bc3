"""Change records as document events: the event each record names, the release date it
carries, and a source's first crawl as its baseline."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import select

from tests.testkit import factories
from tests.testkit.workers import crawl, crawled_before
from zonewatch.app import App
from zonewatch.changes.baseline import is_baseline
from zonewatch.changes.events import EventKey, EventKind, lead_first
from zonewatch.changes.services import record_version_changes, record_withdrawal
from zonewatch.classify.services import classify_version
from zonewatch.errors import InputError
from zonewatch.models import ChangeRecord, Document, DocumentVersion
from zonewatch.timefmt import aware

SOURCE = "ifez-press"
PUBLISHED = dt.datetime(2026, 7, 28, 10, tzinfo=factories.KST)
BIO_TITLE = "송도 바이오 클러스터 2단계에 597억 원 투입"
BIO_TEXT = (
    "인천경제자유구역청은 송도 바이오 클러스터 2단계 조성에 597억 원을 투입한다고 밝혔다. "
    "청라국제도시에도 597억 원이 투입된다. 목표 입주기업 250개사를 내다본다."
)


def release(
    external_id: str, title: str = BIO_TITLE, text: str = BIO_TEXT, **fields: Any
) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "title": title,
        "text": text,
        "published_at": fields.pop("published_at", PUBLISHED),
        **fields,
    }


def records_of(
    app: App, source_id: str, *items: Mapping[str, Any], **crawl_options: bool
) -> list[ChangeRecord]:
    """Crawl ``items`` in one finished run of the source, classify and record them; every
    record the versions gave, in order."""
    results = crawl(app, source_id, *items, **crawl_options)
    found: list[ChangeRecord] = []
    with app.session() as session:
        for result in results:
            if result.version_id is None:
                if result.result == "gone" and result.document_id is not None:
                    ids = record_withdrawal(session, result.document_id)
                    found += session.scalars(select(ChangeRecord).where(ChangeRecord.id.in_(ids)))
                continue
            classify_version(session, result.version_id, app.classifier)
            ids = record_version_changes(session, result.version_id)
            found += session.scalars(
                select(ChangeRecord).where(ChangeRecord.id.in_(ids)).order_by(ChangeRecord.id)
            )
        session.expunge_all()
    return found


def kinds(records: list[ChangeRecord]) -> Counter[str]:
    return Counter(record.kind for record in records)


# --- event keys and release dates -------------------------------------------------------------


def test_every_record_of_an_edit_names_the_version_and_the_release_date(app: App) -> None:
    crawled_before(app, SOURCE)
    (first,) = records_of(app, SOURCE, release("669391"))
    edit = records_of(
        app,
        SOURCE,
        release(
            "669391",
            text=BIO_TEXT.replace("250개사", "300개사").replace(
                "2단계 조성에 597억", "2단계 조성에 650억"
            ),
        ),
    )

    assert first.kind == "new_document"
    assert kinds(edit) == {"changed_document": 1, "fact_change": 2}
    version_id = edit[0].new_version_id
    assert {record.event_key for record in edit} == {f"version:{version_id}"}
    assert first.event_key == f"version:{first.new_version_id}" != edit[0].event_key
    for record in [first, *edit]:
        assert record.released_at is not None
        assert aware(record.released_at) == PUBLISHED
        assert not record.baseline
    assert lead_first(reversed(edit))[0].kind == "changed_document"


def test_a_release_without_a_stated_date_carries_none_not_the_day_we_saw_it(app: App) -> None:
    crawled_before(app, SOURCE)
    (record,) = records_of(app, SOURCE, release("5", published_at=None))
    assert record.released_at is None


def test_a_withdrawal_is_an_event_of_its_own(app: App) -> None:
    crawled_before(app, SOURCE)
    (first,) = records_of(app, SOURCE, release("669391"))
    (gone,) = records_of(app, SOURCE, {"external_id": "669391", "outcome": "gone"})
    assert gone.kind == "removed_document"
    assert gone.event_key == f"withdrawal:{first.document_id}:{first.new_version_id}"
    assert gone.released_at is not None
    assert aware(gone.released_at) == PUBLISHED


def test_event_keys_parse_and_bad_ones_say_so_in_one_line() -> None:
    assert EventKey.parse("withdrawal:4:9") == EventKey(EventKind.WITHDRAWAL, (4, 9))
    assert str(EventKey.parse("version:12")) == "version:12"
    assert not EventKey.parse("proposal:3").alertable
    assert EventKey.parse("model:3").alertable
    for bad in ("version", "version:x", "version:1:2", "verison:1", "model:0", ""):
        with pytest.raises(InputError, match=r"^not an event key: .*\(e\.g\. 'version:12'\)$"):
            EventKey.parse(bad)


# --- the baseline -----------------------------------------------------------------------------


def test_the_first_crawl_of_a_source_is_its_baseline_and_later_crawls_are_news(app: App) -> None:
    baseline = records_of(
        app,
        SOURCE,
        release("1"),
        release(
            "2",
            title="인천글로벌캠퍼스, 해외 대학 1곳 추가 유치",
            text="해외 대학 1곳을 추가로 유치했다.",
        ),
    )
    assert {record.kind for record in baseline} == {"new_document"}
    assert all(record.baseline for record in baseline)

    later = records_of(
        app,
        SOURCE,
        release(
            "3",
            title="영종 항공정비 단지 입주기업 확정",
            text="영종 항공정비 단지에 입주기업 4개사가 확정됐다.",
        ),
        release("1", text=BIO_TEXT.replace("250개사", "300개사")),
    )
    assert kinds(later) == {"new_document": 1, "changed_document": 1, "fact_change": 1}
    assert not any(record.baseline for record in later), "an edit of a baseline release is news"


def test_a_failed_first_crawl_leaves_the_baseline_to_the_next(app: App) -> None:
    """Nobody knows what a crawl that lost its process missed: the next crawl is still the
    one that sets the baseline, and only the one after it records news."""
    failed = records_of(app, SOURCE, release("1"), abandoned=True)
    second = records_of(
        app,
        SOURCE,
        release("2", title="인천글로벌캠퍼스, 해외 대학 1곳 추가 유치", text="해외 대학 1곳."),
    )
    third = records_of(
        app, SOURCE, release("3", title="영종 항공정비 단지 입주기업 확정", text="입주기업 4개사.")
    )
    assert [record.baseline for record in failed + second + third] == [True, True, False]


def test_a_version_no_crawl_stored_is_news(app: App) -> None:
    with app.session() as session:
        document = Document(source_id=SOURCE, external_id="hand-made", url="https://x/1")
        session.add(document)
        session.flush()
        version = DocumentVersion(
            document_id=document.id,
            number=1,
            title="t",
            text="본문",
            content_hash="0" * 64,
            extractor_version="1",
        )
        session.add(version)
        session.flush()
        assert not is_baseline(session, version)


@pytest.mark.parametrize(
    ("first", "second"), [("motir-press", "korea-kr-press"), ("korea-kr-press", "motir-press")]
)
def test_a_release_on_two_sites_is_news_at_neither_when_the_first_is_a_baseline(
    app: App, first: str, second: str
) -> None:
    """A press room crawled for the first time carries a release another site already had,
    or the other way round: a baseline at one site and another appearance at the other."""
    title = "경제자유구역위원회, 광주 AI 융복합지구 개발계획 변경 승인"
    crawled_before(app, second)
    (at_first,) = records_of(
        app, first, release("10", title=title, text="개발계획 변경을 승인했다.")
    )
    (at_second,) = records_of(
        app, second, release("20", title=title, text="개발계획 변경을 승인했다.")
    )
    assert at_first.baseline
    assert not at_first.minor
    assert at_second.minor
    assert not at_second.baseline
    assert at_second.related_change_id == at_first.id
