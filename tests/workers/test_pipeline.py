"""The one pipeline declaration under its two drivers: the Celery tasks and the in-process runner.

Both must make the same rows from the same crawl; a batch delivered again (or overlapping one
already done) makes nothing twice; one bad item in a batch is recorded and the rest goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from tests.testkit import factories
from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from tests.testkit.workers import (
    Sent,
    add_subscribers,
    crawled_before,
    pipeline_state,
    record_sent,
)
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.crawlers.service import crawl_now
from zonewatch.models import (
    AlertDelivery,
    ChangeRecord,
    CrawlRun,
    Document,
    DocumentVersion,
    FetchedItem,
    Source,
    Subscriber,
)
from zonewatch.replay.server import ReplayServer
from zonewatch.workers.inline import drive, process_pending
from zonewatch.workers.pipeline import StageName

SOURCE = "daegu-press"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Follow-ups sent by tasks, in order, as (task name, args); nothing is published."""
    return record_sent(monkeypatch)


def prepared(data_dir: Path, **settings: Any) -> App:
    """Initialised, with two subscribers and the source's baseline crawl: what comes is news."""
    app = configure(data_dir=data_dir, broker_url="memory://", **settings)
    initialize(app)
    with app.session() as session:
        add_subscribers(session, SOURCE)
    crawled_before(app, SOURCE)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    made = prepared(tmp_path / "data", pipeline_batch_size=2)
    yield made
    made.dispose()


def apply(app: App, name: str, *args: Any) -> Any:
    return app.celery.tasks[name].apply(args=list(args), throw=True).get()


def run_messages(app: App, sent: Sent, first: Sent) -> list[str]:
    """Run ``first`` and every follow-up, as workers would, once each; the task names run."""
    queue, ran = list(first), []
    while queue:
        name, args = queue.pop(0)
        sent.clear()
        apply(app, name, *args)
        ran.append(name)
        queue += sent
    return ran


def staged(app: App, *external_ids: str, **fields: Any) -> list[int]:
    with app.session() as session:
        source = session.get(Source, SOURCE)
        assert source is not None
        run = factories.crawl_run(session, source)
        return [factories.fetched(session, run, eid, **fields).id for eid in external_ids]


def made_rows(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """What the pipeline made, by natural keys (row ids may differ between two databases)."""
    with app.session() as session:
        versions = session.execute(
            select(
                Document.external_id,
                DocumentVersion.number,
                DocumentVersion.content_hash,
                DocumentVersion.classified_at.is_not(None),
            ).join(Document, Document.id == DocumentVersion.document_id)
        ).all()
        changes = session.execute(
            select(
                Document.external_id,
                ChangeRecord.kind,
                ChangeRecord.title,
                ChangeRecord.summary,
                ChangeRecord.significance,
                ChangeRecord.minor,
                ChangeRecord.baseline,
            ).join(Document, Document.id == ChangeRecord.document_id)
        ).all()
        deliveries = session.execute(
            select(
                Subscriber.email,
                AlertDelivery.channel,
                AlertDelivery.delivery,
                ChangeRecord.kind,
                Document.external_id,
            )
            .join(Subscriber, Subscriber.id == AlertDelivery.subscriber_id)
            .join(ChangeRecord, ChangeRecord.id == AlertDelivery.change_id)
            .join(Document, Document.id == ChangeRecord.document_id)
        ).all()
        runs = session.execute(
            select(CrawlRun.status, CrawlRun.items_new, CrawlRun.items_found)
        ).all()
    return {
        "versions": sorted(map(tuple, versions)),
        "changes": sorted(map(tuple, changes)),
        "deliveries": sorted(map(tuple, deliveries)),
        "runs": sorted(map(tuple, runs)),
    }


@pytest.mark.slow
def test_the_celery_tasks_and_the_inline_runner_make_the_same_rows_from_one_crawl(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    sent: Sent,
) -> None:
    settings = {
        "replay_url": replay_server.url,
        "allowed_private_hosts": "127.0.0.1",
        "crawl_delay_scale": 0,
        "pipeline_batch_size": 2,  # several batches per stage
    }
    on_workers = prepared(tmp_path / "celery", **settings)
    in_process = prepared(tmp_path / "inline", **settings)
    try:
        with on_workers.session() as session:
            source = session.get(Source, SOURCE)
            assert source is not None
            run_id = factories.crawl_run(session, source).id
            session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(status="queued"))
        ran = run_messages(on_workers, sent, [("zonewatch.crawl_source", (run_id,))])

        crawl_now(in_process, SOURCE)
        process_pending(in_process)

        assert ran.count("zonewatch.ingest_items") >= 3, ran  # the crawl's items, two a message
        assert pipeline_state(on_workers, SOURCE).complete
        celery_rows, inline_rows = made_rows(on_workers), made_rows(in_process)
        assert celery_rows["deliveries"], "the crawl after the baseline alerts its subscribers"
        assert celery_rows == inline_rows
    finally:
        on_workers.dispose()
        in_process.dispose()


def test_a_redelivered_or_overlapping_batch_makes_nothing_twice(app: App, sent: Sent) -> None:
    first, second, third = staged(app, "601", "602", "603")

    assert apply(app, "zonewatch.ingest_items", (first, second)) == ["new", "new"]
    classify = [args[0] for name, args in sent if name == "zonewatch.classify_versions"]
    sent.clear()
    # The same batch again, then one overlapping it with a repeated id and a new one.
    assert apply(app, "zonewatch.ingest_items", (first, second)) == ["already", "already"]
    assert apply(app, "zonewatch.ingest_items", (second, second, third)) == [
        "already",
        "already",
        "new",
    ]
    classify += [args[0] for name, args in sent if name == "zonewatch.classify_versions"]
    assert "zonewatch.finalize_runs" in [name for name, _ in sent], "the run's last item is in"
    assert pipeline_state(app, SOURCE).versions == 1 + 3

    for batch in classify:
        for _ in range(2):
            sent.clear()
            apply(app, "zonewatch.classify_versions", batch)
            builds = [args for name, args in sent if name == "zonewatch.build_changes"]
            assert builds == [(batch,)], "a redelivery sends its follow-up again"
            apply(app, "zonewatch.build_changes", batch)
            apply(app, "zonewatch.build_changes", batch)
    sent.clear()
    every_version = tuple(v for batch in classify for v in batch)
    apply(app, "zonewatch.build_changes", every_version)
    match = tuple(key for name, args in sent if name == "zonewatch.match_events" for key in args[0])
    assert len(match) == 3, "one event per release, in batches of two"
    apply(app, "zonewatch.match_events", match)
    assert apply(app, "zonewatch.match_events", match) == ["0 immediate"] * 3

    state = pipeline_state(app, SOURCE)
    assert (state.versions, state.changes, state.deliveries) == (1 + 3, 1 + 3, 2 * 3)
    assert (state.versions_unclassified, state.versions_without_change) == (0, 0)


BAD_DATE = "the 31st of February"


def spoil(app: App, item_id: int) -> None:
    """A staged row whose payload cannot be read (a date no parser takes)."""
    with app.session() as session:
        row = session.get(FetchedItem, item_id)
        assert row is not None
        assert row.payload is not None
        row.payload = {**row.payload, "published_at": BAD_DATE}


def test_one_bad_item_is_recorded_and_the_rest_of_its_batch_goes_on(app: App, sent: Sent) -> None:
    good, bad, also_good = staged(app, "701", "702", "703")
    spoil(app, bad)

    results = apply(app, "zonewatch.ingest_items", (good, bad, also_good))

    assert results[0] == results[2] == "new"
    assert results[1].startswith("error: ValueError")
    assert BAD_DATE in results[1]
    with app.session() as session:
        row = session.get(FetchedItem, bad)
        assert row is not None
        assert row.status == "failed"
        assert row.error is not None
        assert "\n" not in row.error
        assert BAD_DATE in row.error
        assert row.payload is not None
        assert row.payload["published_at"] == BAD_DATE, "the bad input is kept as it came"
        assert session.scalar(select(func.count()).select_from(Document)) == 1 + 2
    names = [name for name, _ in sent]
    assert names == ["zonewatch.classify_versions", "zonewatch.finalize_runs"]
    assert len(sent[0][1][0]) == 2  # the two good items' versions go on
    # Delivered again, the good items are done already; the bad one is tried again (a fixed
    # reader would take it) and fails the same way, changing nothing else.
    again = apply(app, "zonewatch.ingest_items", (good, bad, also_good))
    assert again == ["already", results[1], "already"]
    assert pipeline_state(app, SOURCE).documents == 1 + 2


def test_the_inline_runner_records_a_bad_item_and_finishes_the_rest(app: App) -> None:
    good, bad = staged(app, "801", "802")
    spoil(app, bad)

    report = drive(app, {StageName.INGEST: [good, bad]})

    assert list(report.errors) == [StageName.INGEST]
    assert list(report.errors[StageName.INGEST]) == [bad]
    assert report.results[StageName.FINALIZE_RUNS]  # the run is closed all the same
    state = pipeline_state(app, SOURCE)
    assert (state.versions, state.versions_unclassified, state.versions_without_change) == (
        1 + 1,
        0,
        0,
    )
    assert state.deliveries == 2  # the good release, to both subscribers
    assert StageName.SEND in report.left


def test_a_one_id_message_queued_before_an_upgrade_is_taken_as_a_batch_of_one(
    app: App, sent: Sent
) -> None:
    (item,) = staged(app, "901")

    assert apply(app, "zonewatch.ingest_item", item) == ["new"]
    ((version_id,),) = [args[0] for name, args in sent if name == "zonewatch.classify_versions"]
    sent.clear()
    assert apply(app, "zonewatch.classify_version", version_id) == ["classified"]
    assert sent == [("zonewatch.build_changes", ((version_id,),))]
    assert apply(app, "zonewatch.build_changes", version_id) == ["1 records"]  # kept its name


def test_an_ingest_batch_reads_its_items_and_their_source_once(tmp_path: Path) -> None:
    """The batch's preload is held while it runs: the session keeps rows only weakly, and an
    item or source read again per item made ingest a query per row."""
    app = prepared(tmp_path / "data", pipeline_batch_size=4)
    items = staged(app, "1001", "1002", "1003", "1004")
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(app.engine, "before_cursor_execute", seen)
    try:
        report = drive(app, {StageName.INGEST: items}, stages={StageName.INGEST})
    finally:
        event.remove(app.engine, "before_cursor_execute", seen)
        app.dispose()

    assert len(report.made[StageName.INGEST]) == len(items)
    assert not report.errors
    reads = [s for s in statements if s.startswith("SELECT")]
    assert [s for s in reads if "FROM fetched_items WHERE fetched_items.id =" in s] == []
    assert len([s for s in reads if " FROM sources WHERE " in s]) == 1
