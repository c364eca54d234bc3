"""Scrapy downloader middlewares: the gate that keeps crawls to http(s), and polite pacing
(robots.txt Crawl-delay, retry backoff)."""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from zonewatch.crawlers.safety import has_fetchable_scheme

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


BLOCKED_STAT = "zonewatch/blocked_requests"
log = logging.getLogger(__name__)


def site_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class SchemePolicyMiddleware:
    """Drops every request that is not http(s) before any other middleware sees it.

    Requests come from spiders, redirects, robots.txt and attachment downloads alike, and
    Scrapy would hand file://, ftp://, s3:// or data: URLs to handlers that read local files
    or reach other services. The download handler checks addresses; this gate refuses other
    schemes whichever download handlers happen to be installed.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemePolicyMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if has_fetchable_scheme(request.url):
            return
        if self.stats is not None:
            self.stats.inc_value(BLOCKED_STAT)
        log.warning("blocked request: only http(s) may be fetched: %s", request.url[:300])
        raise IgnoreRequest(f"blocked: only http(s) may be fetched: {request.url[:300]}")


class PoliteDelayMiddleware:
    """Spaces requests to one site by the larger of our delay and robots.txt's Crawl-delay,
    and waits with exponential backoff plus jitter before each retry."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.backoff_base = settings.getfloat("ZONEWATCH_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("ZONEWATCH_RETRY_BACKOFF_MAX", 60.0)
        self.user_agent = settings.get("USER_AGENT", "")
        self.crawl_delays: dict[str, float] = {}
        self.next_slot: dict[str, float] = {}
        self.stats = crawler.stats
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteDelayMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        protego = getattr(robotparser, "rp", None)
        delay = protego.crawl_delay(self.user_agent) if protego is not None else None
        if delay:
            self.crawl_delays[site_of(request.url)] = float(delay)
            if self.stats is not None:
                self.stats.set_value("zonewatch/crawl_delay", float(delay))

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return  # robots.txt itself
        site = site_of(request.url)
        spacing = max(self.delay, self.crawl_delays.get(site, 0.0))
        now = time.monotonic()
        start = max(now, self.next_slot.get(site, now))
        self.next_slot[site] = start + spacing
        wait = start - now + self._backoff(request)
        if wait > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))

    def _backoff(self, request: Request) -> float:
        retries = int(request.meta.get("retry_times", 0))
        if retries <= 0 or self.backoff_base <= 0:
            return 0.0
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (retries - 1))
        return random.uniform(ceiling / 2, ceiling)
