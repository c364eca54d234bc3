"""The unsubscribe endpoint: called as WSGI with hand-made requests, and served for real."""

from __future__ import annotations

import io
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.testkit.keys import PLACEHOLDER_KEY, TEST_SECRET_KEY
from tests.testkit.servers import free_port
from tests.testkit.workers import ZONEWATCH, zonewatch_env
from zonewatch.alerts.subscribers import mask_email
from zonewatch.alerts.tokens import unsubscribe_token, unsubscribe_url
from zonewatch.alerts.web import make_app, make_server
from zonewatch.app import App, configure
from zonewatch.errors import ConfigError
from zonewatch.models import AlertDelivery, ChangeRecord, Subscriber, Subscription, migrate
from zonewatch.models.base import utcnow

SECRET = TEST_SECRET_KEY
PUBLIC_URL = "https://zonewatch.example.org/zw"
ONE_CLICK = b"List-Unsubscribe=One-Click"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[App]:
    built = configure(
        data_dir=tmp_path / "data",
        database_url=migrated_database_url,
        public_url=PUBLIC_URL,
        secret_key=SECRET,
    )
    migrate.upgrade(built.engine)
    yield built
    built.dispose()


@pytest.fixture
def subscriber_id(app: App) -> int:
    """An active subscriber with two subscriptions, one pending and one sent delivery."""
    with app.session() as session:
        row = Subscriber(email="o'brien+<zw>@example.com", name="오브라이언")
        session.add(row)
        session.flush()
        session.add_all(
            [Subscription(subscriber_id=row.id), Subscription(subscriber_id=row.id, keyword="송도")]
        )
        changes = [ChangeRecord(kind="new_document", dedupe_key=f"k{n}", title="t") for n in (1, 2)]
        session.add_all(changes)
        session.flush()
        for change, status in zip(changes, ("pending", "sent"), strict=True):
            session.add(
                AlertDelivery(
                    subscriber_id=row.id,
                    change_id=change.id,
                    event_key=f"change:{change.id}",
                    channel="email",
                    delivery="immediate",
                    status=status,
                    sent_at=utcnow() if status == "sent" else None,
                )
            )
        return row.id


def call(
    app: App, method: str, path: str, query: str = "", body: bytes = b"", **extra: Any
) -> Answer:
    """One request straight into the WSGI application, as a server would make it."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "8080",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        **extra,
    }
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.extend([status, dict(headers)])
        return lambda data: None

    chunks = make_app(app)(environ, start_response)
    return Answer(int(started[0].split()[0]), started[1], b"".join(chunks).decode())


def token_key(app: App, subscriber_id: int) -> str:
    with app.session() as session:
        row = session.get(Subscriber, subscriber_id)
        return row.token_key if row is not None else "no-such-row"


def token_query(app: App, subscriber_id: int, secret: str = SECRET, key: str | None = None) -> str:
    """The query of the link a mail to the subscriber carries (or a forged one)."""
    key = key if key is not None else token_key(app, subscriber_id)
    return urlsplit(unsubscribe_url(PUBLIC_URL, secret, subscriber_id, key)).query


def state(app: App, subscriber_id: int) -> tuple[str, list[bool], list[str]]:
    """The subscriber's status, subscriptions' active flags and deliveries' statuses."""
    with app.session() as session:
        row = session.get(Subscriber, subscriber_id)
        assert row is not None
        active = session.scalars(
            select(Subscription.active)
            .where(Subscription.subscriber_id == subscriber_id)
            .order_by(Subscription.id)
        ).all()
        statuses = session.scalars(
            select(AlertDelivery.status)
            .where(AlertDelivery.subscriber_id == subscriber_id)
            .order_by(AlertDelivery.id)
        ).all()
        return row.status, list(active), list(statuses)


BEFORE = ("active", [True, True], ["pending", "sent"])
AFTER = ("unsubscribed", [False, False], ["cancelled", "sent"])


def test_get_shows_a_confirmation_form_and_unsubscribes_nobody(
    app: App, subscriber_id: int
) -> None:
    query = token_query(app, subscriber_id)

    answer = call(app, "GET", "/unsubscribe", query)

    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<form method="post" action="unsubscribe?' in answer.body
    assert "구독 해지 · Unsubscribe" in answer.body
    assert "<strong>o***@e***.com</strong>" in answer.body, "the address is masked"
    assert "brien" not in answer.body
    assert "example.com" not in answer.body
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in answer.headers
    assert state(app, subscriber_id) == BEFORE
    assert call(app, "HEAD", "/unsubscribe", query).body == ""
    assert state(app, subscriber_id) == BEFORE


def test_one_click_post_unsubscribes_and_a_second_one_changes_nothing(
    app: App, subscriber_id: int
) -> None:
    query = token_query(app, subscriber_id)

    answer = call(app, "POST", "/unsubscribe", query, ONE_CLICK)

    assert answer.status == 200
    assert "has been unsubscribed" in answer.body
    assert state(app, subscriber_id) == AFTER

    again = call(app, "POST", "/unsubscribe", query, ONE_CLICK)
    assert again.status == 200
    assert "already unsubscribed" in again.body
    assert state(app, subscriber_id) == AFTER
    assert "already unsubscribed" in call(app, "GET", "/unsubscribe", query).body


def test_the_form_posts_the_token_back_and_unsubscribes(app: App, subscriber_id: int) -> None:
    page = call(app, "GET", "/unsubscribe", token_query(app, subscriber_id)).body
    action = page.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    path, query = action.split("?", 1)

    answer = call(app, "POST", f"/{path}", query, ONE_CLICK)

    assert answer.status == 200
    assert state(app, subscriber_id) == AFTER


@pytest.mark.parametrize(
    "query",
    [
        "",
        "token=",
        "token=not-a-token",
        "token=eyJzIjoxfQ.forged-signature",
        "other=1",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_bad_token_is_400_and_changes_nothing(
    app: App, subscriber_id: int, method: str, query: str
) -> None:
    answer = call(app, method, "/unsubscribe", query, ONE_CLICK)

    assert answer.status == 400
    assert "not valid" in answer.body
    assert state(app, subscriber_id) == BEFORE


def test_a_token_signed_with_another_key_is_400(app: App, subscriber_id: int) -> None:
    forged = token_query(app, subscriber_id, secret="some-other-secret-that-is-long-enough")

    for method in ("GET", "POST"):
        assert call(app, method, "/unsubscribe", forged, ONE_CLICK).status == 400
    assert state(app, subscriber_id) == BEFORE


BAD_LINK = "This unsubscribe link is not valid"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_subscribers_get_the_same_answer_as_bad_tokens(
    app: App, subscriber_id: int, method: str
) -> None:
    """No 200-vs-404 oracle: a well-signed token for an id that does not exist is answered
    exactly like garbage, so forged tokens reveal nothing about which ids exist."""
    garbage = call(app, method, "/unsubscribe", "token=not-a-token", ONE_CLICK)
    unknown = call(
        app, method, "/unsubscribe", token_query(app, subscriber_id + 1000, key="k"), ONE_CLICK
    )

    assert (unknown.status, unknown.body) == (garbage.status, garbage.body) == (400, garbage.body)
    assert BAD_LINK in unknown.body
    assert state(app, subscriber_id) == BEFORE


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_token_forged_with_the_placeholder_key_is_refused(
    app: App, subscriber_id: int, method: str
) -> None:
    forged = token_query(app, subscriber_id, secret=PLACEHOLDER_KEY)

    answer = call(app, method, "/unsubscribe", forged, ONE_CLICK)

    assert answer.status == 400
    assert BAD_LINK in answer.body
    assert state(app, subscriber_id) == BEFORE


def test_a_token_with_the_right_id_but_another_row_key_is_refused(
    app: App, subscriber_id: int
) -> None:
    """The secret key alone does not make a link: the row's own random key is in it too."""
    guessed = token_query(app, subscriber_id, key="guessed-row-key")

    assert call(app, "POST", "/unsubscribe", guessed, ONE_CLICK).status == 400
    assert state(app, subscriber_id) == BEFORE


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_old_link_does_not_reach_a_new_subscriber_with_the_reused_id(
    app: App, subscriber_id: int, method: str
) -> None:
    """SQLite hands a deleted row's id to the next insert; the old link must be refused."""
    old_link = token_query(app, subscriber_id)
    with app.session() as session:
        old = session.get(Subscriber, subscriber_id)
        session.delete(old)
    with app.session() as session:
        session.add(Subscriber(id=subscriber_id, email="newcomer@example.net", name="새 구독자"))

    answer = call(app, method, "/unsubscribe", old_link, ONE_CLICK)

    assert answer.status == 400
    assert BAD_LINK in answer.body
    assert "newcomer" not in answer.body
    assert "n***" not in answer.body
    with app.session() as session:
        newcomer = session.get(Subscriber, subscriber_id)
        assert newcomer is not None
        assert (newcomer.email, newcomer.status) == ("newcomer@example.net", "active")


@pytest.mark.parametrize("method", ["post", "Get", "PATCH", "get"])
def test_methods_are_case_sensitive(app: App, subscriber_id: int, method: str) -> None:
    answer = call(app, method, "/unsubscribe", token_query(app, subscriber_id), ONE_CLICK)

    assert answer.status == 405
    assert state(app, subscriber_id) == BEFORE


def test_a_body_that_never_arrives_is_a_408(app: App, subscriber_id: int) -> None:
    class Stalled(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise TimeoutError("timed out")

    query = token_query(app, subscriber_id)
    answer = call(app, "POST", "/unsubscribe", query, ONE_CLICK, **{"wsgi.input": Stalled()})

    assert answer.status == 408
    assert state(app, subscriber_id) == BEFORE


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("kim@example.com", "k***@e***.com"),
        ("o'brien+<zw>@mail.example.co.kr", "o***@m***.kr"),
        ("a@예시.kr", "a***@예***.kr"),
        ("x@localhost", "x***@l***"),
    ],
)
def test_addresses_are_masked(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_the_endpoint_refuses_to_start_without_a_key(tmp_path: Path) -> None:
    keyless = configure(data_dir=tmp_path / "data")
    try:
        with pytest.raises(ConfigError, match="ZONEWATCH_SECRET_KEY is not set"):
            make_app(keyless)
        with pytest.raises(ConfigError, match=r"secrets\.token_urlsafe"):
            make_server(keyless, "127.0.0.1", 0)
    finally:
        keyless.dispose()


def test_health_other_paths_and_methods(app: App) -> None:
    health = call(app, "GET", "/health")
    assert (health.status, health.body) == (200, "ok\n")
    assert call(app, "GET", "/zw/health").status == 200, "with the public URL's path prefix"
    assert call(app, "GET", "/").status == 404
    assert call(app, "GET", "/admin").status == 404
    assert call(app, "POST", "/unsubscribe/extra", body=ONE_CLICK).status == 404
    not_allowed = call(app, "PUT", "/unsubscribe", token_query(app, 1))
    assert not_allowed.status == 405
    assert not_allowed.headers["Allow"] == "GET, HEAD, POST"


def test_the_link_from_a_mail_works_against_a_real_server(app: App, subscriber_id: int) -> None:
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        link = unsubscribe_url(PUBLIC_URL, SECRET, subscriber_id, token_key(app, subscriber_id))
        local = link.replace(
            "https://zonewatch.example.org", f"http://127.0.0.1:{server.server_port}"
        )
        with urllib.request.urlopen(local, timeout=10) as response:
            assert response.status == 200
        assert state(app, subscriber_id) == BEFORE

        request = urllib.request.Request(local, data=ONE_CLICK, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert state(app, subscriber_id) == AFTER

        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(local.replace("token=", "token=x"), timeout=10)
        assert caught.value.code == 400
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_zonewatch_web_serves_the_endpoint(
    tmp_path: Path, app: App, subscriber_id: int, migrated_database_url: str
) -> None:
    port = free_port()
    env = zonewatch_env(tmp_path / "web", database_url=migrated_database_url)
    env.update(ZONEWATCH_PUBLIC_URL=PUBLIC_URL)
    process = subprocess.Popen(
        [ZONEWATCH, "web", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    assert response.read() == b"ok\n"
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "zonewatch web did not come up"
                time.sleep(0.2)
        token = unsubscribe_token(SECRET, subscriber_id, token_key(app, subscriber_id))
        request = urllib.request.Request(
            f"{base}/unsubscribe?token={token}", data=ONE_CLICK, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        assert state(app, subscriber_id) == AFTER
    finally:
        process.terminate()
        process.wait(30)
