"""The pipeline's tasks in-process, without a worker: idempotent, follow-ups only after commit.

Each task is applied eagerly (``task.apply``); the follow-ups it sends are recorded instead of
published (``zonewatch.workers.bulk.publish_many`` is patched) and then run by a small driver
that runs every task twice, as a redelivered message would.
"""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from kombu.messaging import Producer
from sqlalchemy import select, update

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
from zonewatch.cli.main import cli
from zonewatch.models import CrawlRun, DocumentVersion, FetchedItem, Source
from zonewatch.models.base import utcnow
from zonewatch.models.enums import ItemOutcome
from zonewatch.replay.server import ReplayServer
from zonewatch.workers import bulk
from zonewatch.workers.celery_app import build_classifier

SOURCE = "daegu-press"


@pytest.fixture(scope="module")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised database with two subscribers and the source's baseline crawl (one old
    release), made once and copied for each test: what the tests crawl is news."""
    app = configure(data_dir=tmp_path_factory.mktemp("template"), broker_url="memory://")
    initialize(app)
    with app.session() as session:
        add_subscribers(session, SOURCE)
    crawled_before(app, SOURCE)
    app.dispose()
    return Path(app.settings.effective_database_url.removeprefix("sqlite:///"))


@pytest.fixture
def task_app(tmp_path: Path, template_database: Path) -> Iterator[App]:
    """An embedded zonewatch on a SQLite file whose broker is in memory (nothing consumes it)."""
    app = configure(data_dir=tmp_path / "data", broker_url="memory://")
    target = Path(app.settings.effective_database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(template_database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    yield app
    app.dispose()


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Sent:
    """Follow-ups sent by tasks, in order, as (task name, args); nothing is published."""
    return record_sent(monkeypatch)


def apply(app: App, name: str, *args: Any) -> Any:
    """Run one task in this process, raising what it raises."""
    return app.celery.tasks[name].apply(args=list(args), throw=True).get()


def stage(app: App, *external_ids: str, run_id: int | None = None, **fields: Any) -> list[int]:
    """Stage fetched items as a crawl would; the run is created unless given."""
    with app.session() as session:
        if run_id is None:
            source = session.get(Source, SOURCE)
            assert source is not None
            run = factories.crawl_run(session, source)
        else:
            found = session.get(CrawlRun, run_id)
            assert found is not None
            run = found
        return [
            factories.fetched(session, run, external_id, **fields).id
            for external_id in external_ids
        ]


def run_of(app: App, item_id: int) -> int:
    with app.session() as session:
        row = session.get(FetchedItem, item_id)
        assert row is not None
        return row.run_id


def drain(app: App, sent: Sent, first: Sent, times: int = 2) -> list[str]:
    """Run ``first`` and every follow-up they lead to, each task ``times`` times in a row.

    Checks after every repeat that it changed nothing and sent nothing new; returns the names
    of the tasks run, in order.
    """
    queue = list(first)
    seen = set(queue)
    ran = []
    while queue:
        name, args = queue.pop(0)
        ran.append(name)
        sent.clear()
        apply(app, name, *args)
        followups = list(sent)
        after_first = pipeline_state(app, SOURCE)
        for repeat in range(1, times):
            sent.clear()
            apply(app, name, *args)
            again = pipeline_state(app, SOURCE)
            assert again == after_first, f"{name}{args} run {repeat + 1} times changed more"
            assert set(sent) <= set(followups), f"{name}{args} sent new follow-ups when repeated"
        for followup in followups:
            if followup not in seen:
                seen.add(followup)
                queue.append(followup)
    return ran


def ingest_messages(item_ids: list[int], size: int = 50) -> Sent:
    """The crawl's messages for its staged items: one batch of ids each."""
    return [
        ("zonewatch.ingest_items", (tuple(item_ids[start : start + size]),))
        for start in range(0, len(item_ids), size)
    ]


# --- idempotence ----------------------------------------------------------------------------


def test_every_stage_run_twice_changes_nothing_more(task_app: App, sent: Sent) -> None:
    items = stage(task_app, "101", "102", "103")
    run_id = run_of(task_app, items[0])

    ran = drain(task_app, sent, ingest_messages(items))

    assert sorted(set(ran)) == [
        "zonewatch.build_changes",
        "zonewatch.classify_versions",
        "zonewatch.finalize_runs",
        "zonewatch.ingest_items",
        "zonewatch.match_events",
        "zonewatch.send_deliveries",
    ]
    state = pipeline_state(task_app, SOURCE)
    assert state.complete, state
    # the baseline release, then three new ones
    assert (state.documents, state.versions, state.changes) == (1 + 3, 1 + 3, 1 + 3)
    assert state.changes_by_kind == {"new_document": 1 + 3}
    assert state.deliveries == 6  # every new release to both subscribers, once each
    assert state.run_statuses == {"ok": 2}
    with task_app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        assert run.items_new == 3

    # A later crawl: one item changed, one gone, one the same.
    later = stage(task_app, "102", text="목표 입주기업 300개사로 늘려 잡았다.")
    later += stage(task_app, "101", outcome=ItemOutcome.GONE, run_id=run_of(task_app, later[0]))
    later += stage(task_app, "103", run_id=run_of(task_app, later[0]))
    ran = drain(task_app, sent, ingest_messages(later))

    assert "zonewatch.record_withdrawals" in ran
    state = pipeline_state(task_app, SOURCE)
    assert state.complete, state
    assert state.changes_by_kind == {
        "new_document": 1 + 3,
        "changed_document": 1,
        "fact_change": 1,  # 목표 입주기업 250개사 -> 300개사
        "removed_document": 1,
    }
    assert state.versions == 1 + 4
    # The edit (its text and its figure) is one event, the withdrawal another: one delivery
    # each per subscriber, on top of the three new releases'.
    assert state.events == 3 + 2
    assert state.deliveries == 2 * state.events == 10
    assert state.run_statuses == {"ok": 3}


def test_a_task_redelivered_after_its_work_is_done_sends_nothing_twice(
    task_app: App, sent: Sent
) -> None:
    (item,) = stage(task_app, "201")
    assert apply(task_app, "zonewatch.ingest_items", (item,)) == ["new"]
    first = list(sent)
    assert [name for name, _ in first] == ["zonewatch.classify_versions", "zonewatch.finalize_runs"]

    (version_id,) = first[0][1][0]
    apply(task_app, "zonewatch.classify_versions", (version_id,))
    sent.clear()
    assert apply(task_app, "zonewatch.ingest_items", (item,)) == ["already"]
    # The version is classified: only the (harmless) finalize goes again.
    assert sent == [("zonewatch.finalize_runs", ((run_of(task_app, item),),))]

    sent.clear()
    apply(task_app, "zonewatch.build_changes", (version_id,))
    apply(task_app, "zonewatch.build_changes", (version_id,))
    # The same event both times: a repeated diff matches the same event again.
    assert set(sent) == {("zonewatch.match_events", ((f"version:{version_id}",),))}
    events = sent[0][1][0]
    assert apply(task_app, "zonewatch.match_events", events) == ["2 immediate"]
    assert apply(task_app, "zonewatch.match_events", events) == ["0 immediate"]  # nothing new
    assert pipeline_state(task_app, SOURCE).deliveries == 2


class WorkerDiedError(Exception):
    """Stands for the process dying between the commit and sending the follow-ups."""


@pytest.mark.parametrize(
    ("task", "followup"),
    [
        ("zonewatch.ingest_items", "zonewatch.classify_versions"),
        ("zonewatch.classify_versions", "zonewatch.build_changes"),
        ("zonewatch.build_changes", "zonewatch.match_events"),
    ],
)
def test_a_task_redelivered_after_dying_before_its_followups_sends_them(
    task_app: App, sent: Sent, monkeypatch: pytest.MonkeyPatch, task: str, followup: str
) -> None:
    """acks_late: a task whose process dies after its commit but before its follow-ups are
    published is delivered again. The repeat must send the follow-ups the first run never
    did, or the pipeline stops there (until requeue_stalled, 10+ minutes later, if at all)."""
    (item,) = stage(task_app, "501")
    argument: tuple[Any, ...] = (item,)
    stages = ("zonewatch.ingest_items", "zonewatch.classify_versions", "zonewatch.build_changes")
    for name in stages:
        if name == task:
            break
        apply(task_app, name, argument)
        argument = sent[0][1][0]  # the next stage's input
        sent.clear()

    recording = bulk.publish_many

    def die(celery: Any, task_name: str, arguments: Sequence[Sequence[Any]]) -> int:
        raise WorkerDiedError

    monkeypatch.setattr(bulk, "publish_many", die)
    with pytest.raises(WorkerDiedError):
        apply(task_app, task, argument)
    monkeypatch.setattr(bulk, "publish_many", recording)

    apply(task_app, task, argument)  # the redelivery
    assert followup in [name for name, _ in sent], f"{task} redelivered sent only {sent}"


# --- follow-ups only after commit -------------------------------------------------------------


def committed_reader(app: App) -> Callable[[str, tuple[Any, ...]], Any]:
    """A query on what is committed, from a connection of its own (SQLite WAL lets it read
    while a task's write transaction is open, without waiting for it)."""
    path = app.settings.effective_database_url.removeprefix("sqlite:///")

    def query(sql: str, params: tuple[Any, ...]) -> Any:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            return connection.execute(sql, params).fetchone()

    return query


REQUIRED = {
    # follow-up task: (what it needs committed, as SQL with the task's argument)
    "zonewatch.crawl_source": "SELECT 1 FROM crawl_runs WHERE id = ? AND status = 'queued'",
    "zonewatch.ingest_items": "SELECT 1 FROM fetched_items WHERE id = ?",
    "zonewatch.classify_versions": "SELECT 1 FROM document_versions WHERE id = ?",
    "zonewatch.build_changes": (
        "SELECT 1 FROM document_versions WHERE id = ? AND classified_at IS NOT NULL"
    ),
    "zonewatch.match_events": "SELECT 1 FROM change_records WHERE event_key = ?",
    "zonewatch.record_withdrawals": (
        "SELECT 1 FROM documents WHERE id = ? AND status = 'withdrawn'"
    ),
    "zonewatch.send_deliveries": (
        "SELECT 1 WHERE EXISTS (SELECT 1 FROM alert_deliveries WHERE status = 'pending')"
    ),
    "zonewatch.finalize_runs": (
        "SELECT 1 WHERE NOT EXISTS "
        "(SELECT 1 FROM fetched_items WHERE run_id = ? AND status = 'pending')"
    ),
}


def test_followups_are_sent_only_after_commit(
    task_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = committed_reader(task_app)
    checked: list[tuple[str, tuple[Any, ...], bool]] = []

    def committed(name: str, task_args: tuple[Any, ...]) -> bool:
        """Every id of a batch message (or the one id, or none) has its input committed."""
        keys = task_args[0] if task_args and isinstance(task_args[0], tuple) else task_args
        if not keys:
            return query(REQUIRED[name], ()) is not None
        return all(query(REQUIRED[name], (key,)) is not None for key in keys)

    def check_then_record(celery: Any, name: str, arguments: Sequence[Sequence[Any]]) -> int:
        for args in arguments:
            checked.append((name, tuple(args), committed(name, tuple(args))))
        return len(arguments)

    monkeypatch.setattr(bulk, "publish_many", check_then_record)

    # The check itself tells committed from not yet committed.
    task = task_app.celery.tasks["zonewatch.ingest_items"]
    with task.unit_of_work() as work:
        source = work.session.get(Source, SOURCE)
        assert source is not None
        run = factories.crawl_run(work.session, source)
        row = factories.fetched(work.session, run, "301")
        assert query(REQUIRED["zonewatch.ingest_items"], (row.id,)) is None  # flushed only
        work.then(task_app.celery.signature("zonewatch.ingest_items", args=((row.id,),)))
    assert checked == [("zonewatch.ingest_items", ((row.id,),), True)]

    # Every stage: one new, one changed, one withdrawn document, and a beat dispatch.
    def run_all(messages: Sent) -> None:
        pending, seen = list(messages), set(messages)
        while pending:
            name, args = pending.pop(0)
            before = len(checked)
            apply(task_app, name, *args)
            for followup in [(n, a) for n, a, _ in checked[before:]]:
                if followup not in seen:
                    seen.add(followup)
                    pending.append(followup)

    run_all(ingest_messages([row.id, *stage(task_app, "302", "303")]))
    changed = stage(task_app, "302", text="고용 목표를 2만 명으로 늘렸다.")
    gone = stage(task_app, "303", outcome=ItemOutcome.GONE, run_id=run_of(task_app, changed[0]))
    run_all(ingest_messages(changed + gone))
    with task_app.session() as session:
        session.execute(update(Source).values(next_run_at=utcnow() + dt.timedelta(days=1)))
        session.execute(
            update(Source)
            .where(Source.id == SOURCE)
            .values(next_run_at=utcnow() - dt.timedelta(minutes=1))
        )
    apply(task_app, "zonewatch.dispatch_due_crawls")

    assert {name for name, _, _ in checked} == set(REQUIRED)
    not_committed = [(name, args) for name, args, ok in checked if not ok]
    assert not_committed == [], "follow-ups sent before their input was committed"


def test_a_failing_task_sends_none_of_its_followups(task_app: App, sent: Sent) -> None:
    task = task_app.celery.tasks["zonewatch.classify_versions"]

    def fail_after_queueing_a_followup() -> None:
        with task.unit_of_work() as work:
            source = work.session.get(Source, SOURCE)
            assert source is not None
            run = factories.crawl_run(work.session, source)
            work.then(task_app.celery.signature("zonewatch.finalize_runs", args=((run.id,),)))
            raise RuntimeError("the task failed after queueing a follow-up")

    with pytest.raises(RuntimeError, match="after queueing"):
        fail_after_queueing_a_followup()
    assert sent == []
    with task_app.session() as session:
        # rolled back: only the template's baseline run is there
        assert [run.status for run in session.scalars(select(CrawlRun))] == ["ok"]


# --- the beat's tasks -------------------------------------------------------------------------


def test_dispatch_due_crawls_twice_queues_each_due_crawl_once(task_app: App, sent: Sent) -> None:
    with task_app.session() as session:
        session.execute(update(Source).values(next_run_at=utcnow() + dt.timedelta(days=1)))
        session.execute(
            update(Source)
            .where(Source.id.in_(["daegu-press", "gfez-news"]))
            .values(next_run_at=utcnow() - dt.timedelta(minutes=1))
        )

    first = apply(task_app, "zonewatch.dispatch_due_crawls")
    second = apply(task_app, "zonewatch.dispatch_due_crawls")

    assert len(first) == 2
    assert second == []
    assert sorted(sent) == sorted(("zonewatch.crawl_source", (run_id,)) for run_id in first)
    with task_app.session() as session:
        runs = session.scalars(select(CrawlRun).where(CrawlRun.status != "ok")).all()
        assert sorted((r.source_id, r.status, r.trigger) for r in runs) == [
            ("daegu-press", "queued", "schedule"),
            ("gfez-news", "queued", "schedule"),
        ]


def test_requeue_stalled_sends_old_unfinished_work_again(task_app: App, sent: Sent) -> None:
    old_item, fresh_item, done_item = stage(task_app, "401", "402", "403")
    apply(task_app, "zonewatch.ingest_items", (done_item,))
    ((version_id,),) = [args[0] for name, args in sent if name == "zonewatch.classify_versions"]
    old = utcnow() - dt.timedelta(minutes=30)
    with task_app.session() as session:
        session.execute(
            update(FetchedItem).where(FetchedItem.id == old_item).values(fetched_at=old)
        )
        session.execute(
            update(DocumentVersion).where(DocumentVersion.id == version_id).values(created_at=old)
        )

    sent.clear()
    assert apply(task_app, "zonewatch.requeue_stalled") == {
        "items": 1,
        "versions": 1,
        "runs": 0,
        "abandoned": 0,
    }
    assert sorted(sent) == [
        ("zonewatch.classify_versions", ((version_id,),)),
        ("zonewatch.ingest_items", ((old_item,),)),
    ]
    # Running the stalled work (and the fresh item's own message) completes the pipeline.
    drain(task_app, sent, [*sent, *ingest_messages([fresh_item])])
    state = pipeline_state(task_app, SOURCE)
    assert state.complete, state
    assert state.changes == 1 + 3
    sent.clear()
    assert apply(task_app, "zonewatch.requeue_stalled") == {
        "items": 0,
        "versions": 0,
        "runs": 0,
        "abandoned": 0,
    }


def test_requeue_stalled_finalizes_a_run_whose_finalize_was_lost(task_app: App, sent: Sent) -> None:
    """Every item ingested, the crawl long over, the run still 'running': finalize it."""
    (item,) = stage(task_app, "451")
    apply(task_app, "zonewatch.ingest_items", (item,))
    run_id = run_of(task_app, item)
    with task_app.session() as session:
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(finished_at=utcnow() - dt.timedelta(minutes=30))
        )
    sent.clear()

    assert apply(task_app, "zonewatch.requeue_stalled")["runs"] == 1
    assert ("zonewatch.finalize_runs", ((run_id,),)) in sent
    apply(task_app, "zonewatch.finalize_runs", (run_id,))
    sent.clear()
    assert apply(task_app, "zonewatch.requeue_stalled")["runs"] == 0


def test_requeue_stalled_finalizes_a_run_whose_crawl_process_is_gone(
    task_app: App, sent: Sent
) -> None:
    """``kill -9`` of ``zonewatch crawl`` took its crawl process along: nobody recorded the
    end, the heartbeat stopped; the run is finalised as abandoned, its items ingested."""
    (item,) = stage(task_app, "461")
    run_id = run_of(task_app, item)
    silent = utcnow() - dt.timedelta(minutes=30)
    with task_app.session() as session:
        session.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(started_at=silent, heartbeat_at=silent, finished_at=None)
        )
        session.execute(update(FetchedItem).where(FetchedItem.id == item).values(fetched_at=silent))
    sent.clear()

    report = apply(task_app, "zonewatch.requeue_stalled")

    assert (report["abandoned"], report["items"]) == (1, 1)
    assert ("zonewatch.ingest_items", ((item,),)) in sent
    with task_app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        assert run.status == "failed"
        assert [error["kind"] for error in run.errors] == ["abandoned"]
    sent.clear()
    apply(task_app, "zonewatch.ingest_items", (item,))
    assert ("zonewatch.finalize_runs", ((run_id,),)) in sent
    assert apply(task_app, "zonewatch.finalize_runs", (run_id,)) == ["failed"]


# --- routing --------------------------------------------------------------------------------


def test_a_crawl_goes_to_the_crawl_queue_however_it_is_queued(
    task_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`zonewatch crawl --now` and the beat both queue crawl_source; a worker started with
    ``-Q crawl`` must get both."""
    published: list[tuple[str, str]] = []
    original: Any = Producer.publish

    def spy(self: Producer, body: Any, *args: Any, **kwargs: Any) -> Any:
        headers = kwargs.get("headers") or {}
        published.append((headers.get("task", "?"), kwargs.get("routing_key", "?")))
        return original(self, body, *args, **kwargs)

    monkeypatch.setattr(Producer, "publish", spy)
    for name, value in {
        "ZONEWATCH_DATA_DIR": str(task_app.settings.data_dir),
        "ZONEWATCH_BROKER_URL": "memory://",
    }.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["crawl", SOURCE, "--now"])
    assert result.exit_code == 0, result.output

    with task_app.session() as session:
        session.execute(update(Source).values(next_run_at=utcnow() + dt.timedelta(days=1)))
        session.execute(
            update(Source)
            .where(Source.id == "gfez-news")
            .values(next_run_at=utcnow() - dt.timedelta(minutes=1))
        )
    apply(task_app, "zonewatch.dispatch_due_crawls")

    crawls = [queue for task, queue in published if task == "zonewatch.crawl_source"]
    assert crawls == ["crawl", "crawl"], f"crawl_source routed to {crawls} (manual, beat)"


# --- a real crawl -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_crawl_task_run_twice_stages_nothing_twice(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    sent: Sent,
) -> None:
    app = configure(
        data_dir=tmp_path / "data",
        broker_url="memory://",
        replay_url=replay_server.url,
        allowed_private_hosts="127.0.0.1",
        crawl_delay_scale=0,
    )
    initialize(app)
    try:
        with app.session() as session:
            add_subscribers(session, SOURCE)
            run_id = factories.crawl_run(session, session.get(Source, SOURCE)).id  # type: ignore[arg-type]
            session.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(status="queued"))

        apply(app, "zonewatch.crawl_source", run_id)
        first = list(sent)
        items = pipeline_state(app, SOURCE).items
        assert items >= 5
        staged = sorted(key for _, args in first for key in args[0])
        assert first == ingest_messages(staged)
        assert len(staged) == items

        # Redelivered before any item was ingested (the worker died after the crawl): the
        # source is crawled again, but nothing is staged twice and the same items are sent.
        sent.clear()
        apply(app, "zonewatch.crawl_source", run_id)
        assert pipeline_state(app, SOURCE).items == items
        assert sent == first

        drain(app, sent, first)
        state = pipeline_state(app, SOURCE)
        assert state.complete, state
        assert state.versions == state.changes == items
        assert state.deliveries == 0, "the source's first crawl is its baseline: no news"
        assert state.run_statuses == {"ok": 1}

        # Once the run is finished, a redelivered crawl does nothing at all.
        sent.clear()
        assert apply(app, "zonewatch.crawl_source", run_id) == "done already"
        assert sent == []
        assert pipeline_state(app, SOURCE) == state
    finally:
        app.dispose()


def test_the_worker_builds_the_classifier_once_and_freezes_it_out_of_the_collector(
    task_app: App,
) -> None:
    """Built before the pool forks, and frozen: full collections in the pool processes would
    otherwise walk the classifier's objects again and again."""
    gc.unfreeze()
    try:
        build_classifier(task_app)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert "classifier" in vars(task_app), "built by build_classifier, not on first use"
        assert task_app.classifier is task_app.classifier
    finally:
        gc.unfreeze()
