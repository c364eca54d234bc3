"""Operators hear once when a source turns broken or slow, once when it is healthy again, and
never from a sweep that finds nothing new; a channel that is down is tried again later."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alerts.test_sender import Webhook, webhook  # noqa: F401 - a fixture
from tests.testkit import factories
from tests.testkit.smtp import SmtpServer, smtp_server  # noqa: F401 - a fixture
from zonewatch.app import App, configure
from zonewatch.crawlers.health import SourceHealth
from zonewatch.crawlers.operators import notify_health_changes
from zonewatch.models import CrawlRun, Source, migrate
from zonewatch.models.base import utcnow

OPERATOR = "ops@example.kr"


def make_app(tmp_path: Path, database_url: str, smtp_url: str, *targets: str) -> App:
    app = configure(
        data_dir=tmp_path / "data",
        database_url=database_url,
        smtp_url=smtp_url,
        mail_from="zonewatch <zonewatch@example.kr>",
        operator_alerts=",".join(targets),
        allowed_private_hosts="127.0.0.1",  # the loopback webhook
    )
    migrate.upgrade(app.engine)
    return app


@pytest.fixture
def app(
    tmp_path: Path,
    fresh_database_url: str,
    smtp_server: SmtpServer,  # noqa: F811
) -> Iterator[App]:
    built = make_app(tmp_path, fresh_database_url, smtp_server.url, f"mailto:{OPERATOR}")
    with built.session() as session:
        factories.source(session, "daegu-press", name="대구광역시 보도자료")
    yield built
    built.dispose()


def set_health(app: App, health: SourceHealth, reason: str | None = None) -> None:
    """What finalize_run leaves on the source after a run."""
    with app.session() as session:
        source = session.get(Source, "daegu-press")
        assert source is not None
        now = utcnow()
        session.add(CrawlRun(source_id=source.id, status="ok", started_at=now, finished_at=now))
        source.health, source.health_reason = health, reason


def subjects(server: SmtpServer) -> list[str]:
    return [str(received.message["Subject"]) for received in server.to(OPERATOR)]


def test_each_change_of_state_is_told_once(app: App, smtp_server: SmtpServer) -> None:  # noqa: F811
    set_health(app, SourceHealth.HEALTHY)
    assert notify_health_changes(app).sent == [], "healthy from the start: nothing to tell"

    set_health(app, SourceHealth.BROKEN, "rows selector matched nothing")
    [notice] = notify_health_changes(app).sent
    assert notice.state == "broken"
    assert notify_health_changes(app).sent == [], "still broken: told already"
    set_health(app, SourceHealth.FAILING, "HTTP 503")  # broken to operators all the same
    assert notify_health_changes(app).sent == []
    set_health(app, SourceHealth.DEGRADED, "2 errors")  # tells nothing new either way
    assert notify_health_changes(app).sent == []

    set_health(app, SourceHealth.HEALTHY)
    assert [n.state for n in notify_health_changes(app).sent] == ["healthy"]
    set_health(app, SourceHealth.SLOW, "took 7 min, 9× its usual 45 s")
    assert [n.state for n in notify_health_changes(app).sent] == ["slow"]

    assert subjects(smtp_server) == [
        "zonewatch: daegu-press is broken (고장)",
        "zonewatch: daegu-press is healthy again (정상 복구)",
        "zonewatch: daegu-press is slow (느려짐)",
    ]
    body = smtp_server.to(OPERATOR)[0].message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "대구광역시 보도자료 (daegu-press)" in text
    assert "is broken / 고장: rows selector matched nothing" in text
    assert "KST" in text
    recovered = smtp_server.to(OPERATOR)[1].message.get_body(("plain",))
    assert recovered is not None
    assert "before / 이전: broken" in recovered.get_content()


def test_concurrent_sweeps_tell_a_change_once(app: App, smtp_server: SmtpServer) -> None:  # noqa: F811
    set_health(app, SourceHealth.BROKEN, "rows selector matched nothing")
    barrier = threading.Barrier(4)

    def sweep() -> None:
        barrier.wait()
        notify_health_changes(app)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(smtp_server.to(OPERATOR)) == 1


def test_a_notice_that_reached_no_one_is_tried_again_at_the_next_sweep(
    app: App,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    set_health(app, SourceHealth.BROKEN, "rows selector matched nothing")
    smtp_server.stop()
    report = notify_health_changes(app)
    assert report.sent == []
    [failure] = report.failed
    assert failure.startswith(f"mailto:{OPERATOR}: ConnectionRefusedError")
    smtp_server.start()
    assert [n.state for n in notify_health_changes(app).sent] == ["broken"]
    assert len(smtp_server.to(OPERATOR)) == 1


def test_apprise_targets_get_the_notice_too(
    tmp_path: Path,
    fresh_database_url: str,
    smtp_server: SmtpServer,  # noqa: F811
    webhook: Webhook,  # noqa: F811
) -> None:
    app = make_app(tmp_path, fresh_database_url, smtp_server.url, OPERATOR, webhook.url("ops"))
    try:
        with app.session() as session:
            factories.source(session, "daegu-press", name="대구광역시 보도자료")
        set_health(app, SourceHealth.BROKEN, "no items found where the last run found 6")
        notify_health_changes(app)
        notify_health_changes(app)
    finally:
        app.dispose()
    [(path, payload)] = webhook.posts
    assert path == "/ops"
    assert payload["title"] == "zonewatch: daegu-press is broken (고장)"
    assert "no items found where the last run found 6" in payload["message"]
    assert len(smtp_server.to(OPERATOR)) == 1


def test_without_targets_nothing_is_recorded_as_told(
    tmp_path: Path,
    fresh_database_url: str,
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    app = make_app(tmp_path, fresh_database_url, smtp_server.url)
    try:
        with app.session() as session:
            factories.source(session, "daegu-press")
        set_health(app, SourceHealth.BROKEN, "rows selector matched nothing")
        assert notify_health_changes(app).sent == []
        with app.session() as session:
            source = session.get(Source, "daegu-press")
            assert source is not None
            assert source.notified_health is None, "told once a target is configured"
    finally:
        app.dispose()
