"""Which URLs a crawl may fetch: http(s) only, and no private, loopback or link-local address
unless the operator allowed that host (tests and the demo allow the loopback replay server).

The check runs on every request, redirects included, after resolving the host name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]


class UnsafeURLError(Exception):
    """The URL must not be fetched; the message says why."""


def resolve_host(host: str) -> list[str]:
    """All addresses a host name resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def is_public(address: IPAddress) -> bool:
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


@dataclass
class UrlGuard:
    """Checks URLs against the allowed private hosts; caches name resolution per host."""

    allowed_hosts: Iterable[str] = ()
    resolver: Resolver = resolve_host
    _names: set[str] = field(init=False, default_factory=set)
    _networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = field(
        init=False, default_factory=list
    )
    _cache: dict[str, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for host in self.allowed_hosts:
            try:
                self._networks.append(ipaddress.ip_network(host, strict=False))
            except ValueError:
                self._names.add(host.lower())

    def check(self, url: str) -> None:
        """Raise :class:`UnsafeURLError` unless ``url`` may be fetched."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeURLError(f"scheme {parts.scheme or '(none)'!r} is not allowed: {url}")
        host = (parts.hostname or "").lower()
        if not host:
            raise UnsafeURLError(f"no host in URL: {url}")
        if host in self._names:
            return
        for address in self._addresses(host, url):
            if not is_public(address) and not self._allowed(address):
                raise UnsafeURLError(f"{host} resolves to non-public address {address}: {url}")

    def _addresses(self, host: str, url: str) -> list[IPAddress]:
        if host not in self._cache:
            try:
                self._cache[host] = self.resolver(host)
            except OSError as exc:
                raise UnsafeURLError(f"cannot resolve {host}: {exc}") from exc
        return [ipaddress.ip_address(address.split("%")[0]) for address in self._cache[host]]

    def _allowed(self, address: IPAddress) -> bool:
        return str(address) in self._names or any(address in network for network in self._networks)
