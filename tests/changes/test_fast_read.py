"""The compiled read path of ``changes list`` gives exactly what the ORM path gives, and its SQL
is exactly what ``make sql`` compiles from the SQLAlchemy definition."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.changes.test_queries import entity, model_change, record, topic, version
from tests.testkit import factories
from tests.testkit.workers import run_cli, zonewatch_env
from zonewatch.changes import fast_read, sql_gen
from zonewatch.changes.compiled_sql import TREE_SIZES
from zonewatch.changes.fast_read import list_page, timeline_events
from zonewatch.changes.log_view import ENTITY_ID, ChangeView, ListRequest, ListShape, TimelineEvent
from zonewatch.changes.queries import ChangeFilter, change_view, list_changes, timeline
from zonewatch.cli.changes import _print_timeline, _print_views
from zonewatch.cli.context import CliContext
from zonewatch.cli.render import OutputFormat
from zonewatch.config.database import DatabaseProblemError, SqliteFile, database_location
from zonewatch.config.zones import ENTITY_ID_PATTERN
from zonewatch.enums import ReviewStatus
from zonewatch.errors import NotFoundError
from zonewatch.models import ChangeRecord, Document, DocumentVersion
from zonewatch.models.db import make_engine, make_session_factory, session_scope
from zonewatch.timefmt import KST

DAY = dt.datetime(2026, 3, 10, 9, tzinfo=KST)
REQUESTS = [
    ListRequest(ListShape.LATEST, 50),
    ListRequest(ListShape.LATEST, 3),
    ListRequest(ListShape.SOURCE, 50, source_id="board-a"),
    ListRequest(ListShape.SOURCE, 2, source_id="board-b"),
    ListRequest(ListShape.TOPIC, 50, topic_id="plan"),
    ListRequest(ListShape.TOPIC, 1, topic_id="tax"),
]


def test_the_committed_sql_is_what_make_sql_compiles() -> None:
    """Like a lockfile: a change to the read queries (or to the columns) must come with
    ``make sql``, so the compiled text never drifts from the SQLAlchemy definition."""
    assert sql_gen.TARGET.read_text(encoding="utf-8") == sql_gen.render(), "run `make sql`"


def _fill(session: Session) -> None:
    """Records of every kind of row the list prints: with and without a document, a release
    date of their own or their document's or none, entities and topics or none, reviewed,
    baseline, with a diff and signals, one a second after another at the same place."""
    entity(session, "kfez", "zone_system")
    entity(session, "ifez", "fez", "kfez")
    topic(session, "plan")
    topic(session, "tax")
    factories.source(session, "board-a")
    factories.source(session, "board-b")
    documents = []
    for n, published in enumerate([DAY - dt.timedelta(days=3), None]):
        row = Document(
            source_id="board-a",
            external_id=f"doc-{n}",
            url=f"https://www.ifez.go.kr/view.do?pst_sn={n}&jsessionid=ABC",
            published_at=published,
        )
        session.add(row)
        documents.append(row)
    session.flush()
    for n in range(8):
        record(
            session,
            "changed_document" if n % 3 else "new_document",
            entities=(("ifez", "kfez") if n % 2 else ("ifez",)) if n % 4 else (),
            topics=("tax", "plan") if n % 3 == 1 else (("plan",) if n % 3 else ()),
            at=DAY + dt.timedelta(hours=n // 2, microseconds=n),
            source_id="board-a" if n < 5 else "board-b",
            document_id=documents[n % 2].id if n < 6 else None,
            released_at=DAY - dt.timedelta(days=n) if n % 3 == 2 else None,
            title=f"변경 {n} " + "긴 제목 " * (n * 4),
            summary=None if n % 2 else f"요약 {n}",
            significance=n / 8,
            signals={"band": "figure", "n": n},
            diff={"title": {"old": "a", "new": f"b{n}"}} if n % 2 else {},
            baseline=n == 3,
            minor=n == 4,
            event_key=f"event-{n}" if n % 2 else None,
        )
    reviewed = session.get(ChangeRecord, 2)
    assert reviewed is not None
    reviewed.review_status = ReviewStatus.IMPORTANT
    reviewed.reviewed_by = "analyst"
    reviewed.reviewed_at = DAY + dt.timedelta(days=1)
    reviewed.review_note = "확인"


@pytest.fixture
def filled(migrated_database_url: str) -> str:
    """A committed database (the compiled path reads on a connection of its own)."""
    engine = make_engine(migrated_database_url)
    with session_scope(make_session_factory(engine)) as session:
        _fill(session)
    engine.dispose()
    return migrated_database_url


def _orm_views(url: str, request: ListRequest) -> list[ChangeView]:
    engine = make_engine(url)
    filters = ChangeFilter(
        limit=request.limit, source_id=request.source_id, topic_id=request.topic_id
    )
    try:
        with session_scope(make_session_factory(engine)) as session:
            return [change_view(change) for change in list_changes(session, filters)]
    finally:
        engine.dispose()


def _fast_views(url: str, request: ListRequest) -> list[ChangeView]:
    location = database_location(url)
    assert location is not None
    return list_page(location, request)


def _printed(
    views: list[ChangeView], output: OutputFormat, capsys: pytest.CaptureFixture[str]
) -> str:
    context = CliContext({})
    buffer = io.StringIO()
    context.__dict__["console"] = Console(file=buffer, width=200, highlight=False, soft_wrap=True)
    _print_views(context, views, output, 0, KST)
    return buffer.getvalue() + capsys.readouterr().out


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.shape}-{r.limit}")
def test_both_paths_read_and_print_the_same_page(
    filled: str, request_: ListRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    orm = _orm_views(filled, request_)
    fast = _fast_views(filled, request_)
    assert orm, "a shape with no records proves little"
    assert fast == orm
    for output in (OutputFormat.TABLE, OutputFormat.JSON):
        assert _printed(fast, output, capsys) == _printed(orm, output, capsys)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (ListRequest(ListShape.SOURCE, 5, source_id="nowhere"), "unknown source 'nowhere'"),
        (ListRequest(ListShape.TOPIC, 5, topic_id="nothing"), "unknown topic 'nothing'"),
    ],
)
def test_a_misspelt_id_is_named_as_the_orm_path_names_it(
    filled: str, request_: ListRequest, message: str
) -> None:
    with pytest.raises(NotFoundError) as fast:
        _fast_views(filled, request_)
    with pytest.raises(NotFoundError) as orm:
        _orm_views(filled, request_)
    assert str(fast.value) == str(orm.value)
    assert str(fast.value).startswith(message)


def test_a_missing_database_is_not_initialised_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "zonewatch.sqlite"
    with pytest.raises(DatabaseProblemError, match="run `zonewatch init` first"):
        list_page(SqliteFile(missing), ListRequest(ListShape.LATEST, 5))
    assert not missing.exists()


def test_the_command_prints_what_the_orm_path_prints(
    filled: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The installed script, end to end: table, JSON and CSV as the ORM path renders them."""
    env = zonewatch_env(tmp_path, database_url=filled) | {"COLUMNS": "200"}
    request_ = ListRequest(ListShape.SOURCE, 4, source_id="board-a")
    orm = _orm_views(filled, request_)
    argv = ["changes", "list", "--source", "board-a", "--limit", "4"]
    printed = {output: run_cli(env, *argv, "--format", output.value) for output in OutputFormat}
    for output, text in printed.items():
        assert text == _printed(orm, output, capsys)
    as_json = json.loads(printed[OutputFormat.JSON])
    assert [row["id"] for row in as_json] == [view.id for view in orm]
    assert len(printed[OutputFormat.CSV].splitlines()) == len(orm) + 1


def _fill_tree(session: Session) -> None:
    """kfez > ifez > districts, another zone; records about one or several of them, with and
    without release dates, at tied places; model changes, one applied as a record."""
    entity(session, "kfez", "zone_system")
    entity(session, "ifez", "fez", "kfez")
    entity(session, "bjfez", "fez", "kfez")
    districts = [f"ifez-{n}" for n in range(5)]
    for district in districts:
        entity(session, district, "fez_district", "ifez")
    factories.source(session, "board-a")
    start = dt.datetime(2026, 1, 1, tzinfo=KST)
    for n in range(40):
        at = start + dt.timedelta(hours=n // 3, microseconds=1 + n // 3)
        about = sorted({districts[n % 5], districts[(3 * n) % 5], "ifez"})[: 1 + n % 3]
        if n % 9 == 0:
            about = ["bjfez"]
        record(
            session,
            "changed_document" if n % 2 else "new_document",
            entities=tuple(about),
            at=at,
            released_at=None if n % 4 == 0 else at - dt.timedelta(days=n % 5),
            source_id="board-a",
            significance=n / 40,
            baseline=n % 7 == 0,
        )
    for n, (entity_id, action) in enumerate(
        [("ifez-1", "create"), ("ifez", "rename"), ("ifez-2", "retire"), ("bjfez", "update")]
    ):
        change = model_change(session, entity_id, action, start + dt.timedelta(hours=3 * n))
        if action == "rename":
            record(
                session,
                "model_change",
                entities=("ifez",),
                at=start + dt.timedelta(hours=3 * n),
                entity_change_id=change.id,
            )


@pytest.fixture
def tree(migrated_database_url: str) -> str:
    engine = make_engine(migrated_database_url)
    with session_scope(make_session_factory(engine)) as session:
        _fill_tree(session)
    engine.dispose()
    return migrated_database_url


def _orm_timeline(url: str, entity_id: str, limit: int) -> list[TimelineEvent]:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return timeline(session, entity_id, limit)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("root", "limit"),
    [("ifez", 100), ("ifez", 5), ("ifez", 1), ("kfez", 12), ("ifez-3", 4), ("bjfez", 100)],
)
def test_both_paths_read_the_same_timeline(tree: str, root: str, limit: int) -> None:
    """Trees of one to nine entities, pages that reach back to part of their records (the
    reach) or to all of them, model changes with and without a record."""
    location = database_location(tree)
    assert location is not None
    fast = timeline_events(location, root, limit)
    orm = _orm_timeline(tree, root, limit)
    assert orm, "a timeline with no events proves little"
    assert fast == orm
    assert [event.as_json() for event in fast] == [event.as_json() for event in orm]


def test_a_name_or_a_tree_larger_than_compiled_is_read_through_the_orm(tree: str) -> None:
    location = database_location(tree)
    assert location is not None
    assert timeline_events(location, "nothing-by-this-id", 5) is None
    engine = make_engine(tree)
    with session_scope(make_session_factory(engine)) as session:
        for n in range(max(TREE_SIZES)):
            entity(session, f"bjfez-{n}", "fez_district", "bjfez")
    engine.dispose()
    assert timeline_events(location, "kfez", 5) is None
    assert timeline_events(location, "bjfez", 5) is None
    assert timeline_events(location, "ifez", 5) == _orm_timeline(tree, "ifez", 5)


def test_the_id_form_is_the_models() -> None:
    assert ENTITY_ID.pattern == ENTITY_ID_PATTERN.strip("^$")


def test_the_timeline_command_prints_what_the_orm_path_prints(
    tree: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = zonewatch_env(tmp_path, database_url=tree) | {"COLUMNS": "200"}
    orm = _orm_timeline(tree, "ifez", 7)
    for output in OutputFormat:
        printed = run_cli(env, "timeline", "ifez", "--limit", "7", "--format", output.value)
        context = CliContext({})
        buffer = io.StringIO()
        context.__dict__["console"] = Console(
            file=buffer, width=200, highlight=False, soft_wrap=True
        )
        _print_timeline(context, "ifez", orm, output, KST)
        assert printed == buffer.getvalue() + capsys.readouterr().out


def test_its_sqlite_connection_unpacks_texts_as_the_orm_packs_them(
    filled: str,
) -> None:
    """Its ``zw_unpack`` is the product's (texts packed against the preset dictionary read
    back): it had its own plain-zlib copy, which such a text stops with "need dictionary"."""
    location = database_location(filled)
    if not isinstance(location, SqliteFile):
        pytest.skip("texts are packed on SQLite only")
    engine = make_engine(filled)
    with session_scope(make_session_factory(engine)) as session:
        document = session.scalars(select(Document)).first()
        assert document is not None
        text = "인천경제자유구역청은 송도국제도시 입주기업 모집 계획을 밝혔다. " * 20
        version(session, document, 1, text)
        stored = {row.id: row.text for row in session.scalars(select(DocumentVersion))}
    engine.dispose()
    with fast_read._sqlite(location) as reader:
        unpacked = reader._execute("SELECT id, zw_unpack(text) FROM document_versions", {})
    assert dict(unpacked) == stored
