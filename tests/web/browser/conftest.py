"""One live console and one headless Chromium for the whole folder (see
:mod:`tests.testkit.console` for what they hold and how to write a flow)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.testkit.console import (
    ConsoleBrowser,
    LiveConsole,
    chrome,
    ensure_chromedriver,
    live_console,
)
from tests.testkit.servers import ServerUnavailableError, server_unavailable


@pytest.fixture(scope="session")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveConsole]:
    with live_console(tmp_path_factory.mktemp("console")) as served:
        yield served


@pytest.fixture(scope="session")
def chromium_session(console_server: LiveConsole) -> Iterator[ConsoleBrowser]:
    try:
        executable, driver = ensure_chromedriver()
    except ServerUnavailableError as exc:
        server_unavailable("headless Chromium with chromedriver", exc)
    with chrome(executable, driver) as opened:
        yield ConsoleBrowser(opened, console_server.url)


@pytest.fixture
def browser(chromium_session: ConsoleBrowser) -> ConsoleBrowser:
    """The session's browser, signed out on a blank page."""
    chromium_session.reset()
    return chromium_session
