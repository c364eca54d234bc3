"""The main job, offline, end to end.

Starts the replay server and a mail sink, initialises the data directory, starts a real
worker process (embedded broker), crawls every source in the first state of the replay world
(the baseline, before anyone subscribes), adds a few demo subscribers, moves the world on
(new releases, an edit, a correction, a fact change, a designation, a withdrawal), crawls
again, lets the workers classify, diff and alert, sends the digests, and reports.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from zonewatch.alerts.digests import dispatch_digests
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize, summarize
from zonewatch.config.settings import Settings, weak_secret_key_reason
from zonewatch.crawlers.runner import create_run, settings_environment
from zonewatch.demo.mailsink import MailSink
from zonewatch.models import (
    AlertDelivery,
    ChangeEntity,
    ChangeRecord,
    CrawlRun,
    DocumentVersion,
    Entity,
    EntityChange,
    FetchedItem,
    Source,
    Subscriber,
    Subscription,
)
from zonewatch.replay.server import ReplayServer

WORLD_STATES = (2,)
"""State 2 holds state 1's news too: one more crawl round shows every kind of change."""
PIPELINE_TIMEOUT = 240.0
Say = Callable[[str], None]

DEMO_SUBSCRIBERS = (
    # (email, name, language, subscriptions: (entity, topic, kind, delivery))
    ("songdo.watch@example.kr", "김민지", "ko", [("ifez", None, None, "immediate")]),
    ("odz.analyst@example.com", "Alex Park", "en", [("odz", None, None, "daily")]),
    ("corrections@example.org", "Policy desk", "en", [(None, None, "correction", "immediate")]),
    (
        "weekly.all@example.kr",
        "산업단지 담당",
        "ko",
        [(None, "designation", None, "weekly"), ("kicox", None, None, "daily")],
    ),
)


@dataclass(frozen=True)
class Worker:
    process: subprocess.Popen[bytes]
    log: Path


def run_demo(settings: Settings, say: Say) -> int:
    """Run everything; returns the exit status (0 when every summary number is above 0)."""
    started = time.monotonic()
    data_dir = settings.data_dir
    with ReplayServer() as replay, MailSink(data_dir / "mail") as sink:
        app = configure(
            settings.model_copy(
                update={
                    "replay_url": replay.url,
                    "allowed_private_hosts": ("127.0.0.1",),
                    "crawl_delay_scale": 0.0,
                    "smtp_url": sink.url,
                    "public_url": "http://127.0.0.1:8080",
                    "secret_key": settings.secret_key or SecretStr(demo_secret_key(data_dir)),
                }
            )
        )
        try:
            initialize(app)
            say(f"replay server {replay.url}; mail sink {sink.url}; data in {data_dir}")
            # Crawls and the pipeline get a worker each, so that ingest never waits for a crawl.
            workers = [_start_worker(app, "crawl"), _start_worker(app, "default")]
            try:
                for worker in workers:
                    _wait_ready(worker)
                _crawl_round(app, "state 0 (baseline: everything published so far)", say)
                _add_subscribers(app, say)
                for state in WORLD_STATES:
                    replay.set_state(state)
                    _crawl_round(app, f"state {state}", say)
                _wait(app, "immediate alerts sent", _outbox_drained, say)
            finally:
                for worker in workers:
                    _stop_worker(worker)
            for period in ("daily", "weekly"):
                report = dispatch_digests(app, period, force=True)
                say(f"{period} digests: {report.sent} sent")
            _report(app, sink, say)
            summary = summarize(app)
            say(f"done in {time.monotonic() - started:.0f} s")
            say(summary.line())
            numbers = (
                summary.sources,
                summary.documents,
                summary.versions,
                summary.changes,
                summary.alerts,
            )
            return 0 if all(numbers) and sink.received else 1
        finally:
            app.dispose()


def demo_secret_key(data_dir: Path) -> str:
    """The demo's own random signing key, kept (owner-only) in its data directory.

    The demo must run without any set-up, yet a fixed demo key would be a public one again:
    so each data directory gets a fresh key, reused by ``--keep`` runs of the same directory.
    """
    path = data_dir / "secret_key"
    if path.exists():
        key = path.read_text(encoding="ascii").strip()
        if not weak_secret_key_reason(key):
            return key
        path.unlink()
    key = secrets.token_urlsafe(32)
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key


def _start_worker(app: App, queue: str) -> Worker:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env.update(settings_environment(app.settings))
    log = app.settings.data_dir / "logs" / f"demo-worker-{queue}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    zonewatch = str(Path(sys.executable).with_name("zonewatch"))
    command = [
        zonewatch,
        "worker",
        "--concurrency",
        "2",
        "--queues",
        queue,
        "--hostname",
        f"demo-{queue}@%h",
        "--loglevel",
        "INFO",
    ]
    if not Path(zonewatch).exists():
        command = [sys.executable, "-m", "zonewatch.cli.main", *command[1:]]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    return Worker(process, log)


def _wait_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker exited: see {worker.log}")
        if " ready." in worker.log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the worker was not ready within {timeout:.0f} s: see {worker.log}")


def _stop_worker(worker: Worker) -> None:
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        try:
            worker.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.process.kill()


def _crawl_round(app: App, label: str, say: Say) -> None:
    with app.session() as session:
        sources = list(session.scalars(select(Source.id).where(Source.paused.is_(False))))
    for source_id in sources:
        run_id = create_run(app, source_id, trigger="demo")
        app.celery.send_task("zonewatch.crawl_source", args=[run_id])
    say(f"{label}: {len(sources)} crawls queued")
    _wait(app, f"{label} processed", _pipeline_idle, say)


def _pipeline_idle(app: App) -> str | None:
    """None when every run is finished and every stage has caught up; else what is left."""
    with app.session() as session:
        running = session.scalar(
            select(func.count())
            .select_from(CrawlRun)
            .where(CrawlRun.status.in_(("queued", "running")))
        )
        pending = session.scalar(
            select(func.count()).select_from(FetchedItem).where(FetchedItem.status == "pending")
        )
        unclassified = session.scalar(
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.classified_at.is_(None))
        )
        recorded = select(ChangeRecord.new_version_id).where(
            ChangeRecord.new_version_id.is_not(None)
        )
        unrecorded = session.scalar(
            select(func.count())
            .select_from(DocumentVersion)
            .where(DocumentVersion.technical.is_(False), DocumentVersion.id.not_in(recorded))
        )
    if running or pending or unclassified or unrecorded:
        return (
            f"{running} crawls running, {pending} items to ingest, "
            f"{unclassified} to classify, {unrecorded} to diff"
        )
    return None


def _outbox_drained(app: App) -> str | None:
    with app.session() as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(AlertDelivery)
            .where(
                AlertDelivery.delivery == "immediate",
                AlertDelivery.status.in_(("pending", "sending")),
            )
        )
    return f"{waiting} immediate alerts waiting" if waiting else None


def _wait(app: App, what: str, check: Callable[[App], str | None], say: Say) -> None:
    deadline = time.monotonic() + PIPELINE_TIMEOUT
    last_said = 0.0
    while True:
        left = check(app)
        if left is None:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not done after {PIPELINE_TIMEOUT:.0f} s ({left})")
        if time.monotonic() - last_said > 10:
            say(f"  ... {left}")
            last_said = time.monotonic()
        time.sleep(0.5)


def _add_subscribers(app: App, say: Say) -> None:
    with app.session() as session:
        for email, name, language, subscriptions in DEMO_SUBSCRIBERS:
            subscriber = Subscriber(email=email, name=name, language=language)
            session.add(subscriber)
            session.flush()
            for entity_id, topic_id, kind, delivery in subscriptions:
                session.add(
                    Subscription(
                        subscriber_id=subscriber.id,
                        entity_id=entity_id,
                        topic_id=topic_id,
                        change_kind=kind,
                        delivery=delivery,
                    )
                )
    say(f"{len(DEMO_SUBSCRIBERS)} demo subscribers added")


def _report(app: App, sink: MailSink, say: Say) -> None:
    with app.session() as session:
        runs = Counter(session.scalars(select(CrawlRun.status).where(CrawlRun.trigger == "demo")))
        say("crawl runs: " + ", ".join(f"{status} {n}" for status, n in sorted(runs.items())))
        kinds = Counter(session.scalars(select(ChangeRecord.kind)))
        say("change records: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
        zones = session.execute(
            select(Entity.name_ko, Entity.name_en, func.count())
            .join(ChangeEntity, ChangeEntity.entity_id == Entity.id)
            .join(ChangeRecord, ChangeRecord.id == ChangeEntity.change_id)
            .where(ChangeRecord.kind == "new_document", Entity.kind != "authority")
            .group_by(Entity.id, Entity.name_ko, Entity.name_en)
            .order_by(func.count().desc())
            .limit(10)
        ).all()
        say("new items per zone (top 10):")
        for name_ko, name_en, count in zones:
            say(f"  {count:4d}  {name_ko} ({name_en})")
        interesting = session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.kind.not_in(("new_document",)))
            .order_by(ChangeRecord.significance.desc())
            .limit(8)
        ).all()
        say("most significant changes:")
        for record in interesting:
            say(f"  [{record.kind}] {record.significance:.2f} {record.title[:90]}")
        proposals = session.scalars(
            select(EntityChange).where(EntityChange.status == "proposed")
        ).all()
        say(f"model change proposals: {len(proposals)}")
        for proposal in proposals[:5]:
            say(f"  #{proposal.id} {proposal.entity_id} {proposal.action}")
        deliveries = Counter(session.scalars(select(AlertDelivery.status)))
        say("deliveries: " + ", ".join(f"{s} {n}" for s, n in sorted(deliveries.items())))
    say(f"mails received by the sink: {sink.received} (.eml files in {sink.folder})")
