"""A watcher changes a subscription from the link in a mail, in a real headless Chromium,
through ``zonewatch web``'s own server; screenshots at a phone's and a desktop's width go to
build/test-artifacts/console/."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit.browser import Browser, chromium, ensure_chromium
from tests.testkit.servers import ServerUnavailableError, server_unavailable
from tests.web.test_preferences import Reader, reader, seed_model, state, subscription_ids
from zonewatch.app import App
from zonewatch.web.server import make_server

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "console"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        executable = ensure_chromium()
    except ServerUnavailableError as exc:
        server_unavailable("headless Chromium", exc)
    with chromium(executable) as opened:
        yield opened


@pytest.fixture
def site(app: App) -> Iterator[str]:
    """The console on the hardened server ``zonewatch web`` runs, on a free port."""
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_watcher_changes_a_subscription_from_the_mail_link(
    app: App, browser: Browser, site: str, kim: Reader
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.page()
    first = subscription_ids(app, kim)[0]
    for width in (390, 1000):
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        page.call("Page.navigate", {"url": site + kim.path})
        browser.wait_for_event("Page.loadEventFired", page.session)
        layout = page.evaluate(
            "({width: window.innerWidth, scroll: document.documentElement.scrollWidth,"
            " title: document.querySelector('h1').innerText})"
        )
        assert layout["title"] == "메일 구독 설정"
        assert layout["scroll"] <= layout["width"], f"nothing wider than {width} px"
        page.screenshot(ARTIFACTS / f"preferences-{width}.png")

    select = f"document.getElementById('delivery-{first}')"
    page.evaluate(
        f"{select}.value = 'weekly';"
        f"document.getElementById('hour-{first}').value = '7';"
        f"{select}.form.querySelector('button[type=submit]').click(); true"
    )
    browser.wait_for_event("Page.loadEventFired", page.session)
    shown = page.evaluate("document.body.innerText")
    assert "구독을 바꿨습니다." in shown, json.dumps(shown, ensure_ascii=False)
    assert state(app, kim)[2][0] == ("ifez", "weekly", 7, True)
    page.screenshot(ARTIFACTS / "preferences-saved-1000.png")


@pytest.fixture
def kim(app: App) -> Reader:
    seed_model(app)
    return reader(app, "kim@example.org")
