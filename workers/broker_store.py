"""The embedded broker's message table: claim a batch, delete on acknowledgement, give back.

One row per message that is waiting or in a worker's hands; a row is deleted when its task is
acknowledged, so the table holds only work that is not done. A worker claims rows by stamping
``claimed_at`` in one transaction (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, and on both an ``UPDATE ... WHERE`` that re-checks the row is still free), so two
workers never hold the same message. A worker renews its claims while it lives; a claim older
than the visibility timeout belongs to a worker that died without a word, and the row is
claimed again by whoever polls next, like Redis's ``unacked`` restore.

Every claim counts a delivery. A message claimed ``max_deliveries`` times without being
acknowledged (a task that kills its worker each time it runs) would otherwise go round for
ever; the next claim moves it to ``broker_dead_letters`` instead, kept for an operator to read
(``zonewatch dead-letters``), and logs one line naming the task and its id.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.expression import Executable

METADATA = MetaData()
MESSAGES = Table(
    "broker_messages",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("queue", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("sent_at", Float, nullable=False),
    Column("claimed_at", Float, nullable=True),
    Column("claimed_by", String(64), nullable=True),
    Column("deliveries", Integer, nullable=False, server_default="0"),
    Index("ix_broker_messages_queue_claimed", "queue", "claimed_at", "id"),
)
DEAD_LETTERS = Table(
    "broker_dead_letters",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("queue", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("sent_at", Float, nullable=False),
    Column("deliveries", Integer, nullable=False),
    Column("dead_at", Float, nullable=False),
)

SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_MAX_DELIVERIES = 5
SCHEMA_LOCK = 0x7A77_6272
"""PostgreSQL advisory lock key under which a starting store creates or upgrades its tables."""
READ_ONLY = "zonewatch_broker_read_only"
"""Execution option: on SQLite, read without taking the write lock (``BEGIN IMMEDIATE``)."""


@dataclass(frozen=True)
class ClaimedMessage:
    row_id: int
    queue: str
    payload: str


@dataclass(frozen=True)
class DeadLetter:
    """A message set aside after ``deliveries`` claims that were never acknowledged."""

    row_id: int
    queue: str
    task: str
    task_id: str
    deliveries: int
    sent_at: float
    dead_at: float


log = logging.getLogger(__name__)


class MessageStore:
    """The message table behind one broker URL, on its own engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._create_tables()

    def _create_tables(self) -> None:
        """``IF NOT EXISTS``: several workers starting at once all create the table. On
        PostgreSQL they take turns (a lock held for the transaction): two starters altering
        one table at once deadlock."""
        with self.engine.begin() as connection:
            if not self.is_sqlite:
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            for table in (MESSAGES, DEAD_LETTERS):
                connection.execute(CreateTable(table, if_not_exists=True))
                for index in table.indexes:
                    connection.execute(CreateIndex(index, if_not_exists=True))
            self._add_deliveries_column(connection)

    @staticmethod
    def _add_deliveries_column(connection: Connection) -> None:
        """A table made before deliveries were counted gets the column, each message at 0.
        Looked up first: even ``ADD COLUMN IF NOT EXISTS`` locks the table against every
        claim while it runs, at each worker start."""
        if "deliveries" in {
            column["name"] for column in inspect(connection).get_columns(MESSAGES.name)
        }:
            return
        connection.exec_driver_sql(
            "ALTER TABLE broker_messages ADD COLUMN deliveries INTEGER NOT NULL DEFAULT 0"
        )

    def put_many(self, rows: Sequence[tuple[str, str]]) -> None:
        """Insert ``(queue, payload)`` rows in one transaction: all of them or none."""
        if not rows:
            return
        now = time.time()
        with self.engine.begin() as connection:
            connection.execute(
                insert(MESSAGES),
                [{"queue": queue, "payload": payload, "sent_at": now} for queue, payload in rows],
            )

    def claim(
        self,
        queues: Sequence[str],
        limit: int,
        visibility_timeout: float,
        holder: str,
        finished: Sequence[int] = (),
        max_deliveries: int = DEFAULT_MAX_DELIVERIES,
    ) -> list[ClaimedMessage]:
        """Up to ``limit`` free messages of ``queues``, oldest first, now held by ``holder``;
        the ``finished`` (acknowledged) rows are deleted in the same transaction.

        Free: never claimed, or claimed longer ago than ``visibility_timeout`` (its worker
        died). The UPDATE re-checks that, so a row another worker claimed in between is
        skipped rather than handed out twice. A free message already claimed
        ``max_deliveries`` times becomes a dead letter instead of being claimed again.
        """
        now = time.time()
        lapsed = now - visibility_timeout
        if not queues or limit <= 0:
            self.delete(finished)
            return []
        if not finished and not self._any_waiting(queues, lapsed):
            return []
        free = or_(MESSAGES.c.claimed_at.is_(None), MESSAGES.c.claimed_at < lapsed)
        candidates = (
            select(MESSAGES.c.id, MESSAGES.c.deliveries)
            .where(MESSAGES.c.queue.in_(queues), free)
            .order_by(MESSAGES.c.id)
            .limit(limit)
        )
        if not self.is_sqlite:
            candidates = candidates.with_for_update(skip_locked=True)
        with self.engine.begin() as connection:
            _delete_ids(connection, finished)
            rows = connection.execute(candidates).all()
            spent = [row.id for row in rows if row.deliveries >= max_deliveries]
            ids = [row.id for row in rows if row.deliveries < max_deliveries]
            dead = _set_aside(connection, spent, now)
            messages: list[ClaimedMessage] = []
            if ids:
                claimed = connection.execute(
                    update(MESSAGES)
                    .where(MESSAGES.c.id.in_(ids), free)
                    .values(claimed_at=now, claimed_by=holder, deliveries=MESSAGES.c.deliveries + 1)
                    .returning(MESSAGES.c.id, MESSAGES.c.queue, MESSAGES.c.payload)
                )
                messages = [ClaimedMessage(row.id, row.queue, row.payload) for row in claimed]
        for letter in dead:
            log.error(
                "task %s[%s] set aside as a dead letter after %d deliveries that never "
                "finished (queue %s, message %d)",
                letter.task,
                letter.task_id,
                letter.deliveries,
                letter.queue,
                letter.row_id,
            )
        return sorted(messages, key=lambda message: message.row_id)

    def _any_waiting(self, queues: Sequence[str], lapsed: float) -> bool:
        """An idle worker's poll: a read that takes no lock, so a dozen idle workers polling
        never queue up behind each other or delay a publisher."""
        free = or_(MESSAGES.c.claimed_at.is_(None), MESSAGES.c.claimed_at < lapsed)
        with self._reader() as connection:
            found = connection.scalar(
                select(MESSAGES.c.id).where(MESSAGES.c.queue.in_(queues), free).limit(1)
            )
        return found is not None

    def _reader(self) -> Connection:
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    def delete(self, row_ids: Iterable[int]) -> None:
        """Acknowledged: the messages are done and leave the table."""
        ids = list(row_ids)
        if ids:
            with self.engine.begin() as connection:
                _delete_ids(connection, ids)

    def release(self, row_ids: Iterable[int], holder: str, *, delivered: bool = True) -> None:
        """Given back (rejected with requeue, or a worker stopping): free at once, in place.
        Only rows ``holder`` still holds: a claim that lapsed and went to another worker
        stays with that worker. ``delivered=False`` (a stopping worker's prefetched messages,
        never started) takes back the delivery their claim counted."""
        deliveries = MESSAGES.c.deliveries if delivered else MESSAGES.c.deliveries - 1
        self._by_ids(
            row_ids,
            lambda ids: (
                update(MESSAGES)
                .where(MESSAGES.c.id.in_(ids), MESSAGES.c.claimed_by == holder)
                .values(claimed_at=None, claimed_by=None, deliveries=deliveries)
            ),
        )

    def renew(self, row_ids: Iterable[int], holder: str) -> None:
        """``holder`` still lives: its claims start their visibility timeout again."""
        now = time.time()
        self._by_ids(
            row_ids,
            lambda ids: (
                update(MESSAGES)
                .where(MESSAGES.c.id.in_(ids), MESSAGES.c.claimed_by == holder)
                .values(claimed_at=now)
            ),
        )

    def _by_ids(self, row_ids: Iterable[int], statement: Callable[[list[int]], Executable]) -> None:
        ids = sorted(set(row_ids))
        if ids:
            with self.engine.begin() as connection:
                for chunk in _chunks(ids):
                    connection.execute(statement(chunk))

    def size(self, queue: str) -> int:
        """Messages waiting (not held by a worker)."""
        with self._reader() as connection:
            count = connection.scalar(
                select(func.count())
                .select_from(MESSAGES)
                .where(MESSAGES.c.queue == queue, MESSAGES.c.claimed_at.is_(None))
            )
        return int(count or 0)

    def purge(self, queue: str) -> int:
        """Delete the waiting messages of ``queue``; held ones stay with their workers."""
        with self.engine.begin() as connection:
            result = connection.execute(
                delete(MESSAGES).where(MESSAGES.c.queue == queue, MESSAGES.c.claimed_at.is_(None))
            )
        return int(result.rowcount or 0)

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """The newest dead letters first, for an operator to look into."""
        with self._reader() as connection:
            rows = connection.execute(
                select(DEAD_LETTERS).order_by(DEAD_LETTERS.c.dead_at.desc()).limit(limit)
            ).all()
        return [_dead_letter(row, row.dead_at) for row in rows]

    def count_dead(self) -> int:
        with self._reader() as connection:
            return int(connection.scalar(select(func.count()).select_from(DEAD_LETTERS)) or 0)

    def count_all(self) -> int:
        """Every row, waiting or held: what the table costs on disk."""
        with self._reader() as connection:
            return int(connection.scalar(select(func.count()).select_from(MESSAGES)) or 0)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    """Bounded ``IN`` lists (SQLite limits the number of bound parameters)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _set_aside(connection: Connection, ids: Sequence[int], now: float) -> list[DeadLetter]:
    """Move the messages ``ids`` to the dead letters, in the caller's transaction."""
    if not ids:
        return []
    moved = select(
        MESSAGES.c.id,
        MESSAGES.c.queue,
        MESSAGES.c.payload,
        MESSAGES.c.sent_at,
        MESSAGES.c.deliveries,
    ).where(MESSAGES.c.id.in_(ids))
    rows = connection.execute(moved).all()
    connection.execute(
        insert(DEAD_LETTERS),
        [
            {
                "id": row.id,
                "queue": row.queue,
                "payload": row.payload,
                "sent_at": row.sent_at,
                "deliveries": row.deliveries,
                "dead_at": now,
            }
            for row in rows
        ],
    )
    _delete_ids(connection, ids)
    return [_dead_letter(row, now) for row in rows]


def _dead_letter(row: Row[Any], dead_at: float) -> DeadLetter:
    task, task_id = _task_of(row.payload)
    return DeadLetter(
        row_id=row.id,
        queue=row.queue,
        task=task,
        task_id=task_id,
        deliveries=row.deliveries,
        sent_at=row.sent_at,
        dead_at=dead_at,
    )


def _task_of(payload: str) -> tuple[str, str]:
    """The Celery task name and id in a kombu message's headers ("?" for a message that is
    not a Celery task: the broker carries any kombu message)."""
    headers = json.loads(payload).get("headers") or {}
    return str(headers.get("task", "?")), str(headers.get("id", "?"))


def _delete_ids(connection: Connection, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        connection.execute(delete(MESSAGES).where(MESSAGES.c.id.in_(chunk)))


def broker_engine(url: str) -> Engine:
    """An engine for the broker database. On SQLite: WAL (pollers do not block publishers),
    a long busy timeout (workers wait for each other's short transactions instead of failing)
    and ``BEGIN IMMEDIATE`` for every transaction, so a claim takes the write lock before it
    reads and two claims cannot interleave."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _: object) -> None:
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if not connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


_STORES: dict[tuple[str, int], MessageStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(url: str) -> MessageStore:
    """One store per broker URL and process: a forked pool process opens its own connections
    rather than sharing its parent's SQLite handles."""
    key = (url, os.getpid())
    with _STORES_LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = MessageStore(broker_engine(url))
        return store
