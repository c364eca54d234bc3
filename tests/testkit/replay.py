"""The replay server for tests: a fixture and a small HTTP helper.

Use it from any test package's ``conftest.py``::

    from tests.testkit.replay import replay_server  # noqa: F401  (a pytest fixture)

then take ``replay_server`` as an argument: a started :class:`ReplayServer` in state 0, with
no faults, stopped after the test. ``fetch(server, host, path)`` requests a site path through
the path prefix and returns status, headers and body without following redirects. It
sends a browser-like User-Agent (:data:`BROWSER`), as KICOX and korea.kr demand; pass
``headers={"User-Agent": …}`` to be someone else.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

import pytest

from zonewatch.replay.server import ReplayServer

BROWSER = "Mozilla/5.0 (compatible; zonewatch-tests/1.0; +https://example.invalid/)"


@pytest.fixture
def replay_server() -> Iterator[ReplayServer]:
    """A replay server on a free loopback port, state 0, stopped after the test."""
    with ReplayServer() as server:
        yield server


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: Message
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)

    def html(self, encoding: str = "utf-8") -> Any:
        """The body parsed by lxml (an ``lxml.html.HtmlElement``)."""
        from lxml import html

        return html.fromstring(self.text(encoding))


def fetch(
    server: ReplayServer,
    host: str,
    path: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    via_host_header: bool = False,
    timeout: float = 10.0,
) -> Fetched:
    """One request to ``path`` on site ``host`` (path prefix, or the Host header if asked)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        target = path if via_host_header else f"/{host}{path}"
        sent = {"User-Agent": BROWSER, **(headers or {})}
        if via_host_header:
            sent["Host"] = host
        connection.request(method, target, body=body, headers=sent)
        response = connection.getresponse()
        return Fetched(response.status, response.headers, response.read())
    finally:
        connection.close()
