"""A plain HTTP(S) GET that obeys the URL policy at every hop, for fetches outside Scrapy
(``zonewatch parse-page`` and ``parse-feed``).

urllib would follow a redirect to any address and resolve each name again when it connects;
here every hop (redirects included, at most :data:`MAX_REDIRECTS`) is checked, and the
connection goes to an address that was checked, so a name cannot answer differently the
second time it is asked (DNS rebinding). The body is read up to a limit, never in full.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from zonewatch.crawlers.safety import IPAddress, UrlGuard

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """The URL could not be fetched (network, HTTP status or too many redirects).

    ``status`` is the HTTP status when the site answered one, so that a caller can tell a
    refusal (4xx) from a failure worth retrying (5xx, 429, a reset)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    body: bytes
    content_type: str | None
    url: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def connect_pinned(addresses: list[IPAddress], port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first checked address that answers."""
    problems = []
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as exc:
            problems.append(f"{address}: {exc}")
    raise OSError("; ".join(problems) or "no address to connect to")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a host name whose checked addresses are given: no second name lookup."""

    def __init__(
        self, host: str, port: int | None, addresses: list[IPAddress], timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = connect_pinned(self.addresses, self.port, self.timeout or 30)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses, the certificate still verified for the host name."""

    def __init__(
        self, host: str, port: int | None, addresses: list[IPAddress], timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses
        self.tls = ssl.create_default_context()

    def connect(self) -> None:
        sock = connect_pinned(self.addresses, self.port, self.timeout or 30)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None
    content_type: str | None
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _get_once(
    url: str, addresses: list[IPAddress], headers: Mapping[str, str], timeout: float, limit: int
) -> _Answer:
    parts = urlsplit(url)
    connection_cls = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_cls(parts.hostname or "", parts.port, addresses, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
        location = response.getheader("Location")
        body = b"" if response.status in REDIRECT_STATUSES else response.read(limit + 1)
        return _Answer(
            response.status,
            location,
            response.getheader("Content-Type"),
            body,
            tuple(response.getheaders()),
        )
    finally:
        connection.close()


def fetch_checked(
    url: str,
    guard: UrlGuard,
    *,
    headers: Mapping[str, str],
    limit: int,
    timeout: float = 30.0,
    rewrite: Callable[[str], str] | None = None,
) -> Fetched:
    """GET ``url``, following redirects; every hop passes ``guard`` (UnsafeURLError if not).

    ``rewrite`` maps a URL to the one really requested (the replay server); redirects are
    resolved against the URL as the site knows it. At most ``limit + 1`` bytes are read.
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        target = rewrite(current) if rewrite is not None else current
        addresses = guard.check(target)
        try:
            answer = _get_once(target, addresses, headers, timeout, limit)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc
        if answer.status in REDIRECT_STATUSES and answer.location:
            current = urljoin(current, answer.location.strip())
            continue
        if answer.status >= 400:
            raise FetchError(f"HTTP {answer.status}", answer.status)
        return Fetched(answer.body, answer.content_type, current, answer.status, answer.headers)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")
