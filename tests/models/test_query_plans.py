"""The main queries read indexes on PostgreSQL at a realistic size, never a whole big table.

A database of some tens of thousands of rows is filled in bulk and analysed, and the plan
PostgreSQL chooses for each query (``EXPLAIN (FORMAT JSON)``, planner settings untouched)
must not scan a big table sequentially: at this size a missing index shows as a Seq Scan.
The statements explained are the ones the code runs, built by the same functions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

from tests.testkit.servers import PostgresServer
from zonewatch.alerts.events import records_of_events
from zonewatch.alerts.matching import Rule
from zonewatch.alerts.services import outbox_row
from zonewatch.changes.baseline import storing_items
from zonewatch.changes.fact_changes import earlier_statements_query
from zonewatch.changes.queries import (
    ChangeFilter,
    ChangePosition,
    EntityTree,
    change_query,
    entity_tree,
    newest_links_params,
    newest_links_query,
)
from zonewatch.changes.services import version_record_ids, versions_record_ids
from zonewatch.ingest.services import documents_query
from zonewatch.models import (
    AlertDelivery,
    ChangeEntity,
    ChangeRecord,
    CrawlRun,
    Document,
    DocumentVersion,
    Entity,
    Fact,
    FetchedItem,
    Source,
    Subscriber,
)
from zonewatch.models.bulk import insert_new_statement
from zonewatch.models.db import make_engine
from zonewatch.models.migrate import upgrade

pytestmark = pytest.mark.integration

BIG_TABLES = frozenset(
    {"change_records", "alert_deliveries", "documents", "document_versions", "fetched_items"}
)
DOCUMENTS = 5_000
RECORDS_PER_DOCUMENT = 4
OTHER_ENTITIES = 40
RUNS = 40
SUBSCRIBERS = 200
START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
TREE = ("tree", "tree-a", "tree-b", "tree-a-1")
METRICS = tuple(f"{prefix}_{year}" for prefix in ("investment", "budget") for year in range(5))


def _entities() -> list[dict[str, Any]]:
    parents = {"tree": None, "tree-a": "tree", "tree-b": "tree", "tree-a-1": "tree-a"}
    others = {f"other-{n}": None for n in range(OTHER_ENTITIES)}
    return [
        {"id": id_, "kind": "fez", "parent_id": parent, "name_ko": id_, "name_en": id_}
        for id_, parent in {**parents, **others}.items()
    ]


def _fill(session: Session) -> None:
    """Bulk rows: documents with one version each, four records per document linked to one
    entity each (a few in the tree), facts, crawl runs with staged items, and deliveries."""
    entity_ids = [row["id"] for row in _entities()]
    session.execute(insert(Entity), _entities())
    session.execute(
        insert(Source),
        [{"id": "s", "name": "s", "kind": "board", "url": "https://example.org", "language": "ko"}],
    )
    session.execute(
        insert(Document),
        [
            {"id": n, "source_id": "s", "external_id": str(n), "url": f"https://example.org/{n}"}
            for n in range(1, DOCUMENTS + 1)
        ],
    )
    session.execute(
        insert(DocumentVersion),
        [
            {
                "id": n,
                "document_id": n,
                "number": 1,
                "title": f"release {n}",
                "text": "text",
                "content_hash": f"{n:064d}",
                "extractor_version": "1",
                "created_at": START + dt.timedelta(hours=n),
            }
            for n in range(1, DOCUMENTS + 1)
        ],
    )
    session.execute(
        text("UPDATE documents SET current_version_id = id, published_at = :at"), {"at": START}
    )
    records, links = [], []
    for n in range(1, DOCUMENTS * RECORDS_PER_DOCUMENT + 1):
        document = (n - 1) // RECORDS_PER_DOCUMENT + 1
        placed = START + dt.timedelta(hours=n)
        records.append(
            {
                "id": n,
                "kind": "changed_document",
                "dedupe_key": f"k:{n}",
                "document_id": document,
                "source_id": "s",
                "new_version_id": document,
                "title": f"record {n}",
                "event_key": f"version:{document}",
                "occurred_at": placed,
                "placed_at": placed,
            }
        )
        links.append(
            {"change_id": n, "entity_id": entity_ids[n % len(entity_ids)], "placed_at": placed}
        )
    session.execute(insert(ChangeRecord), records)
    session.execute(insert(ChangeEntity), links)
    session.execute(
        insert(Fact),
        [
            {
                "version_id": n,
                "entity_id": entity_ids[n % len(entity_ids)],
                "metric": METRICS[n % len(METRICS)],
                "value": n,
                "unit": "KRW",
                "raw": str(n),
                "start": 0,
                "end": 1,
            }
            for n in range(1, DOCUMENTS + 1)
        ],
    )
    session.execute(insert(CrawlRun), [{"id": n, "source_id": "s"} for n in range(1, RUNS + 1)])
    session.execute(
        insert(FetchedItem),
        [
            {
                "run_id": n % RUNS + 1,
                "source_id": "s",
                "external_id": str(n),
                "outcome": "fetched",
                "status": "pending" if n % 10 == 0 else "ingested",
            }
            for n in range(DOCUMENTS * 4)
        ],
    )
    session.execute(
        insert(Subscriber),
        [{"id": n, "email": f"s{n}@example.org"} for n in range(1, SUBSCRIBERS + 1)],
    )
    session.execute(
        insert(AlertDelivery),
        [
            {
                **outbox_row(f"version:{document}", document * 4, _rule(subscriber)),
                "subscription_id": None,
            }
            for document in range(1, DOCUMENTS + 1)
            for subscriber in range(1, 5)
        ],
    )


def _rule(subscriber_id: int) -> Rule:
    return Rule(id=subscriber_id, subscriber_id=subscriber_id)


@pytest.fixture(scope="module")
def engine(postgres_server: PostgresServer) -> Iterator[Engine]:
    engine = make_engine(postgres_server.create_database(f"zw_plans_{uuid.uuid4().hex[:8]}"))
    upgrade(engine)
    with Session(engine) as session, session.begin():
        _fill(session)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


def _plan(session: Session, statement: ClauseElement) -> dict[str, Any]:
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    connection = session.connection()
    rows = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled.string}", compiled.params)
    plan: dict[str, Any] = rows.scalar_one()[0]["Plan"]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _sequential(plan: dict[str, Any]) -> list[str]:
    return sorted(
        node["Relation Name"]
        for node in _nodes(plan)
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] in BIG_TABLES
    )


def _indexes(plan: dict[str, Any]) -> set[str]:
    return {node["Index Name"] for node in _nodes(plan) if "Index Name" in node}


def test_a_change_log_page_reads_the_log_index(session: Session) -> None:
    plan = _plan(session, change_query(ChangeFilter(limit=51)))
    assert _sequential(plan) == []
    assert "ix_change_records_placed" in _indexes(plan)


def test_a_later_change_log_page_starts_at_its_position_in_the_index(session: Session) -> None:
    at = START + dt.timedelta(hours=DOCUMENTS)
    filters = ChangeFilter(limit=51, after=ChangePosition(at, at, DOCUMENTS))
    plan = _plan(session, change_query(filters))
    assert _sequential(plan) == []
    assert "ix_change_records_placed" in _indexes(plan)


@pytest.mark.parametrize("root", ["tree", "tree-a-1"])
def test_an_entity_page_is_read_from_the_entities_links_in_log_order(
    session: Session, root: str
) -> None:
    tree = EntityTree.of(session, root)
    assert set(tree.ids) <= set(TREE)
    plan = _plan(session, change_query(ChangeFilter(entity_id=root, limit=100), tree))
    assert _sequential(plan) == []
    assert "ix_change_entities_placed" in _indexes(plan)
    sorts = [node for node in _nodes(plan) if node["Node Type"] == "Sort"]
    assert all(node.get("Plan Rows", 0) <= 100 * len(tree.ids) for node in sorts)


def test_a_trees_newest_links_are_read_from_each_entitys_index(session: Session) -> None:
    """Where a timeline's page ends is found from each entity's newest links, read in its
    index's order and stopped at the count: never all of an entity's links."""
    tree = EntityTree.of(session, "tree")
    query = newest_links_query(len(tree.ids)).params(newest_links_params(tree.ids, 20))
    plan = _plan(session, query)
    assert _sequential(plan) == []
    assert "ix_change_entities_placed" in _indexes(plan)
    limits = [node for node in _nodes(plan) if node["Node Type"] == "Limit"]
    assert len(limits) == len(tree.ids) + 1
    sorts = [node for node in _nodes(plan) if node["Node Type"] == "Sort"]
    assert all(node["Plan Rows"] <= 20 * len(tree.ids) for node in sorts)


@pytest.mark.parametrize("root", ["tree", "tree-a-1"])
def test_a_timeline_page_is_read_within_its_reach(session: Session, root: str) -> None:
    """The page itself then reads only the tree's links placed since that point."""
    filters = ChangeFilter(entity_id=root, limit=100)
    tree = entity_tree(session, filters)
    assert tree is not None
    assert tree.reach is not None
    assert tree.reach.oldest is not None
    plan = _plan(session, change_query(filters, tree))
    assert _sequential(plan) == []
    assert "ix_change_entities_placed" in _indexes(plan)
    sorts = [node for node in _nodes(plan) if node["Node Type"] == "Sort"]
    assert all(node.get("Plan Rows", 0) <= 2 * 100 for node in sorts)


def test_writing_an_events_deliveries_checks_the_unique_index_only(session: Session) -> None:
    rows = [outbox_row("version:7", 28, _rule(subscriber)) for subscriber in range(1, 50)]
    statement = insert_new_statement(session, AlertDelivery, rows, (AlertDelivery.id,))
    plan = _plan(session, statement)
    assert plan["Node Type"] == "ModifyTable"
    assert plan["Conflict Resolution"] == "NOTHING"
    assert {node["Node Type"] for node in _nodes(plan)} <= {"ModifyTable", "Values Scan", "Result"}


def test_an_events_deliveries_are_found_by_the_event(session: Session) -> None:
    query = select(AlertDelivery.subscriber_id, AlertDelivery.channel).where(
        AlertDelivery.event_key == "version:7"
    )
    plan = _plan(session, query)
    assert _sequential(plan) == []
    assert "uq_alert_deliveries_event_key_subscriber_id_channel" in _indexes(plan)


def test_a_versions_records_are_one_index_range(session: Session) -> None:
    plan = _plan(session, version_record_ids(77))
    assert _sequential(plan) == []
    assert "ix_change_records_new_version" in _indexes(plan)


def test_earlier_figures_come_through_the_current_version_index(session: Session) -> None:
    version = session.get(DocumentVersion, DOCUMENTS)
    assert version is not None
    keys: list[tuple[str | None, str]] = [("tree-a", METRICS[0]), ("other-3", METRICS[1])]
    plan = _plan(session, earlier_statements_query(version, keys))
    assert _sequential(plan) == []
    assert {"ix_facts_entity_metric", "ix_documents_current_version"} <= _indexes(plan)


def test_a_runs_staged_items_by_status_use_the_run_index(session: Session) -> None:
    query = select(FetchedItem.id).where(FetchedItem.run_id == 3, FetchedItem.status == "pending")
    plan = _plan(session, query)
    assert _sequential(plan) == []
    assert "ix_fetched_items_run_status" in _indexes(plan)


def test_an_ingest_batch_locks_its_documents_through_their_unique_index(
    session: Session,
) -> None:
    keys = [("s", str(n)) for n in (12, 400, 3_999)]
    plan = _plan(session, documents_query(keys).order_by(Document.id).with_for_update())
    assert _sequential(plan) == []
    assert "uq_documents_source_id_external_id" in _indexes(plan)


def test_a_subscribers_deliveries_are_found_by_the_subscriber(session: Session) -> None:
    """Digests, pausing and the console read one subscriber's rows: the outbox key now leads
    with the event, so they need (and use) their own narrow index."""
    plan = _plan(session, select(AlertDelivery.id).where(AlertDelivery.subscriber_id == 5))
    assert _sequential(plan) == []
    assert "ix_alert_deliveries_subscriber" in _indexes(plan)


def test_a_batchs_records_are_one_index_range_per_version(session: Session) -> None:
    plan = _plan(session, versions_record_ids(list(range(70, 120))))
    assert _sequential(plan) == []
    assert "ix_change_records_new_version" in _indexes(plan)


def test_a_batch_of_events_is_read_from_the_event_index(session: Session) -> None:
    plan = _plan(session, records_of_events([f"version:{n}" for n in range(70, 120)]))
    assert _sequential(plan) == []
    assert "ix_change_records_event" in _indexes(plan)


def test_a_batchs_storing_runs_are_found_through_the_items_version_index(session: Session) -> None:
    plan = _plan(session, storing_items(list(range(DOCUMENTS - 50, DOCUMENTS))))
    assert _sequential(plan) == []
    assert "ix_fetched_items_version" in _indexes(plan)
