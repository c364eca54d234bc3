"""The embedded broker's message table: claim a batch, delete on acknowledgement, give back.

One row per message that is waiting or in a worker's hands; a row is deleted when its task is
acknowledged, so the table holds only work that is not done. A worker claims rows by stamping
``claimed_at`` in one transaction (``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, and on both an ``UPDATE ... WHERE`` that re-checks the row is still free), so two
workers never hold the same message. A worker renews its claims while it lives; a claim older
than the visibility timeout belongs to a worker that died without a word, and the row is
claimed again by whoever polls next, like Redis's ``unacked`` restore.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
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
    Index("ix_broker_messages_queue_claimed", "queue", "claimed_at", "id"),
)

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "zonewatch_broker_read_only"
"""Execution option: on SQLite, read without taking the write lock (``BEGIN IMMEDIATE``)."""


@dataclass(frozen=True)
class ClaimedMessage:
    row_id: int
    queue: str
    payload: str


class MessageStore:
    """The message table behind one broker URL, on its own engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._create_tables()

    def _create_tables(self) -> None:
        """``IF NOT EXISTS``: several workers starting at once all create the table."""
        with self.engine.begin() as connection:
            connection.execute(CreateTable(MESSAGES, if_not_exists=True))
            for index in MESSAGES.indexes:
                connection.execute(CreateIndex(index, if_not_exists=True))

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
    ) -> list[ClaimedMessage]:
        """Up to ``limit`` free messages of ``queues``, oldest first, now held by ``holder``;
        the ``finished`` (acknowledged) rows are deleted in the same transaction.

        Free: never claimed, or claimed longer ago than ``visibility_timeout`` (its worker
        died). The UPDATE re-checks that, so a row another worker claimed in between is
        skipped rather than handed out twice.
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
            select(MESSAGES.c.id)
            .where(MESSAGES.c.queue.in_(queues), free)
            .order_by(MESSAGES.c.id)
            .limit(limit)
        )
        if not self.is_sqlite:
            candidates = candidates.with_for_update(skip_locked=True)
        with self.engine.begin() as connection:
            _delete_ids(connection, finished)
            ids = list(connection.scalars(candidates))
            if not ids:
                return []
            claimed = connection.execute(
                update(MESSAGES)
                .where(MESSAGES.c.id.in_(ids), free)
                .values(claimed_at=now, claimed_by=holder)
                .returning(MESSAGES.c.id, MESSAGES.c.queue, MESSAGES.c.payload)
            )
            messages = [ClaimedMessage(row.id, row.queue, row.payload) for row in claimed]
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

    def release(self, row_ids: Iterable[int], holder: str) -> None:
        """Given back (rejected with requeue, or a worker stopping): free at once, in place.
        Only rows ``holder`` still holds: a claim that lapsed and went to another worker
        stays with that worker."""
        self._by_ids(
            row_ids,
            lambda ids: (
                update(MESSAGES)
                .where(MESSAGES.c.id.in_(ids), MESSAGES.c.claimed_by == holder)
                .values(claimed_at=None, claimed_by=None)
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

    def count_all(self) -> int:
        """Every row, waiting or held: what the table costs on disk."""
        with self._reader() as connection:
            return int(connection.scalar(select(func.count()).select_from(MESSAGES)) or 0)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    """Bounded ``IN`` lists (SQLite limits the number of bound parameters)."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


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
