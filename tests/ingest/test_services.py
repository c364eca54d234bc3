from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.crawlers.items import FetchedItem
from zonewatch.ingest.announcements import Appearance
from zonewatch.ingest.services import (
    IngestResult,
    content_hash,
    ingest_fetched_item,
    load_items,
    mark_items,
)
from zonewatch.models import ChangeRecord, Document, DocumentVersion, Snapshot
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.enums import IngestOutcome, ItemOutcome
from zonewatch.timefmt import KST


def versions(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(DocumentVersion)) or 0)


def ingest(session: Session, run: object, **fields: object) -> str:
    row = factories.fetched(session, run, **fields)  # type: ignore[arg-type]
    return ingest_fetched_item(session, row.id).result


def test_new_unchanged_changed(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest(db_session, run) == "new"
    assert ingest(db_session, run) == "unchanged"
    assert ingest(db_session, run, text="목표 입주기업 300개사, 고용 1만5000명.") == "changed"
    assert versions(db_session) == 2
    document = db_session.scalars(select(Document)).one()
    assert document.current_version is not None
    assert document.current_version.number == 2


def test_whitespace_and_attachment_urls_are_not_changes(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    attachment = {
        "name": "보도자료.pdf",
        "url": "https://x/f?sid=1",
        "sha256": "a" * 64,
        "text": "첨부",
    }
    assert ingest(db_session, run, attachments=[attachment]) == "new"
    moved = {**attachment, "url": "https://x/f;jsessionid=ZZZ?sid=2"}
    assert ingest(db_session, run, attachments=[moved]) == "unchanged"
    replaced = {**attachment, "sha256": "b" * 64, "text": "새 첨부"}
    assert ingest(db_session, run, attachments=[replaced]) == "changed"


def test_addresses_are_stored_without_session_ids_or_tracking(db_session: Session) -> None:
    """One release seen under two session ids is one document with one clean address."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    page = "https://www.fez.go.kr/portal/ko/bbs/news/view.do"
    raw = {
        "sha256": "d" * 64,
        "path": "snapshots/dd/x.gz",
        "size": 1,
        "http_status": 200,
        "content_type": "text/html",
        "encoding": "utf-8",
    }
    attachment = {
        "name": "보도자료.hwp",
        "url": "https://www.fez.go.kr/portal/cmm/fms/FileDown.do;jsessionid=AAA?atchFileId=F1&fileSn=0",
        "sha256": "a" * 64,
        "text": "첨부",
    }
    first = ingest(
        db_session,
        run,
        external_id="518",
        url=f"{page};jsessionid=0A1B2C3D?nttId=518&utm_source=newsletter#body",
        attachments=[attachment],
        raw=raw,
    )
    again = ingest(
        db_session,
        run,
        external_id="518",
        url=f"{page};JSESSIONID=FFEE?nttId=518",
        attachments=[{**attachment, "url": attachment["url"].replace("AAA", "BBB")}],
    )
    assert (first, again) == ("new", "unchanged")
    document = db_session.scalars(select(Document)).one()
    assert document.url == f"{page}?nttId=518"
    version = document.current_version
    assert version is not None
    assert [a.url for a in version.attachments] == [
        "https://www.fez.go.kr/portal/cmm/fms/FileDown.do?atchFileId=F1&fileSn=0"
    ]
    assert db_session.scalars(select(Snapshot.url)).one() == f"{page}?nttId=518"


def test_same_raw_page_new_extractor_is_a_technical_version(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    raw = {
        "sha256": "c" * 64,
        "path": "snapshots/cc/x.gz",
        "size": 1,
        "http_status": 200,
        "content_type": "text/html",
        "encoding": "utf-8",
    }
    assert ingest(db_session, run, raw=raw) == "new"
    assert (
        ingest(db_session, run, raw=raw, text="더 잘 추출된 본문", extractor_version="2")
        == "technical"
    )
    latest = db_session.scalars(select(DocumentVersion).order_by(DocumentVersion.id.desc())).first()
    assert latest is not None
    assert latest.technical


def test_status_outcomes_touch_the_document_only(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest(db_session, run) == "new"
    assert ingest(db_session, run, outcome=ItemOutcome.NOT_MODIFIED) == "not_modified"
    assert ingest(db_session, run, outcome=ItemOutcome.LISTED) == "seen"
    assert ingest(db_session, run, outcome=ItemOutcome.GONE) == "gone"
    assert versions(db_session) == 1
    assert db_session.scalars(select(Document.status)).one() == "withdrawn"
    assert ingest(db_session, run) == "changed"  # it came back
    assert db_session.scalars(select(Document.status)).one() == "active"


def test_ingesting_the_same_row_twice_is_a_no_op(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    row = factories.fetched(db_session, run)
    first = ingest_fetched_item(db_session, row.id)
    again = ingest_fetched_item(db_session, row.id)
    assert (first.result, first.repeated) == ("new", False)
    # The repeat says what the first run made, so a redelivered task can send its follow-up.
    assert (again.result, again.version_id, again.repeated) == ("new", first.version_id, True)
    assert again.document_id == first.document_id
    assert versions(db_session) == 1


def test_content_hash_ignores_attachment_order() -> None:
    base = FetchedItem(
        source_id="s", external_id="1", url="u", outcome=ItemOutcome.FETCHED, title="t", text="x"
    )
    a = FetchedItem.from_payload(
        {
            **base.payload(),
            "attachments": [
                {"name": "a", "url": "1", "sha256": "1"},
                {"name": "b", "url": "2", "sha256": "2"},
            ],
        }
    )
    b = FetchedItem.from_payload(
        {
            **base.payload(),
            "attachments": [
                {"name": "b", "url": "2", "sha256": "2"},
                {"name": "a", "url": "1", "sha256": "1"},
            ],
        }
    )
    assert content_hash(a) == content_hash(b)


# --- stale items --------------------------------------------------------------------------

DAY_0 = dt.datetime(2026, 8, 10, 9, tzinfo=dt.UTC)
DAY_1 = DAY_0 + dt.timedelta(days=1)
DAY_2 = DAY_0 + dt.timedelta(days=2)
OLD_TEXT = "2단계 사업에는 2030년까지 597억 원이 투입된다."
NEW_TEXT = "2단계 사업에는 2030년까지 650억 원이 투입된다."


def current_text(session: Session) -> str:
    document = session.scalars(select(Document)).one()
    assert document.current_version is not None
    return document.current_version.text


def ingest_at(session: Session, run: object, fetched_at: dt.datetime, **fields: object) -> str:
    return ingest(session, run, fetched_at=fetched_at, **fields)


def test_an_item_fetched_before_the_current_version_is_superseded(db_session: Session) -> None:
    """A killed crawl's item ingested after a newer crawl: 597억 must not replace 650억."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest_at(db_session, run, DAY_1, text=NEW_TEXT) == "new"
    stale = factories.fetched(db_session, run, fetched_at=DAY_0, text=OLD_TEXT)

    result = ingest_fetched_item(db_session, stale.id)

    assert (result.result, result.version_id) == ("superseded", None)
    assert current_text(db_session) == NEW_TEXT
    assert versions(db_session) == 1
    assert (stale.status, stale.result) == ("superseded", "superseded")
    assert stale.payload is not None  # kept as a record, unlike an ingested item's
    assert FetchedItem.from_payload(stale.payload).text == OLD_TEXT
    again = ingest_fetched_item(db_session, stale.id)
    assert (again.result, again.repeated) == ("superseded", True)


def test_a_newer_unchanged_fetch_also_supersedes_an_older_edit(db_session: Session) -> None:
    """597 on day 0 and again on day 2: a day-1 item saying 650 is not the current text."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest_at(db_session, run, DAY_0, text=OLD_TEXT) == "new"
    assert ingest_at(db_session, run, DAY_2, text=OLD_TEXT) == "unchanged"
    assert ingest_at(db_session, run, DAY_1, text=NEW_TEXT) == "superseded"
    assert current_text(db_session) == OLD_TEXT


def test_stale_removals_and_304s_are_superseded(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest_at(db_session, run, DAY_1, text=NEW_TEXT) == "new"
    assert ingest_at(db_session, run, DAY_0, outcome=ItemOutcome.GONE) == "superseded"
    assert ingest_at(db_session, run, DAY_0, outcome=ItemOutcome.NOT_MODIFIED) == "superseded"
    document = db_session.scalars(select(Document)).one()
    assert document.status == "active"
    assert document.last_checked_at == DAY_1


def test_a_list_sighting_does_not_make_older_content_stale(db_session: Session) -> None:
    """Seeing the item on a list says nothing of its content: a day-1 edit still applies."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest_at(db_session, run, DAY_0, text=OLD_TEXT) == "new"
    assert ingest_at(db_session, run, DAY_2, outcome=ItemOutcome.LISTED) == "seen"
    assert ingest_at(db_session, run, DAY_1, text=NEW_TEXT) == "changed"
    assert current_text(db_session) == NEW_TEXT
    assert db_session.scalars(select(Document)).one().last_seen_at == DAY_2


def test_items_of_one_crawl_time_are_not_stale_to_each_other(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest_at(db_session, run, DAY_1, text=OLD_TEXT) == "new"
    assert ingest_at(db_session, run, DAY_1, text=NEW_TEXT) == "changed"


def test_furniture_named_in_ignore_patterns_never_makes_a_version(db_session: Session) -> None:
    spec = {"ignore": {"patterns": [r"^조회수\s*:?\s*[\d,]+\n?"]}}
    run = factories.crawl_run(db_session, factories.source(db_session, spec=spec))
    body = "목표 입주기업 250개사.\n"
    assert ingest(db_session, run, text="조회수 : 1,204\n" + body) == "new"
    assert ingest(db_session, run, text="조회수 : 1,377\n" + body) == "unchanged"
    assert ingest(db_session, run, text="조회수 : 1,377\n목표 입주기업 300개사.\n") == "changed"
    texts = db_session.scalars(select(DocumentVersion.text).order_by(DocumentVersion.number))
    assert [text.startswith("조회수") for text in texts] == [False, False]


def test_files_keep_their_validators_and_their_revalidation_time(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    attachment = {
        "name": "보도자료.pdf",
        "url": "https://x/f?sid=1",
        "sha256": "a" * 64,
        "text": "첨부",
        "etag": '"v1"',
        "last_modified": "Mon, 10 Aug 2026 00:00:00 GMT",
    }
    assert ingest(db_session, run, attachments=[attachment], attachments_checked=True) == "new"
    document = db_session.scalars(select(Document)).one()
    first_check = document.attachments_checked_at
    assert first_check is not None
    assert document.current_version is not None
    (stored,) = document.current_version.attachments
    assert (stored.http_etag, stored.http_last_modified) == ('"v1"', attachment["last_modified"])
    # Re-saved with the same text: no version, but the next request is conditional on the new tag.
    resaved = {**attachment, "sha256": "b" * 64, "etag": '"v2"'}
    assert ingest(db_session, run, attachments=[resaved], attachments_checked=True) == "unchanged"
    assert stored.http_etag == '"v2"'
    # A 304 page whose files were revalidated moves the revalidation time on.
    assert ingest(db_session, run, outcome=ItemOutcome.NOT_MODIFIED, attachments_checked=True) == (
        "not_modified"
    )
    assert document.attachments_checked_at is not None
    assert document.attachments_checked_at > first_check
    assert ingest(db_session, run, outcome=ItemOutcome.NOT_MODIFIED) == "not_modified"
    assert versions(db_session) == 1


def test_a_date_learnt_on_a_refetch_moves_the_records_that_had_none(db_session: Session) -> None:
    """A page first read without its date: its records sat by detection time; once a later
    version states the date, they sit at it in the log (and in its index)."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest(db_session, run, published_at=None) == "new"
    document = db_session.scalars(select(Document)).one()
    seen = dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC)
    record = ChangeRecord(
        kind="new_document",
        dedupe_key="undated",
        title="t",
        document_id=document.id,
        occurred_at=seen,
    )
    db_session.add(record)
    db_session.flush()
    assert record.placed_at == seen
    stated = dt.datetime(2026, 3, 2, 10, tzinfo=KST)
    assert ingest(db_session, run, text="고용 2만명.", published_at=stated) == "changed"
    db_session.refresh(record)
    assert record.placed_at == stated
    assert record.released_at is None


def test_a_batch_finds_its_known_documents_in_one_query(db_session: Session) -> None:
    """Each item used to look its document up (and lock it) on its own; the batch's preload
    locks them all at once and each item takes its document from the session."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    for external_id in ("1", "2", "3"):
        assert ingest(db_session, run, external_id=external_id) == "new"
    rows = [
        factories.fetched(db_session, run, external_id, text=f"고쳐진 본문 {external_id}")
        for external_id in ("1", "2", "3", "4")
    ]
    for row, external_id in zip(rows, ("1", "2", "3", "4"), strict=True):
        row.external_id = external_id  # as staged by a crawl (the factory makes them unique)
    db_session.flush()
    db_session.expunge_all()
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        held = load_items(db_session, [row.id for row in rows])
        results = [ingest_fetched_item(db_session, row.id).result for row in rows]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert results == ["changed", "changed", "changed", "new"]
    lookups = [s for s in seen if s.startswith("SELECT documents.") and "FROM documents" in s]
    # The batch's one only: item 4's document was looked for there, so it is new without a
    # lookup of its own.
    assert len(lookups) == 1
    assert len({id(row) for row in held}) == len(held)


def test_a_batch_reads_its_payloads_in_its_one_item_query(db_session: Session) -> None:
    """Payloads load only where read: the batch preload joins them into its item query (one
    statement for the whole batch, none per item), while a plain item query leaves them out."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    rows = [factories.fetched(db_session, run, str(n), text=f"본문 {n}") for n in range(4)]
    ids = [row.id for row in rows]
    db_session.flush()
    db_session.expunge_all()
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        listed = db_session.scalars(select(FetchedRow).where(FetchedRow.id.in_(ids))).all()
        assert len(listed) == 4
        assert "fetched_payloads" not in seen[-1]
        db_session.expunge_all()
        seen.clear()
        held = load_items(db_session, ids)
        loaded = len(seen)
        texts = [(db_session.get_one(FetchedRow, id_).payload or {}).get("text") for id_ in ids]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert texts == [f"본문 {n}" for n in range(4)]
    assert len(seen) == loaded, "no statement per item once the batch is loaded"
    item_queries = [s for s in seen if "FROM fetched_items" in s]
    assert len(item_queries) == 1
    assert "fetched_payloads" in item_queries[0]
    assert held


def test_a_new_document_goes_in_whole_and_the_next_item_of_the_batch_finds_it(
    db_session: Session,
) -> None:
    """A new document is written once with what its first item sets (it used to be inserted,
    then updated twice); a second item of it in the same batch takes that document rather
    than making another one (which the unique key would refuse, failing the batch)."""
    source = factories.source(db_session)
    rows = [
        factories.fetched(db_session, factories.crawl_run(db_session, source), "9", text=text)
        for text in ("첫 본문 입주기업 모집", "고쳐진 본문 입주기업 모집")
    ]
    for row in rows:
        row.external_id = "9"
    db_session.flush()
    db_session.expunge_all()
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(" ".join(statement.split()))

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        held = load_items(db_session, [row.id for row in rows])
        results = [ingest_fetched_item(db_session, row.id) for row in rows]
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [result.result for result in results] == ["new", "changed"]
    assert results[0].document_id == results[1].document_id
    # The links to the new current version (a circular key) and to the announcement are the
    # only write after the insert, in one UPDATE per ingest call (which a stage makes once for
    # its whole batch): a second UPDATE of a row left a second dead copy on PostgreSQL.
    links = ("UPDATE documents SET current_version_id", "UPDATE documents SET announcement_id")
    assert not [s for s in seen if s.startswith(links)]
    pointers = [s for s in seen if s.startswith("WITH given(id, ") and "UPDATE documents" in s]
    assert [p.split(")")[0] for p in pointers] == [
        "WITH given(id, current_version_id, announcement_id",
        "WITH given(id, current_version_id",
    ]
    assert sum(1 for s in seen if s.startswith("INSERT INTO documents ")) == 1
    current = db_session.scalar(
        select(Document.current_version_id).where(Document.id == results[0].document_id)
    )
    assert current == results[1].version_id
    assert len(held) == 3


def test_a_batch_preload_does_not_outlive_its_transaction(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    assert ingest(db_session, run) == "new"
    first = factories.fetched(db_session, run, text="첫 번째 수정")
    first.external_id = "1"
    held = load_items(db_session, [first.id])
    db_session.commit()
    second = factories.fetched(db_session, run, text="두 번째 수정")
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert ingest_fetched_item(db_session, second.id).result == "changed"
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert held
    assert any("FROM documents" in s and "FOR UPDATE" in s for s in seen) == (
        engine.dialect.name == "postgresql"
    )


def test_an_announcement_without_a_new_version_is_refused(db_session: Session) -> None:
    """An announcement comes with a document's first version; marking a result that had one
    without the other would drop its link without a word."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    row = factories.fetched(db_session, run, "1", text="본문")
    db_session.flush()
    document_id = 1_000_000
    result = IngestResult(
        row.id, document_id, IngestOutcome.NEW, None, appearance=Appearance(document_id, "f", "t")
    )

    with pytest.raises(ValueError, match="announcements without a new version"):
        mark_items(db_session, [result])
