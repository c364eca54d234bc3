"""`zonewatch web`'s server: the console and the unsubscribe endpoint on one hardened server,
with the public URL's path prefix."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.testkit.keys import TEST_SECRET_KEY
from zonewatch.app import App, configure
from zonewatch.models import migrate
from zonewatch.web.server import make_server


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    app: App = configure(
        data_dir=tmp_path / "data",
        secret_key=TEST_SECRET_KEY,
        public_url="https://zonewatch.example.org/zw",
    )
    migrate.upgrade(app.engine)
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        app.dispose()


def _get(url: str) -> tuple[int, str, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def test_health_and_unsubscribe_answer_as_before(base: str) -> None:
    assert _get(f"{base}/health")[:2] == (200, "ok\n")
    assert _get(f"{base}/zw/health")[:2] == (200, "ok\n")
    status, body, headers = _get(f"{base}/unsubscribe?token=garbage")
    assert status == 400
    assert "This unsubscribe link is not valid" in body
    assert headers.get("Set-Cookie") is None


def test_the_console_is_served_under_the_prefix(base: str) -> None:
    status, body, headers = _get(f"{base}/zw/login")
    assert status == 200
    assert 'action="/zw/login"' in body
    assert 'href="/zw/static/console.css"' in body
    cookie = str(headers.get("Set-Cookie"))
    assert "Path=/zw" in cookie
    assert "Secure" in cookie
    assert _get(f"{base}/zw/static/console.css")[0] == 200
    assert _get(f"{base}/zw/nowhere")[0] == 404


def test_a_visitor_is_sent_to_the_login_page_under_the_prefix(base: str) -> None:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(f"{base}/zw/changes", timeout=10)
    assert caught.value.code == 303
    assert caught.value.headers["Location"] == "/zw/login?next=/changes"
