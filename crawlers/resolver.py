"""The crawler's DNS resolver: the policy applied to the address Twisted really connects to.

The download handler checks a URL's host before the request, but it resolves the name on its
own; a hostile name server can answer that check with a public address and the connection a
moment later with 127.0.0.1 or 169.254.169.254 (DNS rebinding). Refusing non-allowed answers
here, where the connection gets its address, closes that gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.base import ReactorBase
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard, parse_address

ALLOWED_HOSTS_SETTING = "ZONEWATCH_ALLOWED_PRIVATE_HOSTS"


class BlockedAddressError(DNSLookupError):
    """A name resolved to an address the URL policy refuses."""


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing every address the URL policy does not allow."""

    def __init__(
        self, reactor: ReactorBase, cache_size: int, timeout: float, guard: UrlGuard
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.guard = guard

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> Self:
        """``crawler`` is the CrawlerProcess here: only its settings are used."""
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        guard = UrlGuard(allowed_hosts=settings.getlist(ALLOWED_HOSTS_SETTING))
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), guard)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's name
        resolved: Deferred[str] = super().getHostByName(name, timeout)
        resolved.addCallback(self.refuse_blocked, name)
        return resolved

    def refuse_blocked(self, address: str, name: str) -> str:
        """``address`` when ``name`` may be reached there; else the lookup fails."""
        try:
            self.guard.check_address(name, parse_address(address))
        except (UnsafeURLError, ValueError) as exc:
            raise BlockedAddressError(f"blocked: {exc}") from exc
        return address
