from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.message import Message
from kombu.messaging import Consumer
from sqlalchemy import inspect

from tests.testkit.servers import RedisServer
from zonewatch.app import configure
from zonewatch.config.settings import load_settings
from zonewatch.workers.broker_store import MessageStore, broker_engine, store_for
from zonewatch.workers.bulk import publish_many
from zonewatch.workers.celery_app import broker_transport_options
from zonewatch.workers.transport import (
    MIN_POLLING_INTERVAL,
    EmbeddedTransport,
    RedisTransport,
    transport_for,
)


def test_the_embedded_broker_url_names_our_transport_and_keeps_the_database_url() -> None:
    for database_url in ("sqlite:////data/broker.sqlite", "postgresql+psycopg://u@db/zw"):
        url, transport = transport_for(f"sqla+{database_url}")
        assert transport is EmbeddedTransport
        connection = Connection(url, transport=transport)
        assert connection.get_transport_cls() is EmbeddedTransport
        assert connection.hostname == database_url
    assert EmbeddedTransport.polling_interval < 1


def test_redis_uses_the_transport_that_survives_a_broker_restart() -> None:
    assert transport_for("redis://127.0.0.1:6379/0") == ("redis://127.0.0.1:6379/0", RedisTransport)
    assert transport_for("memory://") == ("memory://", None)


def test_each_broker_gets_its_own_redelivery_options(tmp_path: Path) -> None:
    on_redis = load_settings(data_dir=tmp_path, broker_url="redis://127.0.0.1/0")
    options = broker_transport_options(on_redis)
    assert options["visibility_timeout"] == on_redis.task_visibility_timeout_seconds
    assert options["unacked_restore_interval"] <= 10

    embedded = load_settings(
        data_dir=tmp_path,
        broker_claim_timeout_seconds=30,
        broker_polling_interval_seconds=0.2,
        broker_max_deliveries=3,
    )
    assert broker_transport_options(embedded) == {
        "visibility_timeout": 30,
        "polling_interval": 0.2,
        "max_deliveries": 3,
    }
    assert broker_transport_options(load_settings(data_dir=tmp_path, broker_url="memory://")) == {}


def test_the_celery_app_sends_through_the_chosen_transport(tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path)
    try:
        with app.celery.connection_for_write() as connection:
            assert connection.get_transport_cls() is EmbeddedTransport
            assert connection.hostname == f"sqlite:///{tmp_path / 'broker.sqlite'}"
    finally:
        app.dispose()


# --- the embedded broker's table, on SQLite and PostgreSQL --------------------------------------


@pytest.fixture
def broker_url(fresh_database_url: str) -> str:
    return fresh_database_url


def connect(database_url: str, **options: Any) -> Connection:
    url, transport = transport_for(f"sqla+{database_url}")
    return Connection(url, transport=transport, transport_options=options)


def publish(url: str, count: int, queue: str = "work") -> None:
    with connect(url) as connection:
        producer = connection.Producer(routing_key=queue)
        for n in range(count):
            producer.publish({"n": n}, routing_key=queue, declare=[Queue(queue)])


class Received:
    """What a consumer was handed, in order, with the messages kept for acknowledging."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, body: dict[str, int], message: Message) -> None:
        self.messages.append(message)

    @property
    def numbers(self) -> list[int]:
        return [message.payload["n"] for message in self.messages]


@contextmanager
def consuming(
    url: str, prefetch: int, queue: str = "work", **options: Any
) -> Iterator[tuple[Connection, Received]]:
    """A consumer like a worker's: acknowledges late, holds at most ``prefetch`` messages."""
    received = Received()
    with connect(url, **options) as connection:
        consumer = Consumer(connection.default_channel, [Queue(queue)], callbacks=[received])
        consumer.qos(prefetch_count=prefetch)
        with consumer:
            yield connection, received


def drain(connection: Connection, timeout: float = 2.0) -> None:
    connection.drain_events(timeout=timeout)


def test_one_poll_claims_the_whole_prefetch_window(broker_url: str) -> None:
    publish(broker_url, 7)
    with consuming(broker_url, prefetch=5) as (connection, received):
        drain(connection)
        assert received.numbers == [0, 1, 2, 3, 4]
        assert store_for(broker_url).size("work") == 2


def test_an_idle_consumer_backs_off_to_the_polling_interval_and_a_busy_one_does_not(
    broker_url: str,
) -> None:
    with consuming(broker_url, prefetch=2, polling_interval=0.04) as (connection, received):
        transport = connection.transport
        with pytest.raises(TimeoutError):
            drain(connection, timeout=0.5)
        assert transport._idle_delay == 0.04
        publish(broker_url, 1)
        drain(connection)
        assert received.numbers == [0]
        assert transport._idle_delay == MIN_POLLING_INTERVAL


def test_acknowledged_messages_leave_the_table(broker_url: str) -> None:
    publish(broker_url, 6)
    with consuming(broker_url, prefetch=4) as (connection, received):
        while len(received.messages) < 6:
            drain(connection)
            for message in received.messages:
                if not message.acknowledged:
                    message.ack()
    assert received.numbers == [0, 1, 2, 3, 4, 5]
    assert store_for(broker_url).count_all() == 0


def test_a_stopping_consumer_gives_back_what_it_did_not_acknowledge(broker_url: str) -> None:
    publish(broker_url, 3)
    with consuming(broker_url, prefetch=3) as (connection, received):
        drain(connection)
        received.messages[0].ack()
    with consuming(broker_url, prefetch=3) as (connection, again):
        drain(connection)
        assert again.numbers == [1, 2]


def test_a_rejected_message_is_requeued_in_place(broker_url: str) -> None:
    publish(broker_url, 1)
    with consuming(broker_url, prefetch=1) as (connection, received):
        drain(connection)
        received.messages[0].reject(requeue=True)
        drain(connection)
        assert received.numbers == [0, 0]
        assert store_for(broker_url).count_all() == 1
        received.messages[1].reject(requeue=False)
    assert store_for(broker_url).count_all() == 0


def test_a_dead_workers_messages_come_back_after_the_visibility_timeout(broker_url: str) -> None:
    """The first consumer never acknowledges nor closes (a SIGKILLed worker): its claim lapses
    and another consumer receives the message."""
    publish(broker_url, 1)
    dead = connect(broker_url, visibility_timeout=1.0)
    dead_channel = dead.channel()
    assert dead_channel.basic_get("work") is not None

    with consuming(broker_url, prefetch=1, visibility_timeout=1.0) as (connection, received):
        with pytest.raises(TimeoutError):
            drain(connection, timeout=0.3)
        time.sleep(1.0)
        drain(connection)
        assert received.numbers == [0]
        assert received.messages[0].delivery_info["routing_key"] == "work"

        dead.release()  # the slow first holder stops after all: the new claim stands
        with consuming(broker_url, prefetch=1) as (third, nothing), pytest.raises(TimeoutError):
            drain(third, timeout=0.3)
        assert nothing.numbers == []


HOLDER = """
import sys, time
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.messaging import Consumer
from zonewatch.workers.transport import transport_for

url, transport = transport_for("sqla+" + sys.argv[1])
with Connection(url, transport=transport, transport_options={"visibility_timeout": 1.0}) as conn:
    held = []
    keep = lambda body, message: held.append(message)
    consumer = Consumer(conn.default_channel, [Queue("work")], callbacks=[keep])
    consumer.qos(prefetch_count=3)
    with consumer:
        while len(held) < 3:
            conn.drain_events(timeout=10)
        print("holding", flush=True)
        while True:
            time.sleep(1)
"""


@pytest.mark.slow
def test_the_messages_of_a_sigkilled_process_are_delivered_again(broker_url: str) -> None:
    publish(broker_url, 3)
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, broker_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        assert store_for(broker_url).size("work") == 0
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    with consuming(broker_url, prefetch=3, visibility_timeout=1.0) as (connection, received):
        deadline = time.monotonic() + 10
        while len(received.messages) < 3 and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                drain(connection, timeout=0.5)
        assert sorted(received.numbers) == [0, 1, 2]


def test_a_live_worker_keeps_its_claim_past_the_visibility_timeout(broker_url: str) -> None:
    publish(broker_url, 1)
    with (
        consuming(broker_url, prefetch=1, visibility_timeout=0.8) as (holder, held),
        consuming(broker_url, prefetch=1, visibility_timeout=0.8) as (other, taken),
    ):
        drain(holder)
        assert held.numbers == [0]
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            with pytest.raises(TimeoutError):
                drain(holder, timeout=0.1)
            with pytest.raises(TimeoutError):
                drain(other, timeout=0.1)
        assert taken.numbers == []
        held.messages[0].ack()


def test_two_workers_never_receive_the_same_message(broker_url: str) -> None:
    """Two stores on engines of their own (two worker processes) claim from one table at once."""
    total = 300
    MessageStore(broker_engine(broker_url)).put_many([("work", f"{n}") for n in range(total)])
    claimed: list[list[int]] = [[], []]
    ready = threading.Barrier(2, timeout=60)

    def worker(index: int) -> None:
        store = MessageStore(broker_engine(broker_url))
        ready.wait()
        while batch := store.claim(["work"], 7, visibility_timeout=600, holder=f"w{index}"):
            claimed[index].extend(int(message.payload) for message in batch)
            time.sleep(0.002)  # a worker runs what it claimed before it claims again
        store.engine.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    everything = claimed[0] + claimed[1]
    assert sorted(everything) == list(range(total))
    assert claimed[0], "the second worker claimed everything: no contention was tested"
    assert claimed[1], "the first worker claimed everything: no contention was tested"


def test_messages_of_other_queues_are_left_alone(broker_url: str) -> None:
    publish(broker_url, 2, queue="crawl")
    publish(broker_url, 1, queue="work")
    with consuming(broker_url, prefetch=10) as (connection, received):
        drain(connection)
        assert received.numbers == [0]
    assert store_for(broker_url).size("crawl") == 2


# --- publish_many ------------------------------------------------------------------------------


def test_publish_many_sends_every_task_in_one_batch(tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path)
    try:
        sent = publish_many(app.celery, "zonewatch.ingest_item", [[n] for n in range(50)])
        publish_many(app.celery, "zonewatch.crawl_source", [[1], [2]])
        store = store_for(f"sqlite:///{tmp_path / 'broker.sqlite'}")
        assert sent == 50
        assert store.size("default") == 50
        assert store.size("crawl") == 2
        with app.celery.connection_for_read() as connection:
            channel = connection.default_channel
            message = channel.basic_get("default")
            assert message.headers["task"] == "zonewatch.ingest_item"
            assert message.decode()[0] == [0]
    finally:
        app.dispose()


def test_publish_many_sends_none_when_one_cannot_be_sent(tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path)
    try:
        with pytest.raises(Exception, match="serializable"):
            publish_many(app.celery, "zonewatch.ingest_item", [[1], [2], [object()]])
        assert store_for(f"sqlite:///{tmp_path / 'broker.sqlite'}").count_all() == 0
    finally:
        app.dispose()


def test_publish_many_on_redis_puts_every_message(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    url = redis_server.url.rsplit("/", 1)[0] + "/5"
    client = redis.Redis.from_url(url)
    client.flushdb()
    app = configure(data_dir=tmp_path, broker_url=url)
    try:
        assert publish_many(app.celery, "zonewatch.ingest_item", [[n] for n in range(40)]) == 40
        assert client.llen("default") == 40
    finally:
        app.dispose()
        client.flushdb()


def test_a_message_rejected_max_deliveries_times_becomes_a_dead_letter(
    broker_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Each delivery counts, a requeue after a dead pool process included; the claim after
    the last one sets the message aside, logged by task and id, instead of handing it out."""
    with connect(broker_url) as connection:
        connection.Producer().publish(
            {"args": []},
            routing_key="work",
            declare=[Queue("work")],
            headers={"task": "zonewatch.poison", "id": "t-1"},
        )
    with consuming(broker_url, prefetch=1, max_deliveries=3) as (connection, received):
        for _ in range(3):
            drain(connection)
            received.messages[-1].reject(requeue=True)
        with caplog.at_level("ERROR"), pytest.raises(TimeoutError):
            drain(connection, timeout=0.5)
    assert len(received.messages) == 3
    store = store_for(broker_url)
    assert store.count_all() == 0
    [letter] = store.dead_letters()
    assert (letter.task, letter.task_id, letter.queue, letter.deliveries) == (
        "zonewatch.poison",
        "t-1",
        "work",
        3,
    )
    assert "zonewatch.poison[t-1] set aside as a dead letter after 3 deliveries" in caplog.text


def test_messages_a_stopping_worker_never_started_keep_their_deliveries(broker_url: str) -> None:
    """Giving back on a clean stop is not a failed delivery: a message may outlive any number
    of worker restarts."""
    publish(broker_url, 1)
    for _ in range(4):
        with consuming(broker_url, prefetch=1, max_deliveries=2) as (connection, received):
            drain(connection)
            assert received.numbers == [0]
    store = store_for(broker_url)
    assert store.dead_letters() == []
    assert store.size("work") == 1


def test_workers_starting_at_once_on_a_table_from_before_delivery_counts_all_start(
    broker_url: str,
) -> None:
    """Stores made at the same moment (workers of one deployment starting together) all
    start and the column is added once; on PostgreSQL two starters altering the table at
    once deadlocked."""
    engine = broker_engine(broker_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE broker_messages (id INTEGER PRIMARY KEY, queue VARCHAR(200) NOT NULL,"
            " payload TEXT NOT NULL, sent_at FLOAT NOT NULL, claimed_at FLOAT,"
            " claimed_by VARCHAR(64))"
        )
        connection.exec_driver_sql(
            "INSERT INTO broker_messages (id, queue, payload, sent_at) VALUES (1, 'q', '{}', 0)"
        )
    engine.dispose()
    starters = 4
    ready = threading.Barrier(starters, timeout=60)
    errors: list[BaseException] = []

    def start() -> None:
        store_engine = broker_engine(broker_url)
        try:
            ready.wait()
            MessageStore(store_engine)
        except BaseException as error:
            errors.append(error)
        finally:
            store_engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    store = store_for(broker_url)
    assert [message.row_id for message in store.claim(["q"], 1, 60, "h")] == [1]
    columns = inspect(store.engine).get_columns("broker_messages")
    assert [column["name"] for column in columns].count("deliveries") == 1


def test_a_broker_table_from_before_delivery_counts_gets_the_column(broker_url: str) -> None:
    """Messages queued before an upgrade stay and start at 0 deliveries."""
    engine = broker_engine(broker_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TABLE broker_messages (id INTEGER PRIMARY KEY, queue VARCHAR(200) NOT NULL,"
                " payload TEXT NOT NULL, sent_at FLOAT NOT NULL, claimed_at FLOAT,"
                " claimed_by VARCHAR(64))"
            )
            connection.exec_driver_sql(
                "INSERT INTO broker_messages (id, queue, payload, sent_at) VALUES (1, 'q', '{}', 0)"
            )
        store = MessageStore(engine)
        [claimed] = store.claim(["q"], 1, 60, "h", max_deliveries=1)
        assert claimed.row_id == 1
        store.release([1], "h")
        assert store.claim(["q"], 1, 60, "h", max_deliveries=1) == []
        assert [letter.row_id for letter in store.dead_letters()] == [1]
    finally:
        engine.dispose()
