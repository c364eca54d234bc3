from __future__ import annotations

import datetime as dt
import json
import zlib

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zonewatch.changes.queries import ChangeFilter, list_changes
from zonewatch.crawlers.items import FetchedItem
from zonewatch.models import (
    AlertDelivery,
    Base,
    ChangeEntity,
    ChangeRecord,
    DocumentVersion,
    Mention,
    VersionTopic,
)
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.alerts import delivery_message_id
from zonewatch.models.db import make_engine
from zonewatch.models.enums import ChangeKind
from zonewatch.models.migrate import (
    alembic_config,
    check,
    current_revision,
    head_revision,
    upgrade,
)


def test_migrations_create_the_model_schema_and_agree_with_it(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check(engine)  # raises when models and migrations disagree (alembic check)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_existing_subscribers_get_distinct_random_token_keys(fresh_database_url: str) -> None:
    """Tokens must name the row's own key: every existing row gets one, none shared."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "59e0ce5433d5")
        with engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO subscribers (email, language, timezone, status,"
                        " hard_failures, created_at, updated_at) VALUES (:email, 'ko',"
                        " 'Asia/Seoul', 'active', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"email": f"s{n}@example.org"},
                )
        upgrade(engine)
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT token_key FROM subscribers")).scalars().all()
        assert len(keys) == 3
        assert len(set(keys)) == 3
        assert all(key and len(key) >= 32 for key in keys)
    finally:
        engine.dispose()


def test_stored_links_lose_their_session_ids(fresh_database_url: str) -> None:
    """Links stored before canonicalisation are cleaned of session ids; other links, and the
    parameters that name an article, are left exactly as they were."""
    engine = make_engine(fresh_database_url)
    page = "https://www.fez.go.kr/portal/ko/bbs/news/view.do"
    try:
        upgrade(engine, "527b2fd1752f")
        # Rows go in through the tables as they were at that revision (reflected, not today's
        # models), so that columns added by later migrations cannot break the test.
        tables = MetaData()
        tables.reflect(engine)
        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="kfez-news-ko",
                name="KFEZ news",
                kind="board",
                url="https://www.fez.go.kr/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                created_at=now,
                updated_at=now,
            )
            for number, url in (
                (1, f"{page};jsessionid=0A1B?nttId=518"),
                (2, f"{page}?nttId=519&sidebar=1#top"),
            ):
                insert(
                    "documents",
                    id=number,
                    source_id="kfez-news-ko",
                    external_id=str(517 + number),
                    url=url,
                    status="active",
                    first_seen_at=now,
                    last_seen_at=now,
                )
            insert(
                "snapshots",
                id=1,
                document_id=1,
                fetched_at=now,
                url=f"{page};JSESSIONID=FF?nttId=518",
                http_status=200,
                sha256="a" * 64,
                size=1,
                path="snapshots/aa/a.gz",
            )
            insert(
                "document_versions",
                id=1,
                document_id=1,
                number=1,
                title="t",
                text="x",
                content_hash="h",
                extractor_version="1",
                technical=False,
                created_at=now,
            )
            insert(
                "attachments",
                id=1,
                version_id=1,
                position=0,
                name="a.hwp",
                url="https://www.gfez.go.kr/bbs/content/download.do?sid=9A&bCd=notice&seq=7",
                meta={},
            )
        upgrade(engine)
        with engine.connect() as connection:
            documents = connection.execute(text("SELECT url FROM documents ORDER BY id")).scalars()
            assert list(documents) == [f"{page}?nttId=518", f"{page}?nttId=519&sidebar=1#top"]
            snapshot = connection.execute(text("SELECT url FROM snapshots")).scalar_one()
            assert snapshot == f"{page}?nttId=518"
            attachment = connection.execute(text("SELECT url FROM attachments")).scalar_one()
            assert attachment == "https://www.gfez.go.kr/bbs/content/download.do?bCd=notice&seq=7"
    finally:
        engine.dispose()


def test_change_records_are_placed_by_the_logs_rule_and_stay_searchable(
    fresh_database_url: str,
) -> None:
    """The backfill places each record as the log ordered it (its release date, else its
    document's, else detection time); on SQLite the table's rebuild keeps its search triggers."""
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    released, published = now - dt.timedelta(days=3), now - dt.timedelta(days=9)
    try:
        upgrade(engine, "963917de273d")
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="s",
                name="S",
                kind="board",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                created_at=now,
                updated_at=now,
            )
            for number, date in ((1, published), (2, None)):
                insert(
                    "documents",
                    id=number,
                    source_id="s",
                    external_id=str(number),
                    url=f"https://x/{number}",
                    status="active",
                    first_seen_at=now,
                    last_seen_at=now,
                    published_at=date,
                )
            for number, document, release in ((1, 1, released), (2, 1, None), (3, 2, None)):
                insert(
                    "change_records",
                    id=number,
                    kind="new_document",
                    dedupe_key=str(number),
                    document_id=document,
                    title=f"t{number}",
                    significance=0.0,
                    signals={},
                    diff={},
                    minor=False,
                    baseline=False,
                    released_at=release,
                    occurred_at=now,
                    created_at=now,
                    review_status="new",
                )
        upgrade(engine)
        with Session(engine) as session:
            stored = {row.id: row.placed_at for row in session.scalars(select(ChangeRecord))}
            assert stored == {1: released, 2: published, 3: now}
            session.add(
                ChangeRecord(id=4, kind="new_document", dedupe_key="4", title="바이오클러스터")
            )
            session.commit()
            found = list_changes(session, ChangeFilter(text="바이오클러스터"))
            assert [change.record.dedupe_key for change in found] == ["4"]
    finally:
        engine.dispose()


def test_existing_entity_links_take_their_records_place(fresh_database_url: str) -> None:
    """Links made before they carried the log's place get their record's, so entity pages
    read from their index list the records already there."""
    engine = make_engine(fresh_database_url)
    placed = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    try:
        upgrade(engine, "0c7548e1168d")
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            for entity_id, kind in (("ifez", "fez"), ("odz", "zone_type")):
                insert(
                    "entities",
                    id=entity_id,
                    kind=kind,
                    name_ko=entity_id,
                    name_en=entity_id,
                    retired=False,
                    spec={},
                    created_at=placed[0],
                    updated_at=placed[0],
                )
            for number, at in enumerate(placed, start=1):
                insert(
                    "change_records",
                    id=number,
                    kind="model_change",
                    dedupe_key=f"k{number}",
                    title="t",
                    significance=0.5,
                    signals={},
                    diff={},
                    minor=False,
                    baseline=False,
                    occurred_at=at,
                    placed_at=at,
                    created_at=at,
                    review_status="new",
                )
                insert("change_entities", change_id=number, entity_id="ifez")
            insert("change_entities", change_id=2, entity_id="odz")
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT change_id, entity_id, placed_at FROM change_entities")
            ).all()
        assert sorted((change, entity) for change, entity, _ in rows) == [
            (1, "ifez"),
            (2, "ifez"),
            (2, "odz"),
        ]
        with Session(engine) as session:
            stored = {
                (link.change_id, link.entity_id): link.placed_at
                for link in session.scalars(select(ChangeEntity))
            }
            assert stored == {(1, "ifez"): placed[0], (2, "ifez"): placed[1], (2, "odz"): placed[1]}
            page = list_changes(session, ChangeFilter(entity_id="ifez"))
            assert [change.record.id for change in page] == [2, 1]
    finally:
        engine.dispose()


def test_ingested_items_release_their_payload_and_get_one_back_on_downgrade(
    fresh_database_url: str,
) -> None:
    """Upgrading releases the payloads of ingested rows only; the downgrade gives them the
    smallest payload older code reads (it cannot restore what was released)."""
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    before = _revision_before("ab1fad4751b9")
    payload = {"source_id": "s", "external_id": "7", "url": "https://x/7", "outcome": "fetched"}
    try:
        upgrade(engine, before)
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="s",
                name="S",
                kind="board",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                created_at=now,
                updated_at=now,
            )
            insert(
                "crawl_runs",
                id=1,
                source_id="s",
                trigger="manual",
                status="ok",
                queued_at=now,
                requests=0,
                bytes_received=0,
                not_modified=0,
                items_found=0,
                items_new=0,
                items_changed=0,
                items_unchanged=0,
                error_count=0,
                errors=[],
                stats={},
            )
            for number, status in ((1, "ingested"), (2, "pending"), (3, "superseded")):
                insert(
                    "fetched_items",
                    id=number,
                    run_id=1,
                    source_id="s",
                    external_id=str(number),
                    outcome="fetched",
                    payload={**payload, "external_id": str(number)},
                    status=status,
                    fetched_at=now,
                )
        upgrade(engine)
        with Session(engine) as session:
            kept = dict(session.execute(select(FetchedRow.id, FetchedRow.payload)).tuples().all())
        assert kept == {
            1: None,
            2: {**payload, "external_id": "2"},
            3: {**payload, "external_id": "3"},
        }
        _downgrade(engine, before)
        assert "pruned_at" not in {c["name"] for c in inspect(engine).get_columns("snapshots")}
        with engine.connect() as connection:
            restored = connection.execute(
                select(tables.tables["fetched_items"].c.payload).where(
                    tables.tables["fetched_items"].c.id == 1
                )
            ).scalar_one()
        item = FetchedItem.from_payload(restored)
        assert (item.source_id, item.external_id, item.outcome) == ("s", "1", "fetched")
    finally:
        engine.dispose()


def test_status_constraints_keep_every_row_and_refuse_unknown_values(
    fresh_database_url: str,
) -> None:
    """The CHECK constraints arrive without rebuilding tables: on SQLite a rebuild of a parent
    table runs its children's ON DELETE actions. Rows of parents and children all stay, the
    change log stays searchable, and a value outside its enum is refused."""
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    try:
        upgrade(engine, "0c7548e1168d")
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="s",
                name="S",
                kind="board",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                notified_health="healthy",
                created_at=now,
                updated_at=now,
            )
            insert(
                "crawl_runs",
                id=1,
                source_id="s",
                trigger="manual",
                status="partial",
                queued_at=now,
                requests=0,
                bytes_received=0,
                not_modified=0,
                items_found=1,
                items_new=1,
                items_changed=0,
                items_unchanged=0,
                error_count=0,
                errors=[],
                stats={},
            )
            insert(
                "fetched_items",
                id=1,
                run_id=1,
                source_id="s",
                external_id="1",
                outcome="fetched",
                payload={},
                status="ingested",
                result="new",
                fetched_at=now,
            )
            insert(
                "documents",
                id=1,
                source_id="s",
                external_id="1",
                url="https://x/1",
                status="withdrawn",
                first_seen_at=now,
                last_seen_at=now,
            )
            insert(
                "change_records",
                id=1,
                kind="removed_document",
                dedupe_key="1",
                document_id=1,
                title="산업단지 지정",
                significance=0.0,
                signals={},
                diff={},
                minor=False,
                baseline=False,
                occurred_at=now,
                placed_at=now,
                created_at=now,
                review_status="important",
            )
            insert(
                "subscribers",
                id=1,
                email="a@example.org",
                language="ko",
                timezone="Asia/Seoul",
                status="paused",
                hard_failures=0,
                token_key="k" * 32,
                created_at=now,
                updated_at=now,
            )
            insert(
                "alert_deliveries",
                id=1,
                subscriber_id=1,
                change_id=1,
                event_key="e",
                channel="email",
                delivery="daily",
                status="queued",
                message_id="m",
                attempts=0,
                created_at=now,
            )
        counted = ("crawl_runs", "fetched_items", "documents", "change_records", "alert_deliveries")

        def counts() -> dict[str, int]:
            with engine.connect() as connection:
                return {
                    table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in counted
                }

        assert counts() == dict.fromkeys(counted, 1)
        upgrade(engine)
        assert counts() == dict.fromkeys(counted, 1)
        with Session(engine) as session:
            found = list_changes(session, ChangeFilter(text="산업단지"))
            assert [change.record.id for change in found] == [1]
            record = session.get(ChangeRecord, 1)
            assert record is not None
            assert record.kind is ChangeKind.REMOVED_DOCUMENT
        for table, column in (
            ("crawl_runs", "status"),
            ("fetched_items", "result"),
            ("documents", "status"),
            ("change_records", "review_status"),
            ("alert_deliveries", "status"),
            ("sources", "notified_health"),
        ):
            with (
                pytest.raises(IntegrityError, match=f"ck_{table}_{column}"),
                engine.begin() as connection,
            ):
                connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
    finally:
        engine.dispose()


def test_the_constraint_migration_names_rows_it_cannot_keep(fresh_database_url: str) -> None:
    """A stored value outside its enum stops the upgrade with the table, column and value,
    instead of a constraint error that names none of them."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0c7548e1168d")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO sources (id, name, kind, url, language, spec, enabled, paused,"
                    " health, created_at, updated_at) VALUES ('s', 'S', 'board', 'https://x/',"
                    " 'ko', '{}', true, false, 'sleepy', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
        with pytest.raises(RuntimeError, match=r"sources\.health .*'sleepy'"):
            upgrade(engine)
        assert current_revision(engine) == "0c7548e1168d"
    finally:
        engine.dispose()


def _revision_before(revision: str) -> str:
    """The revision a migration follows, read from the scripts (the chain may be re-ordered)."""
    before = ScriptDirectory.from_config(alembic_config()).get_revision(revision).down_revision
    assert isinstance(before, str)
    return before


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def test_kind_constraints_keep_every_row_and_refuse_unknown_kinds(
    fresh_database_url: str,
) -> None:
    """Entity, alias and source kinds get their CHECK constraints in place: the rows (and the
    aliases hanging off the entity, which a SQLite rebuild of ``entities`` would cascade away)
    stay, a kind outside its enum is refused by name, and a downgrade lifts the constraints."""
    revision = "8ffcbe7a3568"
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    try:
        upgrade(engine, _revision_before(revision))
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "entities",
                id="fez-x",
                kind="fez",
                name_ko="경제자유구역",
                name_en="FEZ",
                retired=False,
                spec={},
                created_at=now,
                updated_at=now,
            )
            insert(
                "entity_aliases", id=1, entity_id="fez-x", text="X", lang="en", alias_kind="weak"
            )
            insert(
                "sources",
                id="s",
                name="S",
                kind="feed",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                notified_health="healthy",
                created_at=now,
                updated_at=now,
            )
        upgrade(engine)
        with engine.connect() as connection:
            kept = connection.execute(
                text(
                    "SELECT e.kind, a.alias_kind, s.kind FROM entities e"
                    " JOIN entity_aliases a ON a.entity_id = e.id, sources s"
                )
            ).all()
        assert [tuple(row) for row in kept] == [("fez", "weak", "feed")]
        refused = (("entities", "kind"), ("entity_aliases", "alias_kind"), ("sources", "kind"))
        for table, column in refused:
            with (
                pytest.raises(IntegrityError, match=f"ck_{table}_{column}"),
                engine.begin() as connection,
            ):
                connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
        _downgrade(engine, _revision_before(revision))
        for table, column in refused:
            with engine.begin() as connection:
                connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
    finally:
        engine.dispose()


def _model_action_and_noise_rows(engine: Engine, action: str, token_kind: str) -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    tables = MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:

        def insert(table: str, **values: object) -> None:
            connection.execute(tables.tables[table].insert().values(**values))

        insert(
            "sources",
            id="s",
            name="S",
            kind="board",
            url="https://x/",
            language="ko",
            spec={},
            enabled=True,
            paused=False,
            health="healthy",
            notified_health="healthy",
            created_at=now,
            updated_at=now,
        )
        insert(
            "entity_changes",
            id=1,
            entity_id="fez-x",
            action=action,
            status="proposed",
            origin="document",
            evidence=[],
            created_at=now,
        )
        insert(
            "noise_rules", id=1, source_id="s", fragment="<phone>", kind=token_kind, created_at=now
        )
        insert("noise_rules", id=2, source_id="s", fragment="raw", kind=None, created_at=now)


def test_model_action_and_token_kind_constraints_keep_rows_and_refuse_unknown_values(
    fresh_database_url: str,
) -> None:
    """``entity_changes.action`` and ``noise_rules.kind`` get their CHECK constraints in place:
    the rows stay (a raw-fragment rule keeps its empty kind), a value outside its enum is
    refused by name, and a downgrade lifts the constraints."""
    revision = "aa3c5d28961c"
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, _revision_before(revision))
        _model_action_and_noise_rows(engine, "reform", "phone")
        upgrade(engine)
        with engine.connect() as connection:
            actions = connection.execute(text("SELECT action FROM entity_changes")).scalars()
            kinds = connection.execute(text("SELECT kind FROM noise_rules ORDER BY id")).scalars()
            assert (list(actions), list(kinds)) == (["reform"], ["phone", None])
        refused = (("entity_changes", "action"), ("noise_rules", "kind"))
        for table, column in refused:
            with (
                pytest.raises(IntegrityError, match=f"ck_{table}_{column}"),
                engine.begin() as connection,
            ):
                connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
        _downgrade(engine, _revision_before(revision))
        for table, column in refused:
            with engine.begin() as connection:
                connection.execute(text(f"UPDATE {table} SET {column} = 'bogus'"))
    finally:
        engine.dispose()


def test_the_action_constraint_migration_names_rows_it_cannot_keep(
    fresh_database_url: str,
) -> None:
    revision = "aa3c5d28961c"
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, _revision_before(revision))
        _model_action_and_noise_rows(engine, "merge", "phone")
        with pytest.raises(RuntimeError, match=r"entity_changes\.action .*'merge'"):
            upgrade(engine)
        assert current_revision(engine) == _revision_before(revision)
    finally:
        engine.dispose()


def test_texts_are_packed_on_sqlite_and_evidence_cut_to_what_readers_show(
    fresh_database_url: str,
) -> None:
    """Texts read back as they were and stay searchable (the index checked against its
    content, after new, changed and deleted versions); evidence keeps the shown words and the
    leading spans; the downgrade gives plain texts and the index as it was."""
    engine = make_engine(fresh_database_url)
    sqlite = engine.dialect.name == "sqlite"
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    body = "송도 바이오클러스터에 투자한다. " * 40
    spans = [{"text": word, "start": 0, "end": 2} for word in "가가나다가라마바사아"]
    before = _revision_before("82697b121b7b")
    try:
        upgrade(engine, before)
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="s",
                name="S",
                kind="board",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                created_at=now,
                updated_at=now,
            )
            insert(
                "documents",
                id=1,
                source_id="s",
                external_id="1",
                url="https://x/1",
                status="active",
                first_seen_at=now,
                last_seen_at=now,
            )
            for number in (1, 2):
                insert(
                    "document_versions",
                    id=number,
                    document_id=1,
                    number=number,
                    title=f"제목 {number}",
                    text=f"{number}판 {body}",
                    content_hash=str(number),
                    extractor_version="1",
                    technical=False,
                    created_at=now,
                )
            insert(
                "entities",
                id="e",
                kind="fez",
                name_ko="송도",
                name_en="Songdo",
                retired=False,
                spec={},
                created_at=now,
                updated_at=now,
            )
            insert("topics", id="t", name_en="T", name_ko="티")
            insert("mentions", id=1, version_id=1, entity_id="e", score=1.0, evidence=spans)
            insert("version_topics", version_id=1, topic_id="t", score=1.0, evidence=spans)
            insert(
                "facts",
                id=1,
                version_id=1,
                metric="investment",
                value=1,
                unit="KRW",
                raw="1원",
                start=0,
                end=2,
                period="unknown",
                evidence={"rule": "r", "where": "body"},
            )
        upgrade(engine)
        shown = ["가", "가", "나", "다", "라", "마"]
        with Session(engine) as session:
            read = session.execute(select(DocumentVersion.id, DocumentVersion.text))
            texts = {row.id: row.text for row in read}
            assert texts == {1: f"1판 {body}", 2: f"2판 {body}"}
            assert [m.evidence for m in session.scalars(select(Mention))] == [
                [spans[i] for i in (0, 1, 2, 3, 5, 6)]
            ]
            assert [
                [e["text"] for e in t.evidence] for t in session.scalars(select(VersionTopic))
            ] == [shown]
            found = session.scalars(
                select(DocumentVersion.id).where(DocumentVersion.text.like("2판 송도%"))
            )
            assert list(found) == [2]
            session.add(
                DocumentVersion(
                    id=3,
                    document_id=1,
                    number=3,
                    title="새 판",
                    text="인천 수소특구",
                    content_hash="3",
                    extractor_version="1",
                )
            )
            session.flush()
            version = session.get(DocumentVersion, 1)
            assert version is not None
            version.text = "고친 본문"
            session.delete(session.get(DocumentVersion, 2))
            session.commit()
        assert "evidence" not in {c["name"] for c in inspect(engine).get_columns("facts")}
        if sqlite:
            with engine.begin() as connection:
                stored = connection.execute(text("SELECT typeof(text) FROM document_versions"))
                assert set(stored.scalars()) == {"blob"}
                connection.execute(
                    text("INSERT INTO version_search(version_search) VALUES ('integrity-check')")
                )
                hits = connection.execute(
                    text("SELECT rowid FROM version_search WHERE version_search MATCH :q"),
                    {"q": '"수소특"'},
                )
                assert list(hits.scalars()) == [3]
        _downgrade(engine, before)
        assert "evidence" in {c["name"] for c in inspect(engine).get_columns("facts")}
        with engine.begin() as connection:
            rows = connection.execute(text("SELECT id, text FROM document_versions"))
            plain = {row.id: row.text for row in rows}
            assert plain == {1: "고친 본문", 3: "인천 수소특구"}
            if sqlite:
                connection.execute(
                    text("INSERT INTO version_search(version_search) VALUES ('integrity-check')")
                )
    finally:
        engine.dispose()


def test_evidence_items_become_arrays_and_read_back_as_the_same_objects(
    fresh_database_url: str,
) -> None:
    """Items of a known shape lose their key names in storage, not in reading; other items
    stay objects; the downgrade writes objects again, and packs texts without the preset
    dictionary that older code does not know."""
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    span = {"text": "송도", "start": 3, "end": 5, "where": "body", "rule": "name"}
    cue = {**span, "rule": "plan.ko.계획", "weight": 1.5}
    decision = {
        "rule": "model.plan",
        "where": "model",
        "probability": 0.9,
        "threshold": 0.5,
        "decided_by": "model",
    }
    other = {"text": "송도", "start": 3, "end": 5}
    before = _revision_before("b0da21fd5fe9")
    try:
        upgrade(engine, before)
        tables = MetaData()
        tables.reflect(engine)
        rows: dict[str, dict[str, object]] = {
            "sources": {
                "id": "s",
                "name": "S",
                "kind": "board",
                "url": "https://x/",
                "language": "ko",
                "spec": {},
                "enabled": True,
                "paused": False,
                "health": "healthy",
                "created_at": now,
                "updated_at": now,
            },
            "documents": {
                "id": 1,
                "source_id": "s",
                "external_id": "1",
                "url": "https://x/1",
                "status": "active",
                "first_seen_at": now,
                "last_seen_at": now,
            },
            "document_versions": {
                "id": 1,
                "document_id": 1,
                "number": 1,
                "title": "제목",
                "text": "본문",
                "content_hash": "1",
                "extractor_version": "1",
                "technical": False,
                "created_at": now,
            },
            "entities": {
                "id": "e",
                "kind": "fez",
                "name_ko": "송도",
                "name_en": "Songdo",
                "retired": False,
                "spec": {},
                "created_at": now,
                "updated_at": now,
            },
            "topics": {"id": "t", "name_en": "T", "name_ko": "티"},
            "mentions": {
                "id": 1,
                "version_id": 1,
                "entity_id": "e",
                "score": 1.0,
                "evidence": [span, other, span],
            },
            "version_topics": {
                "version_id": 1,
                "topic_id": "t",
                "score": 1.0,
                "evidence": [cue, decision],
            },
        }
        with engine.begin() as connection:
            for table, values in rows.items():
                if table == "document_versions" and engine.dialect.name == "sqlite":
                    values = {**values, "text": zlib.compress("본문".encode())}
                connection.execute(tables.tables[table].insert().values(**values))

        def stored() -> list[object]:
            with engine.connect() as connection:
                found = connection.execute(
                    text(
                        "SELECT evidence FROM mentions "
                        "UNION ALL SELECT evidence FROM version_topics"
                    )
                ).scalars()
                return [json.loads(v) if isinstance(v, str) else v for v in found]

        upgrade(engine)
        assert stored() == [
            [[0, "송도", 3, 5, 1, 0], other, [0, "송도", 3, 5, 1, 0]],
            [[1, "송도", 3, 5, 1, [2, "계획"], 1.5], [3, [14, "plan"], 2, 0.9, 0.5, "model"]],
        ]
        with Session(engine) as session:
            assert session.scalars(select(Mention.evidence)).one() == [span, other, span]
            assert session.scalars(select(VersionTopic.evidence)).one() == [cue, decision]
        assert _facts_index_where(engine) == "entity_id IS NOT NULL"
        with Session(engine) as session:
            version = session.get(DocumentVersion, 1)
            assert version is not None
            assert version.text == "본문"
            version.text = "고친 본문: 규제자유특구 지원"
            session.commit()
        _downgrade(engine, before)
        assert stored() == [[span, other, span], [cue, decision]]
        assert _facts_index_where(engine) is None
        if engine.dialect.name == "sqlite":
            with engine.begin() as connection:
                packed = connection.execute(text("SELECT text FROM document_versions")).scalar_one()
                assert zlib.decompress(packed).decode() == "고친 본문: 규제자유특구 지원"
                connection.execute(
                    text("INSERT INTO version_search(version_search) VALUES ('integrity-check')")
                )
    finally:
        engine.dispose()


def _facts_index_where(engine: Engine) -> str | None:
    """The partial-index condition of the facts' (entity, metric) index, as stored."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_facts_entity_metric'")
            ).scalar_one()
        else:
            sql = connection.execute(
                text("SELECT pg_get_indexdef('ix_facts_entity_metric'::regclass)")
            ).scalar_one()
    _, where, condition = str(sql).partition(" WHERE ")
    return condition.strip("() ") if where else None


def test_the_outbox_message_id_is_derived_and_written_back_on_downgrade(
    fresh_database_url: str,
) -> None:
    """Dropping the stored Message-ID changes no delivery's Message-ID: the model derives the
    value every row held, and the downgrade stores those values again."""
    engine = make_engine(fresh_database_url)
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    before = _revision_before("bb6ce06931e2")
    stored = {
        1: delivery_message_id("version:7", 1, "email"),
        2: delivery_message_id("withdrawal:1:7", 1, "json://hook.example/x"),
    }
    try:
        upgrade(engine, before)
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def insert(table: str, **values: object) -> None:
                connection.execute(tables.tables[table].insert().values(**values))

            insert(
                "sources",
                id="s",
                name="S",
                kind="board",
                url="https://x/",
                language="ko",
                spec={},
                enabled=True,
                paused=False,
                health="healthy",
                notified_health="healthy",
                created_at=now,
                updated_at=now,
            )
            insert(
                "documents",
                id=1,
                source_id="s",
                external_id="1",
                url="https://x/1",
                status="active",
                first_seen_at=now,
                last_seen_at=now,
            )
            insert(
                "change_records",
                id=1,
                kind="new_document",
                dedupe_key="1",
                document_id=1,
                title="산업단지 지정",
                significance=0.5,
                signals={},
                diff={},
                minor=False,
                baseline=False,
                occurred_at=now,
                placed_at=now,
                created_at=now,
                review_status="new",
            )
            insert(
                "subscribers",
                id=1,
                email="a@example.org",
                language="ko",
                timezone="Asia/Seoul",
                status="active",
                hard_failures=0,
                token_key="k" * 32,
                created_at=now,
                updated_at=now,
            )
            for number, (key, channel) in enumerate(
                (("version:7", "email"), ("withdrawal:1:7", "json://hook.example/x")), start=1
            ):
                insert(
                    "alert_deliveries",
                    id=number,
                    subscriber_id=1,
                    change_id=1,
                    event_key=key,
                    channel=channel,
                    delivery="immediate",
                    status="pending",
                    message_id=stored[number],
                    attempts=0,
                    created_at=now,
                )
        upgrade(engine)
        assert "message_id" not in {
            c["name"] for c in inspect(engine).get_columns("alert_deliveries")
        }
        with Session(engine) as session:
            derived = {row.id: row.message_id for row in session.scalars(select(AlertDelivery))}
        assert derived == stored
        _downgrade(engine, before)
        with engine.connect() as connection:
            restored = dict(
                connection.execute(text("SELECT id, message_id FROM alert_deliveries"))
                .tuples()
                .all()
            )
        assert restored == stored
    finally:
        engine.dispose()
