"""The main job, offline, end to end.

Starts the replay server and a mail sink, initialises the data directory, starts a real
worker process (embedded broker), crawls every source in the first state of the replay world
(the baseline, before anyone subscribes), adds a few demo subscribers, moves the world on
(new releases, an edit, a correction, a fact change, a designation, a withdrawal), crawls
again, lets the workers classify, diff and alert, sends the digests, and reports the story
it staged and what each subscriber received.

Its workers run in process groups of their own: Ctrl-C and SIGTERM reach the demo, which
stops them (and its replay server and mail sink) before it exits, so nothing outlives it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.alerts.digests import dispatch_digests
from zonewatch.alerts.wording import metric_label
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize, summarize
from zonewatch.config.settings import Settings, settings_environment, weak_secret_key_reason
from zonewatch.config.values import Secret
from zonewatch.crawlers.lifeline import kill_group
from zonewatch.crawlers.runner import create_run
from zonewatch.demo.directory import DEFAULT_DEMO_DIR
from zonewatch.demo.mailsink import MailSink
from zonewatch.models import (
    AlertDelivery,
    ChangeEntity,
    ChangeRecord,
    CrawlRun,
    Document,
    DocumentVersion,
    Entity,
    EntityChange,
    FetchedItem,
    Role,
    Source,
    Subscriber,
    Subscription,
    User,
)
from zonewatch.models.enums import (
    ChangeKind,
    DeliveryMode,
    DeliveryStatus,
    FetchedItemStatus,
    ProposalStatus,
    RunTrigger,
)
from zonewatch.replay.server import ReplayServer
from zonewatch.web.users import add_user, set_password

WORLD_STATES = (2,)
"""State 2 holds state 1's news too: one more crawl round shows every kind of change."""
PIPELINE_TIMEOUT = 240.0
STOP_GRACE = 60.0
"""How long a worker may take to finish its tasks when the demo is done."""
INTERRUPTED_GRACE = 10.0
"""How long it may take when the demo was told to stop: then it is killed."""
OPERATORS = "operators@example.kr"
"""The demo's operators: told through the mail sink if a source breaks during the demo."""
STORY_KINDS = (
    "changed_document",
    "correction",
    "removed_document",
    "attachment_replaced",
    "attachment_added",
    "attachment_removed",
)
Say = Callable[[str], None]


class DemoStoppedError(BaseException):
    """The demo got SIGTERM: raised where it was, so that every clean-up on the way out runs
    (a BaseException, so that no ``except Exception`` on the way swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name


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


CONSOLE_USERS = (("demo-admin", Role.ADMIN), ("demo-analyst", Role.ANALYST))
"""Who can sign in to the console on the demo's data; each run prints their passwords."""
CONSOLE_URL = "http://127.0.0.1:8080/"
"""Where ``zonewatch web`` (``make console``) serves the console by default."""
DEMO_PASSWORD_BYTES = 12


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    password: str


@dataclass(frozen=True)
class Worker:
    queue: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def run_demo(settings: Settings, say: Say) -> int:
    """Run everything; returns the exit status (0 when every summary number is above 0).

    Raises :class:`DemoStoppedError` on SIGTERM, once its workers are stopped."""
    with _stop_on_sigterm():
        return _run(settings, say)


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM unwinds the demo like Ctrl-C does, where its default would end the process on
    the spot and leave the workers running. The first of either starts the stop; later ones
    are ignored to the end, so that an impatient second Ctrl-C cannot cut the stop short."""
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise DemoStoppedError(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    previous_int = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        if not stopping:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT while the workers are stopped: a signal then (a second
    Ctrl-C) would cut the stop short and leave a worker running. One that came meanwhile is
    delivered when the block ends, and ends the demo as usual."""
    held = {signal.SIGTERM, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _run(settings: Settings, say: Say) -> int:
    started = time.monotonic()
    data_dir = settings.data_dir
    with ReplayServer() as replay, MailSink(data_dir / "mail") as sink:
        app = configure(
            settings.replace(
                replay_url=replay.url,
                allowed_private_hosts=("127.0.0.1",),
                crawl_delay_scale=0.0,
                smtp_url=sink.url,
                public_url="http://127.0.0.1:8080",
                secret_key=settings.secret_key or Secret(demo_secret_key(data_dir)),
                operator_alerts=(OPERATORS,),
            )
        )
        try:
            initialize(app)
            say(f"replay server {replay.url}; mail sink {sink.url}; data in {data_dir}")
            # Crawls and the pipeline get a worker each, so that ingest never waits for a crawl.
            workers: list[Worker] = []
            grace = INTERRUPTED_GRACE
            try:
                workers.append(_start_worker(app, "crawl"))
                workers.append(_start_worker(app, "default"))
                for worker in workers:
                    _wait_ready(worker)
                say("workers ready: " + ", ".join(f"{w.queue} pid {w.pid}" for w in workers))
                _crawl_round(app, "state 0 (baseline: everything published so far)", say)
                _add_subscribers(app, say)
                for state in WORLD_STATES:
                    replay.set_state(state)
                    _crawl_round(app, f"state {state}", say)
                _wait(app, "immediate alerts sent", _outbox_drained, say)
                grace = STOP_GRACE
            finally:
                with _signals_held():
                    for worker in workers:
                        _stop_worker(worker, grace)
            for period in ("daily", "weekly"):
                report = dispatch_digests(app, period, force=True)
                say(f"{period} digests: {report.sent} sent")
            _report(app, sink, say)
            summary = summarize(app)
            say(f"done in {time.monotonic() - started:.0f} s")
            say(summary.line())
            for line in console_lines(data_dir, console_logins(app)):
                say(line)
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


def console_logins(app: App) -> list[DemoLogin]:
    """The demo's console accounts, each with a new random password (shown once).

    Not a fixed demo password: ``make console`` serves like any console, and a password
    published in this repository would open it to whoever reaches the port. A ``--keep`` run
    finds the accounts there already and gives them new passwords instead."""
    logins = []
    cost = app.settings.password_hashing
    with app.session() as session:
        for username, role in CONSOLE_USERS:
            password = secrets.token_urlsafe(DEMO_PASSWORD_BYTES)
            if session.scalar(select(User.id).where(User.username == username)) is None:
                add_user(session, username, password, role, language="ko", cost=cost)
            else:
                set_password(session, username, password, cost=cost)
            logins.append(DemoLogin(username, role, password))
    return logins


def console_lines(data_dir: Path, logins: list[DemoLogin]) -> list[str]:
    """How to open the console on the demo's data: the command, its URL and the logins.

    ``zonewatch web`` needs the signing key; the demo keeps its own in the data directory
    (unless ZONEWATCH_SECRET_KEY gave one), so the command reads it from there."""
    key_file = data_dir / "secret_key"
    command = f"zonewatch --data-dir {data_dir} web"
    if key_file.exists():
        command = f'ZONEWATCH_SECRET_KEY="$(cat {key_file})" {command}'
    make = "make console"
    if data_dir != DEFAULT_DEMO_DIR.resolve():
        make += f" DATA={data_dir}"
    lines = [
        f"the console on the demo's data: {CONSOLE_URL}",
        f"  start it with `{make}`, or: {command}",
    ]
    lines.extend(
        f"  sign in as {login.username} ({login.role.value}), password {login.password}"
        for login in logins
    )
    lines.append("  (these passwords are shown only now; the next demo run makes new ones)")
    return lines


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
        # A group of its own: the demo stops it (and its pool) as a whole, whatever signal
        # reached the demo, and a terminal's Ctrl-C reaches only the demo.
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return Worker(queue, process, log)


def _wait_ready(worker: Worker, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker exited: see {worker.log}")
        if " ready." in worker.log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the worker was not ready within {timeout:.0f} s: see {worker.log}")


def _stop_worker(worker: Worker, grace: float) -> None:
    """A warm shutdown (the worker finishes its tasks) for up to ``grace`` seconds, then the
    whole group is killed; whatever is left of the group afterwards is killed too."""
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
        try:
            worker.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            kill_group(worker.pid)
            worker.process.wait()
    kill_group(worker.pid)


def _crawl_round(app: App, label: str, say: Say) -> None:
    with app.session() as session:
        sources = list(session.scalars(select(Source.id).where(Source.paused.is_(False))))
    for source_id in sources:
        run_id = create_run(app, source_id, trigger=RunTrigger.DEMO)
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
            select(func.count())
            .select_from(FetchedItem)
            .where(FetchedItem.status == FetchedItemStatus.PENDING)
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
                AlertDelivery.delivery == DeliveryMode.IMMEDIATE,
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
        runs = Counter(
            session.scalars(select(CrawlRun.status).where(CrawlRun.trigger == RunTrigger.DEMO))
        )
        say("crawl runs: " + ", ".join(f"{status} {n}" for status, n in sorted(runs.items())))
        kinds = Counter(session.scalars(select(ChangeRecord.kind)))
        say("change records: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
        zones = session.execute(
            select(Entity.name_ko, Entity.name_en, func.count())
            .join(ChangeEntity, ChangeEntity.entity_id == Entity.id)
            .join(ChangeRecord, ChangeRecord.id == ChangeEntity.change_id)
            .where(ChangeRecord.kind == ChangeKind.NEW_DOCUMENT, Entity.kind != "authority")
            .group_by(Entity.id, Entity.name_ko, Entity.name_en)
            .order_by(func.count().desc())
            .limit(10)
        ).all()
        say("new items per zone (top 10):")
        for name_ko, name_en, count in zones:
            say(f"  {count:4d}  {name_ko} ({name_en})")
        for line in story_lines(session):
            say(line)
        proposals = session.scalars(
            select(EntityChange).where(EntityChange.status == ProposalStatus.PROPOSED)
        ).all()
        say(f"model change proposals: {len(proposals)}")
        for proposal in proposals[:5]:
            say(f"  #{proposal.id} {proposal.entity_id} {proposal.action}")
        deliveries = Counter(session.scalars(select(AlertDelivery.status)))
        say("deliveries: " + ", ".join(f"{s} {n}" for s, n in sorted(deliveries.items())))
        event_lines = mails_per_event_lines(session)
    say(f"mails received by the sink: {sink.received} (.eml files in {sink.folder})")
    for address, count in sorted(sink.per_recipient().items()):
        say(f"  {count:3d}  {address}")
    for line in event_lines:
        say(line)


def story_lines(session: Session) -> list[str]:
    """What the second state staged, as the change records tell it: the edit with its
    figures, the correction and what it corrects, the withdrawal, the replaced files."""
    records = sorted(
        session.scalars(select(ChangeRecord).where(ChangeRecord.kind.in_(STORY_KINDS))),
        key=lambda record: (STORY_KINDS.index(record.kind), record.id),
    )
    lines = ["the story the demo staged:"]
    if not records:
        return [*lines, "  (no edit, correction, withdrawal or replaced file was recorded)"]
    for record in records:
        lines.append(f"  {STORY_LABELS.get(record.kind, record.kind)}: {record.title[:90]}")
        lines.extend(f"      {detail}" for detail in _story_details(session, record))
    return lines


STORY_LABELS = {
    "changed_document": "edit",
    "correction": "correction",
    "removed_document": "withdrawal",
    "attachment_replaced": "attachment replaced",
    "attachment_added": "attachment added",
    "attachment_removed": "attachment removed",
}


def _story_details(session: Session, record: ChangeRecord) -> list[str]:
    if record.kind == ChangeKind.CHANGED_DOCUMENT:
        figures = session.scalars(
            select(ChangeRecord)
            .where(ChangeRecord.kind == ChangeKind.FACT_CHANGE)
            .where(ChangeRecord.new_version_id == record.new_version_id)
            .order_by(ChangeRecord.id)
        ).all()
        if figures:
            return ["figures: " + "; ".join(_figures(figure) for figure in figures)]
        return [f"what changed: {record.summary or '-'}"]
    if record.kind == ChangeKind.CORRECTION:
        corrected = (
            session.get(ChangeRecord, record.related_change_id)
            if record.related_change_id
            else None
        )
        what = (
            corrected.title[:90] if corrected is not None else "(the corrected release is unknown)"
        )
        return [f"corrects: {what}"]
    if record.kind == ChangeKind.ATTACHMENT_REPLACED:
        files = record.diff.get("attachments", {})
        old, new = files.get("old") or {}, files.get("new") or {}
        if old.get("name") == new.get("name"):
            return ["same name, new content (replaced in place)"]
        return ["renamed, new content"]
    return [record.summary] if record.summary else []


def _figures(record: ChangeRecord) -> str:
    """``amount 597억 원 → 650억 원`` for each fact of a fact change, in readers' words."""
    facts = record.diff.get("facts") or []
    parts = [
        f"{metric_label(str(fact.get('metric')), 'en')} {fact.get('old_raw')}"
        f" → {fact.get('new_raw')}"
        for fact in facts
        if isinstance(fact, dict)
    ]
    return "; ".join(parts) or record.summary or record.title


def mails_per_event_lines(session: Session) -> list[str]:
    """How many mails each subscriber got about one document event (a new version, a
    withdrawal, a model change): an immediate alert is a mail, a digest is one mail however
    many of the event's records it lists. More than one is a repeat the reader notices."""
    rows = session.execute(
        select(
            Subscriber.email,
            AlertDelivery.id,
            AlertDelivery.digest_id,
            ChangeRecord.id,
            ChangeRecord.kind,
            ChangeRecord.document_id,
            ChangeRecord.new_version_id,
            ChangeRecord.entity_change_id,
        )
        .join(Subscriber, Subscriber.id == AlertDelivery.subscriber_id)
        .join(ChangeRecord, ChangeRecord.id == AlertDelivery.change_id)
        .where(AlertDelivery.status == DeliveryStatus.SENT)
    ).all()
    mails: dict[tuple[str, str], set[str]] = defaultdict(set)
    for email, delivery_id, digest_id, record_id, kind, document_id, version_id, model in rows:
        event = _event(record_id, kind, document_id, version_id, model)
        mail = f"digest {digest_id}" if digest_id is not None else f"alert {delivery_id}"
        mails[(email, event)].add(mail)
    most: dict[str, int] = defaultdict(int)
    for (email, _), sent in mails.items():
        most[email] = max(most[email], len(sent))
    lines = ["mails per subscriber and document event (most for any one event):"]
    lines.extend(f"  {most[email]:3d}  {email}" for email in sorted(most))
    repeats = sorted((key, len(sent)) for key, sent in mails.items() if len(sent) > 1)
    for (email, event), count in repeats:
        lines.append(f"  repeated: {email} got {count} mails for {_describe_event(session, event)}")
    return lines


def _event(
    record_id: int, kind: str, document_id: int | None, version_id: int | None, model: int | None
) -> str:
    if model is not None:
        return f"model change {model}"
    if kind == ChangeKind.REMOVED_DOCUMENT and document_id is not None:
        return f"withdrawal of document {document_id}"
    if document_id is not None and version_id is not None:
        return f"version {version_id} of document {document_id}"
    return f"record {record_id}"


def _describe_event(session: Session, event: str) -> str:
    words = event.split()
    if words[-2:-1] == ["document"]:
        document = session.get(Document, int(words[-1]))
        if document is not None:
            title = session.scalar(
                select(DocumentVersion.title).where(
                    DocumentVersion.id == document.current_version_id
                )
            )
            return f"{event} ({(title or '')[:60]})"
    return event
