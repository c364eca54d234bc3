"""A classify batch is classified in memory, then written in a few statements for the batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError

from tests.testkit import factories
from tests.testkit.databases import unique_database_name
from tests.testkit.servers import PostgresServer
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.classify.services import classify_versions
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import DocumentVersion, Entity, Fact, Mention, Source, Topic, VersionTopic

RELEASES = [
    (
        "인천경제청, 송도 바이오 클러스터 투자유치 협약 체결",
        "인천경제자유구역청은 송도국제도시에 3,000억 원 규모 투자를 유치했다.",
    ),
    (
        "새만금개발청, 새만금 국가산업단지 입주기업 모집",
        "새만금 국가산업단지에 입주기업 120개사를 유치하고 일자리 5,000개를 만든다.",
    ),
    (
        "부산진해경제자유구역 신항 배후단지 조성 계획 발표",
        "부산진해경제자유구역청은 2030년까지 1조 2천억 원을 투입해 배후단지를 조성한다.",
    ),
]
TOO_LARGE = "송도에 99999999999999999999999999억 원 규모 투자를 유치했다."
"""A figure beyond the facts' numeric column (30 digits, 6 after the point)."""


def made_app(tmp_path: Path, database_url: str) -> App:
    app = configure(data_dir=tmp_path / "data", database_url=database_url)
    initialize(app)
    return app


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[App]:
    built = made_app(tmp_path, migrated_database_url)
    yield built
    built.dispose()


def store_versions(app: App, releases: list[tuple[str, str]]) -> list[int]:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        ids = []
        for index, (title, text) in enumerate(releases):
            row = factories.fetched(session, run, str(index), title=title, text=text)
            version_id = ingest_fetched_item(session, row.id).version_id
            assert version_id is not None
            ids.append(version_id)
        return ids


def statements(engine: Engine) -> list[str]:
    """Every statement the engine sends from now on (an executemany counts once)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    return seen


def written(seen: list[str], verb: str, table: str) -> int:
    return sum(1 for text in seen if text.startswith(f"{verb} {table} "))


def findings(app: App, version_id: int) -> tuple[set[str], set[str], int]:
    with app.session() as session:
        return (
            set(session.scalars(select(Mention.entity_id).where(Mention.version_id == version_id))),
            set(
                session.scalars(
                    select(VersionTopic.topic_id).where(VersionTopic.version_id == version_id)
                )
            ),
            session.scalar(select(func.count()).where(Fact.version_id == version_id)) or 0,
        )


def expected(app: App, title: str, text: str) -> tuple[set[str], set[str], int]:
    """What the classifier finds, limited to the entities and topics the database has."""
    result = app.classifier.classify(title, text, "ko")
    with app.session() as session:
        entities = set(session.scalars(select(Entity.id)))
        topics = set(session.scalars(select(Topic.id)))
    return (
        {hit.entity_id for hit in result.entities} & entities,
        {hit.topic for hit in result.topics} & topics,
        len(result.facts),
    )


def test_a_batch_stores_every_versions_findings_in_one_statement_per_table(app: App) -> None:
    ids = store_versions(app, RELEASES)
    seen = statements(app.engine)
    with app.session() as session:
        batch = classify_versions(session, ids, app.classifier)
    assert batch.failed == {}
    assert [batch.outcomes[v].classified for v in ids] == [True, True, True]
    for version_id, (title, text) in zip(ids, RELEASES, strict=True):
        assert findings(app, version_id) == expected(app, title, text)
        assert batch.outcomes[version_id].entities_after == findings(app, version_id)[0]
    assert written(seen, "INSERT INTO", "mentions") == 1
    assert written(seen, "INSERT INTO", "version_topics") == 1
    assert written(seen, "INSERT INTO", "facts") == 1
    assert written(seen, "UPDATE", "document_versions") == 1
    with app.session() as session:
        assert all(v.classified_at is not None for v in session.scalars(select(DocumentVersion)))


def test_a_redelivered_batch_writes_nothing_twice(app: App) -> None:
    ids = store_versions(app, RELEASES)
    with app.session() as session:
        classify_versions(session, ids, app.classifier)
    before = [findings(app, version_id) for version_id in ids]
    seen = statements(app.engine)
    with app.session() as session:
        again = classify_versions(session, ids, app.classifier)
    assert [again.outcomes[v].classified for v in ids] == [False, False, False]
    assert [again.outcomes[v].entities_after for v in ids] == [b[0] for b in before]
    assert [findings(app, version_id) for version_id in ids] == before
    assert not [text for text in seen if text.startswith(("INSERT", "UPDATE", "DELETE"))]


def test_forcing_a_batch_again_replaces_nothing_that_did_not_change(app: App) -> None:
    ids = store_versions(app, RELEASES)
    with app.session() as session:
        classify_versions(session, ids, app.classifier)
    seen = statements(app.engine)
    with app.session() as session:
        again = classify_versions(session, ids, app.classifier, force=True)
    assert [(again.outcomes[v].classified, again.outcomes[v].changed) for v in ids] == [
        (True, False)
    ] * 3
    assert written(seen, "DELETE FROM", "mentions") == 0
    assert written(seen, "UPDATE", "document_versions") == 1


def test_a_gone_version_is_left_out(app: App) -> None:
    (version_id,) = store_versions(app, RELEASES[:1])
    with app.session() as session:
        batch = classify_versions(session, [version_id, version_id + 1000], app.classifier)
    assert list(batch.outcomes) == [version_id]
    assert batch.failed == {}


@pytest.mark.integration
def test_a_figure_postgresql_refuses_raises_and_writes_nothing_of_the_batch(
    tmp_path: Path, postgres_server: PostgresServer, migrated_postgres: str
) -> None:
    """The batch write raises the refusal rather than hide it: the pipeline's classify stage
    writes the batch again version by version so that only that version fails (see
    tests/workers/test_refused_values.py)."""
    url = postgres_server.create_database(unique_database_name(), template=migrated_postgres)
    app = made_app(tmp_path, url)
    try:
        ids = store_versions(app, [RELEASES[0], (RELEASES[0][0], TOO_LARGE), RELEASES[2]])
        with pytest.raises(DataError, match="numeric field overflow"), app.session() as session:
            classify_versions(session, ids, app.classifier)
        assert [findings(app, version_id) for version_id in ids] == [(set(), set(), 0)] * 3
    finally:
        app.dispose()
