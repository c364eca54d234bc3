"""Alert items from change records: on both databases for the record kinds, and through the
real pipeline (ingest, classification, change log) for whole events; the digest grouping."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.alerts.events import (
    CORRECTION_TITLE,
    EDIT_ATTACHMENT,
    EDIT_BEFORE,
    EDIT_TITLE,
    ORIGINAL_TITLE,
    Pipeline,
    reader,
)
from tests.testkit import factories
from zonewatch.alerts.content import (
    AlertItem,
    FactLine,
    FigureChange,
    Link,
    diff_excerpt,
    digest_summary,
    group_for_digest,
    lede,
    load_event,
    load_item,
    release_line,
    subject,
)
from zonewatch.alerts.wording import AttachmentAction, Level
from zonewatch.changes.diffing import diff_text
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import (
    Attachment,
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Entity,
    EntityChange,
    Source,
    Subscriber,
    Subscription,
    Topic,
)

KST = dt.timezone(dt.timedelta(hours=9))
_keys = itertools.count(1)
OLD_TEXT = "인천경제청은 송도 바이오 클러스터에 597억 원을 투입한다. 목표 입주기업 250개사."
NEW_TEXT = "인천경제청은 송도 바이오 클러스터에 650억 원을 투입한다. 목표 입주기업 250개사."
INTERNAL = re.compile(r"target_|investment:|amount:|Proposed|cbfez|ifez\b|_document|<https?://")


def add_entity(session: Session, entity_id: str, kind: str, ko: str, en: str) -> Entity:
    row = session.get(Entity, entity_id) or Entity(id=entity_id, kind=kind, name_ko=ko, name_en=en)
    session.add(row)
    session.flush()
    return row


def add_topic(session: Session, topic_id: str, ko: str, en: str) -> Topic:
    row = session.get(Topic, topic_id) or Topic(id=topic_id, name_ko=ko, name_en=en)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def world(db_session: Session) -> Session:
    """IFEZ and Songdo, the ministry (from the source factory) and one topic."""
    factories.source(db_session)
    add_entity(db_session, "ifez", "fez", "인천경제자유구역", "Incheon FEZ")
    add_entity(db_session, "ifez-songdo", "fez_district", "송도국제도시", "Songdo")
    add_topic(db_session, "investment", "투자·유치", "Investment")
    return db_session


def subscriber(session: Session, language: str = "ko", **subscription: Any) -> Subscriber:
    row = Subscriber(email=f"user{next(_keys)}@example.com", name="김민수", language=language)
    row.subscriptions = [Subscription(**subscription)]
    session.add(row)
    session.flush()
    return row


def record(
    session: Session,
    kind: str,
    *,
    entities: tuple[str, ...] = ("ifez",),
    topics: tuple[str, ...] = ("investment",),
    **fields: Any,
) -> ChangeRecord:
    row = ChangeRecord(
        kind=kind,
        dedupe_key=f"test:{next(_keys)}",
        title=fields.pop("title", "인천경제청, 송도 바이오 클러스터 조성 계획 발표"),
        source_id=fields.pop("source_id", "test-board"),
        occurred_at=dt.datetime(2026, 3, 2, 10, tzinfo=KST),
        **fields,
    )
    row.entities = [ChangeEntity(entity_id=entity_id) for entity_id in entities]
    row.topics = [ChangeTopic(topic_id=topic_id) for topic_id in topics]
    session.add(row)
    session.flush()
    return row


def ingested_edit(session: Session) -> ChangeRecord:
    """A real edit, through ingest and the change log: 597억 became 650억."""
    run = factories.crawl_run(session, session.get_one(Source, "test-board"))
    for text in (OLD_TEXT, NEW_TEXT):
        row = factories.fetched(session, run, text=text, department="투자유치기획과")
        result = ingest_fetched_item(session, row.id)
    assert result.version_id is not None
    ids = record_version_changes(session, result.version_id)
    edits = session.scalars(
        select(ChangeRecord).where(
            ChangeRecord.id.in_(ids), ChangeRecord.kind == "changed_document"
        )
    ).all()
    assert len(edits) == 1
    edit = edits[0]
    edit.entities = [ChangeEntity(entity_id="motie"), ChangeEntity(entity_id="ifez-songdo")]
    edit.topics = [ChangeTopic(topic_id="investment")]
    session.flush()
    return edit


def test_an_ingested_edit(world: Session) -> None:
    edit = ingested_edit(world)
    reader_row = subscriber(world, entity_id="ifez")
    item = load_item(world, edit.id, reader_row, reader_row.subscriptions[0])
    assert item.kind == "changed_document"
    assert item.headline == "본문 수정: 597억 → 650억"
    [only] = item.edits
    assert "[-597억-]{+650억+}" in only.diff_excerpt
    assert item.url == "https://www.example.go.kr/view/1"
    assert item.source_name == "Test board"
    assert item.department == "투자유치기획과"
    assert item.zones == (("ifez-songdo", "송도국제도시"), ("motie", "산업통상부"))
    assert item.topics == ("투자·유치",)
    assert item.why == "구독 중: 인천경제자유구역"
    assert item.lede == NEW_TEXT
    assert not item.is_correction
    assert not item.is_model_change
    assert item.released_at is not None
    assert item.released_at == dt.datetime(2026, 3, 2, 10, tzinfo=KST)
    assert item.detected_at != item.released_at
    assert item.change_ids == (edit.id,)


def test_english_reader(world: Session) -> None:
    edit = ingested_edit(world)
    reader_row = subscriber(world, "en", topic_id="investment", keyword="바이오")
    item = load_item(world, edit.id, reader_row, reader_row.subscriptions[0])
    assert item.headline == "Text edited: 597억 → 650억"
    assert item.zones[0] == ("ifez-songdo", "Songdo")
    assert item.topics == ("Investment",)
    assert item.why == "topic: Investment · keyword: 바이오"
    assert item.language == "en"


def test_the_release_date_is_never_the_detection_time(world: Session) -> None:
    """A record without a stated date has none: the moment zonewatch saw it is shown as
    such (``detected_at``), never as the release date."""
    unstated = record(world, "new_document")
    item = load_item(world, unstated.id, subscriber(world), None)
    assert item.released_at is None
    assert item.detected_at == unstated.occurred_at
    assert release_line(item) == "발표일 미상 · Test board"

    stated = record(world, "new_document", released_at=dt.datetime(2026, 2, 27, 9, tzinfo=KST))
    item = load_item(world, stated.id, subscriber(world), None)
    assert item.released_at == dt.datetime(2026, 2, 27, 9, tzinfo=KST)


def test_the_record_release_date_wins_over_the_documents(world: Session) -> None:
    edit = ingested_edit(world)
    edit.released_at = dt.datetime(2026, 3, 1, 8, 30, tzinfo=KST)
    world.flush()
    item = load_item(world, edit.id, subscriber(world), None)
    assert item.released_at == dt.datetime(2026, 3, 1, 8, 30, tzinfo=KST)


def test_fact_change_across_documents_cites_both(world: Session) -> None:
    fact = {
        "entity": "ifez",
        "metric": "target_companies",
        "unit": "companies",
        "old": 250.0,
        "new": 300.0,
        "old_raw": "250개사",
        "new_raw": "300개사",
        "old_source": {
            "document_id": 1,
            "url": "https://a.example/1;jsessionid=XYZ?id=1&utm_medium=mail",
            "title": "3월 발표",
        },
        "new_source": {"document_id": 2, "url": "https://a.example/2", "title": "4월 발표"},
    }
    change = record(
        world,
        "fact_change",
        title="4월 발표 — target_companies: 250개사 → 300개사",
        diff={"facts": [fact]},
        significance=0.7,
    )
    item = load_item(world, change.id, subscriber(world), None)
    assert item.headline == "수치 변경: 목표 입주기업 (인천경제자유구역) 250개사 → 300개사"
    assert item.figure_changes == (
        FigureChange(
            "목표 입주기업 (인천경제자유구역)",
            "250개사",
            "300개사",
            Link("3월 발표", "https://a.example/1?id=1"),
            Link("4월 발표", "https://a.example/2"),
        ),
    )
    assert item.title == "4월 발표"
    assert item.why == "모든 변경"
    assert item.edits == ()
    assert not INTERNAL.search(subject(item))


def test_fact_change_within_one_document(world: Session) -> None:
    same = {"document_id": 2, "url": "https://a.example/2", "title": "4월 발표"}
    fact = {
        "entity": "ifez",
        "metric": "budget",
        "unit": "KRW",
        "old": 5.97e10,
        "new": 6.5e10,
        "old_raw": "597억 원",
        "new_raw": "650억 원",
        "old_source": same,
        "new_source": same,
    }
    change = record(world, "fact_change", diff={"facts": [fact]})
    item = load_item(world, change.id, subscriber(world, "en"), None)
    assert item.figure_changes == (
        FigureChange("budget (Incheon FEZ)", "597억 원", "650억 원", None, None),
    )
    assert item.why == "all changes"


@pytest.mark.parametrize(
    ("kind", "diff", "ko", "en"),
    [
        ("new_document", {}, "새 보도자료", "New release"),
        (
            "removed_document",
            {},
            "삭제: 발표 기관이 게시판에서 내린 보도자료입니다",
            "Withdrawn: The publisher has taken this release down",
        ),
        ("correction", {}, "정정", "Correction"),
        (
            "attachment_replaced",
            {"attachments": {"old": {"name": "a.hwp"}, "new": {"name": "b.pdf"}, "renamed": True}},
            "첨부 교체: a.hwp → b.pdf",
            "Attachment replaced: a.hwp → b.pdf",
        ),
        (
            "attachment_added",
            {"attachments": {"old": None, "new": {"name": "계획.pdf"}, "renamed": False}},
            "첨부 추가: 계획.pdf",
            "Attachment added: 계획.pdf",
        ),
    ],
)
def test_headlines(world: Session, kind: str, diff: dict[str, Any], ko: str, en: str) -> None:
    change = record(world, kind, diff=diff)
    for language, expected in (("ko", ko), ("en", en)):
        item = load_item(world, change.id, subscriber(world, language), None)
        assert item.headline == expected
    assert load_item(world, change.id, subscriber(world), None).is_correction == (
        kind == "correction"
    )


def test_an_attachment_record_lists_the_file_with_a_clean_link(world: Session) -> None:
    detail = {
        "old": None,
        "new": {"name": "계획.pdf", "url": "https://a.example/f?PHPSESSID=1&no=3"},
        "renamed": False,
    }
    change = record(
        world,
        "attachment_added",
        title="송도 계획 발표 — 계획.pdf",
        diff={"attachments": detail},
    )
    item = load_item(world, change.id, subscriber(world), None)
    assert [(a.action, a.name, a.url) for a in item.attachments] == [
        (AttachmentAction.ADDED, "계획.pdf", "https://a.example/f?no=3")
    ]
    assert item.title == "송도 계획 발표"


def model_change(
    session: Session, action: str, *, origin: str, status: str, **entry: Any
) -> ChangeRecord:
    before = {"id": "ifez", "kind": "fez", "name": {"ko": "인천경제자유구역", "en": "Incheon FEZ"}}
    after = {**before, **entry.pop("after", {})}
    change = EntityChange(
        entity_id="ifez",
        action=action,
        status=status,
        origin=origin,
        before=before,
        after=after,
        effective_on=entry.pop("effective_on", None),
    )
    session.add(change)
    session.flush()
    return record(
        session,
        "model_change",
        title=f"Proposed: ifez {action} — 인천경제자유구역 확대 지정",
        summary=f"인천경제자유구역 (Incheon FEZ): {action}",
        entity_change_id=change.id,
        significance=0.9,
        topics=(),
        source_id=None,
    )


def test_a_zones_yaml_lifting_reads_as_a_sentence(world: Session) -> None:
    change = model_change(
        world, "lift", origin="config", status="applied", after={"lifted": "2026-12-01"}
    )
    korean = load_item(world, change.id, subscriber(world), None)
    assert korean.is_model_change
    assert korean.title == "인천경제자유구역: 지정 해제 (2026-12-01 발효)"
    assert subject(korean) == "구역 변경: 인천경제자유구역: 지정 해제 (2026-12-01 발효)"
    assert korean.level is Level.MAJOR
    assert release_line(korean) == "", "nobody released a zones.yaml edit"
    english = load_item(world, change.id, subscriber(world, "en"), None)
    assert english.title == "Incheon FEZ: designation withdrawn, effective 2026-12-01"
    for item in (korean, english):
        assert not INTERNAL.search(subject(item))
        assert not INTERNAL.search(item.headline)


def test_a_proposal_says_it_is_not_reviewed_yet(world: Session) -> None:
    change = model_change(
        world,
        "expand",
        origin="document",
        status="proposed",
        effective_on=dt.date(2026, 8, 10),
        after={"event": {"action": "expand", "on": "2026-08-10", "round": 3}},
    )
    item = load_item(world, change.id, subscriber(world), None)
    assert item.title == (
        "인천경제자유구역: 구역 확대 (3차) (2026-08-10 발효) — 보도 내용 기준, 검토 전"
    )
    english = load_item(world, change.id, subscriber(world, "en"), None)
    assert english.title == (
        "Incheon FEZ: area expanded (round 3), effective 2026-08-10 — as reported, not yet reviewed"
    )


def test_a_rename_names_both_names(world: Session) -> None:
    change = model_change(
        world,
        "rename",
        origin="config",
        status="applied",
        after={"name": {"ko": "인천글로벌경제자유구역", "en": "Incheon Global FEZ"}},
    )
    world.get_one(Entity, "ifez").name_ko = "인천글로벌경제자유구역"
    item = load_item(world, change.id, subscriber(world), None)
    assert item.title == (
        "인천글로벌경제자유구역: 명칭 변경 (인천경제자유구역 → 인천글로벌경제자유구역)"
    )


def test_a_proposal_inside_a_document_event_is_a_section(world: Session) -> None:
    release = record(world, "new_document", title="인천경제자유구역 확대 지정")
    proposal = model_change(
        world,
        "expand",
        origin="document",
        status="proposed",
        effective_on=dt.date(2026, 8, 10),
    )
    item = load_event(world, [release, proposal], *reader())
    assert item.title == "인천경제자유구역 확대 지정"
    assert item.model_changes == (
        "인천경제자유구역: 구역 확대 (2026-08-10 발효) — 보도 내용 기준, 검토 전",
    )
    assert item.significance == 0.9
    assert item.change_ids == (release.id, proposal.id)


def test_why_names_every_criterion(world: Session) -> None:
    change = record(world, "new_document")
    reader_row = subscriber(
        world,
        source_id="test-board",
        change_kind="new_document",
        keyword="바이오",
        min_significance=0.5,
    )
    reader_row.subscriptions[0].language = "ko"
    item = load_item(world, change.id, reader_row, reader_row.subscriptions[0])
    assert item.why == (
        "키워드: 바이오 · 출처: Test board · 유형: 새 보도자료 · 언어: 한국어 · 중요도 '주목' 이상"
    )


def test_title_is_one_line(world: Session) -> None:
    change = record(world, "new_document", title="첫 줄\r\n둘째\u2028줄")
    item = load_item(world, change.id, subscriber(world), None)
    assert item.title == "첫 줄 둘째 줄"


def test_missing_change(world: Session) -> None:
    with pytest.raises(LookupError):
        load_item(world, 987654, subscriber(world), None)


def test_an_event_needs_records(world: Session) -> None:
    with pytest.raises(ValueError, match="at least one change record"):
        load_event(world, [], subscriber(world), None)


def test_excerpt_starts_near_a_late_change() -> None:
    lead = "변경 없는 앞부분 문장입니다. " * 80
    body = diff_text(lead + "사업비 597억 원 " + lead, lead + "사업비 650억 원 " + lead)
    excerpt = diff_excerpt({"body": body.to_json()})
    assert "[-597억-]{+650억+}" in excerpt
    assert len(excerpt) <= 410
    assert excerpt.startswith("… ")
    assert "\n" not in excerpt


def test_excerpt_of_nothing() -> None:
    assert diff_excerpt({}) == ""
    assert diff_excerpt({"body": {"ops": "broken"}}) == ""


# --- the lede -------------------------------------------------------------------------------


def test_the_lede_takes_whole_sentences_up_to_the_limit() -> None:
    text = "첫 문장입니다. 두 번째 문장은 조금 더 깁니다. 세 번째 문장은 한도를 넘깁니다."
    assert lede(text, limit=30) == "첫 문장입니다. 두 번째 문장은 조금 더 깁니다."
    assert lede(text, limit=200) == text


def test_a_long_first_sentence_is_cut_between_two_words() -> None:
    sentence = "인천경제자유구역청은 송도국제도시 바이오 클러스터에 2030년까지 650억 원을 투입한다"
    cut = lede(sentence, limit=40)
    assert cut.endswith("…")
    assert len(cut) <= 40
    kept = cut.removesuffix("…").split(" ")
    assert all(word in sentence.split(" ") for word in kept), cut


def test_the_lede_skips_the_repeated_title_and_bullets() -> None:
    title = "2020년 청년내일채움공제, 시작합니다"
    text = (
        "2020년 청년내일채움공제, 시작합니다!\n\n□ 고용노동부는 1월 1일부터 사업을 시작한다고"
        "\n밝혔다.\n\n ㅇ 청년공제란 청년의 자산형성을 지원하는 사업이다."
    )
    assert lede(text, title) == (
        "고용노동부는 1월 1일부터 사업을 시작한다고 밝혔다. 청년공제란 청년의 자산형성을"
        " 지원하는 사업이다."
    )


def test_the_summary_lines_lead_when_they_say_more_than_the_title() -> None:
    subtitle = (
        "□ 장관 신년사 배포 벗어나 간부회의 공개\n□ 지난해 ‘연결의 힘’ 이어 ‘관점의 이동’ 강조"
    )
    assert lede("본문 첫 문장.", "제목", subtitle) == (
        "장관 신년사 배포 벗어나 간부회의 공개 · 지난해 ‘연결의 힘’ 이어 ‘관점의 이동’ 강조"
    )
    assert lede("본문 첫 문장.", "같은 제목", "같은 제목") == "본문 첫 문장."
    assert lede("", "제목") == ""


# --- whole events through the pipeline --------------------------------------------------------


def test_a_new_release_shows_date_source_department_lede_and_facts(pipeline: Pipeline) -> None:
    ids = pipeline.correction_event()[0]
    item = pipeline.item(ids)
    assert item.kind == "new_document"
    assert item.title == ORIGINAL_TITLE
    assert item.released_at == dt.datetime(2026, 8, 5, 10, tzinfo=KST)
    assert item.source_name is not None
    assert item.source_name.startswith("산업통상부")
    assert item.department == "산업입지정책과"
    assert item.url == "https://www.motir.go.kr/kor/article/ATCL171830?bbs_seq_n=171830"
    assert item.lede.startswith("산업통상부는 산업단지 대개조 2차 지역으로")
    assert item.lede.endswith("목표로 하고 있다.")
    values = [fact.value for fact in item.facts]
    assert {"1,800억 원", "5,400억 원", "6,000개"} <= set(values)
    assert len(values) == len(set(values))
    assert FactLine("예산·사업비 (계획, 2029년까지)", "1,800억 원") in item.facts
    english = pipeline.item(ids, "en")
    assert FactLine("budget (planned, by 2029)", "1,800억 원") in english.facts
    assert FactLine("target jobs", "6,000개") in english.facts
    for shown in (item, english):
        labels = " ".join(fact.label for fact in shown.facts)
        assert not INTERNAL.search(labels)
        assert not INTERNAL.search(subject(shown))
    assert subject(item) == f"새 보도자료: {ORIGINAL_TITLE}"


def test_an_edit_shows_the_diff_the_figures_and_the_attachment(pipeline: Pipeline) -> None:
    ids = pipeline.edit_event()
    item = pipeline.item(ids)
    assert item.kind == "changed_document"
    assert item.title == EDIT_TITLE
    [edit] = item.edits
    assert "[-597억-]{+650억+}" in edit.diff_excerpt
    assert [(f.old, f.new) for f in item.figure_changes] == [
        ("597억 원", "650억 원"),
        ("250개사", "300개사"),
    ]
    assert item.figure_changes[1].label == "목표 입주기업"
    assert [(a.action, a.name) for a in item.attachments] == [
        (AttachmentAction.ADDED, EDIT_ATTACHMENT)
    ]
    assert item.url is not None
    assert "jsessionid" not in item.url
    assert "utm_" not in item.url
    assert item.department == "투자유치기획과"
    assert item.released_at == dt.datetime(2026, 7, 20, 10, tzinfo=KST)
    assert subject(item) == f"수정: {EDIT_TITLE} (수치 변경 2건)"
    assert subject(pipeline.item(ids, "en")) == f"Edited: {EDIT_TITLE} (+2 figures)"
    assert item.level is Level.NOTABLE


def test_an_edit_shows_the_figures_its_text_states_not_an_unchanged_attachments(
    pipeline: Pipeline,
) -> None:
    """The demo's edit listed 597억 beside 650억: the attachment, untouched by the edit, still
    stated the old figures, and the classifier reads attachments after the text."""
    ids = pipeline.edit_event()
    with pipeline.app.session() as session:
        lead = pipeline.records(session, ids)[0]
        assert lead.new_version_id is not None
        [attachment] = session.scalars(
            select(Attachment).where(Attachment.version_id == lead.new_version_id)
        )
        attachment.text = EDIT_BEFORE
        classify_version(session, lead.new_version_id, pipeline.app.classifier, force=True)
    values = [fact.value for fact in pipeline.item(ids).facts]
    assert {"650억 원", "300개사"} <= set(values)
    assert not {"597억 원", "250개사"} & set(values)


def test_a_correction_says_what_it_corrects(pipeline: Pipeline) -> None:
    _, ids = pipeline.correction_event()
    item = pipeline.item(ids)
    assert item.is_correction
    assert item.title == CORRECTION_TITLE
    assert item.correction is not None
    assert item.correction.original == Link(
        ORIGINAL_TITLE, "https://www.motir.go.kr/kor/article/ATCL171830?bbs_seq_n=171830"
    )
    assert item.correction.original_released_at == dt.datetime(2026, 8, 5, 10, tzinfo=KST)
    assert [(f.old, f.new) for f in item.correction.figures] == [
        ("1,800억 원", "1,950억 원"),
        ("5,400억 원", "5,850억 원"),
    ]
    assert item.headline == "정정: 예산·사업비 1,800억 원 → 1,950억 원 외 1건"
    assert subject(item) == f"정정: {ORIGINAL_TITLE} (예산·사업비 1,800억 원 → 1,950억 원)"
    assert item.facts == (), "the notice's figures are shown as corrections, not again"
    english = pipeline.item(ids, "en")
    assert subject(english) == f"Correction: {ORIGINAL_TITLE} (budget 1,800억 원 → 1,950억 원)"


def test_a_correction_of_an_unknown_release_says_so(pipeline: Pipeline) -> None:
    ids = pipeline.release(
        "motir-press",
        "171899",
        title="[정정] 「전혀 다른 보도자료」 중 일부 수치 정정",
        text="지난 보도자료의 수치를 바로잡습니다.",
    )
    item = pipeline.item(ids)
    assert item.is_correction
    assert item.correction is not None
    assert item.correction.original is None
    assert subject(item) == "정정: 「전혀 다른 보도자료」 중 일부 수치 정정"


def test_load_item_is_the_event_of_its_one_record(pipeline: Pipeline) -> None:
    ids = pipeline.edit_event()
    with pipeline.app.session() as session:
        person, _ = reader()
        lead = pipeline.records(session, ids)[0]
        assert load_item(session, lead.id, person, None) == load_event(
            session, [lead], person, None
        )


# --- digests --------------------------------------------------------------------------------


def item(change_id: int, significance: float, zone: str | None, **fields: Any) -> AlertItem:
    values: dict[str, Any] = {
        "change_id": change_id,
        "kind": "new_document",
        "title": f"item {change_id}",
        "url": None,
        "source_name": None,
        "department": None,
        "released_at": None,
        "detected_at": dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        "significance": significance,
        "zones": ((zone, zone),) if zone else (),
        "topics": ("계획",),
        "headline": "새 보도자료",
        "lede": "",
        "why": "모든 변경",
    }
    values.update(fields)
    return AlertItem(**values)


def test_group_for_digest() -> None:
    items = [
        item(1, 0.3, "송도"),
        item(2, 0.9, "부산"),
        item(3, 0.5, "송도"),
        item(4, 0.95, None),
        item(5, 0.1, "부산"),
    ]
    groups = group_for_digest(items)
    assert [(name, [i.change_id for i in members]) for name, members in groups] == [
        ("기타", [4]),
        ("부산", [2, 5]),
        ("송도", [3, 1]),
    ]
    assert group_for_digest(items, "en")[0][0] == "Other"
    assert group_for_digest([]) == []


def test_digest_summary() -> None:
    items = [
        item(1, 0.3, "송도", topics=("계획", "투자")),
        item(2, 0.9, "송도", kind="fact_change"),
        item(3, 0.2, None, topics=()),
    ]
    assert digest_summary(items) == {
        "zones": {"송도": 2, "기타": 1},
        "topics": {"계획": 2, "투자": 1},
        "kinds": {"new_document": 2, "fact_change": 1},
    }


def test_items_are_plain_frozen_data() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        item(1, 0.3, None).title = "x"  # type: ignore[misc]
