from __future__ import annotations

from pathlib import Path

from zonewatch.app import configure
from zonewatch.workers.celery_app import broker_transport_options
from zonewatch.workers.transport import EmbeddedTransport, RedisTransport, transport_for


def test_the_embedded_broker_url_becomes_a_database_url_with_a_faster_poll() -> None:
    url, transport = transport_for("sqla+sqlite:////data/broker.sqlite")
    assert url == "sqlite:////data/broker.sqlite"
    assert transport is EmbeddedTransport
    assert EmbeddedTransport.polling_interval < 1


def test_redis_uses_the_transport_that_survives_a_broker_restart() -> None:
    assert transport_for("redis://127.0.0.1:6379/0") == ("redis://127.0.0.1:6379/0", RedisTransport)
    assert transport_for("memory://") == ("memory://", None)


def test_redis_gives_back_a_dead_workers_tasks_after_the_visibility_timeout() -> None:
    options = broker_transport_options("redis://127.0.0.1/0", 600)
    assert options["visibility_timeout"] == 600
    assert options["unacked_restore_interval"] <= 10
    assert broker_transport_options("sqla+sqlite:///x", 600) == {}


def test_the_celery_app_sends_through_the_chosen_transport(tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path)
    try:
        with app.celery.connection_for_write() as connection:
            assert connection.transport_cls is EmbeddedTransport
            assert connection.hostname == f"sqlite:///{tmp_path / 'broker.sqlite'}"
    finally:
        app.dispose()


def test_a_queue_created_by_another_worker_at_the_same_time_is_used(tmp_path: Path) -> None:
    """The race of two embedded workers starting together, made certain: the row appears
    between this channel's look-up and its insert."""
    from kombu.connection import Connection

    url = f"sqlite:///{tmp_path / 'broker.sqlite'}"
    with (
        Connection(url, transport=EmbeddedTransport) as first,
        Connection(url, transport=EmbeddedTransport) as second,
    ):
        first_channel, second_channel = first.channel(), second.channel()
        first_channel._get_or_create("default")
        real_query = second_channel.session.query
        calls = []

        def query_missing_first(*args: object) -> object:
            calls.append(args)
            result = real_query(*args)
            if len(calls) <= 2:
                return result.filter(second_channel.queue_cls.name == "no such queue")
            return result

        second_channel.session.query = query_missing_first
        row = second_channel._get_or_create("default")
        assert row.name == "default"
