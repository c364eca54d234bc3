"""The one URL policy for everything zonewatch fetches or posts to: crawl requests, redirects,
attachments, robots.txt, feeds, ``parse-page``/``parse-feed`` and alert channels.

A URL passes when its scheme is http(s) and every address its host resolves to is globally
routable (``ipaddress`` ``is_global``), unless the operator allowed that host (tests and the
demo allow the loopback replay server). The address that was checked must also be the one
connected to, or a name that resolves twice (DNS rebinding) slips past the check: callers
connect to the addresses :meth:`UrlGuard.check` returns, and the crawler's DNS resolver
applies :meth:`UrlGuard.check_address` to what it resolves.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]
FETCHABLE_SCHEMES = frozenset({"http", "https"})


class UnsafeURLError(Exception):
    """The URL must not be fetched; the message says why."""


def resolve_host(host: str) -> list[str]:
    """All addresses a host name resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def has_fetchable_scheme(url: str) -> bool:
    """Whether the URL is http(s): file, ftp, s3, data, javascript ... are never followed."""
    return urlsplit(url.strip()).scheme.lower() in FETCHABLE_SCHEMES


def check_scheme(url: str) -> None:
    """Raise :class:`UnsafeURLError` unless the URL is http(s) with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in FETCHABLE_SCHEMES:
        raise UnsafeURLError(f"scheme {parts.scheme or '(none)'!r} is not allowed: {url}")
    if not parts.hostname:
        raise UnsafeURLError(f"no host in URL: {url}")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, Teredo client), if any: the
    kernel may route to it, so it must pass the same test."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, shared (100.64/10, where
    cloud metadata lives), unspecified, multicast or reserved, in any IPv6 disguise."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    return True


def parse_address(text: str) -> IPAddress:
    """An address as resolvers print it (an IPv6 scope ``%eth0`` dropped)."""
    return ipaddress.ip_address(text.split("%")[0])


@dataclass
class UrlGuard:
    """Checks URLs against the policy and the allowed private hosts.

    Name resolution is cached per host so that one crawl sees one answer per name.
    """

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

    def check(self, url: str) -> list[IPAddress]:
        """The addresses ``url`` may be fetched from; :class:`UnsafeURLError` when none may.

        An allowed host name returns its addresses unchecked: the operator vouched for it.
        """
        check_scheme(url)
        return self.allowed_addresses((urlsplit(url.strip()).hostname or "").lower(), url)

    def allowed_addresses(self, host: str, url: str | None = None) -> list[IPAddress]:
        """The addresses of ``host``, each checked: what a connection may use."""
        addresses = self._addresses(host.lower(), url or host)
        for address in addresses:
            self.check_address(host, address, url)
        return addresses

    def check_address(self, host: str, address: IPAddress, url: str | None = None) -> None:
        """Raise :class:`UnsafeURLError` unless ``host`` may be reached at ``address``."""
        if host.lower() in self._names or is_public(address) or self._allowed(address):
            return
        raise UnsafeURLError(f"{host} resolves to non-public address {address}: {url or host}")

    def _addresses(self, host: str, url: str) -> list[IPAddress]:
        if host not in self._cache:
            try:
                self._cache[host] = self.resolver(host)
            except (OSError, UnicodeError) as exc:
                raise UnsafeURLError(f"cannot resolve {host}: {exc}") from exc
        if not self._cache[host]:
            raise UnsafeURLError(f"{host} resolves to no address: {url}")
        return [parse_address(address) for address in self._cache[host]]

    def _allowed(self, address: IPAddress) -> bool:
        return str(address) in self._names or any(address in network for network in self._networks)
