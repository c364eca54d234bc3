"""The HTTP download handler every crawl uses: the last stop before the network.

It checks the URL that is really fetched (robots.txt, redirects, retries and attachments
included) against the URL policy (the DNS resolver then holds the connection to the checked
addresses), and in replay mode sends real-site requests to the local replay server,
mapping the response back to the real URL so that spiders run unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from zonewatch.crawlers.middlewares import BLOCKED_STAT
from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def replay_url_for(url: str, replay_url: str) -> str | None:
    """``https://www.motir.go.kr/a?b`` -> ``http://REPLAY/www.motir.go.kr/a?b``.

    IP literals and localhost are never rewritten: they are fetched (and checked) as they are.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or host == "localhost" or ":" in host or host.replace(".", "").isdigit():
        return None
    replay = urlsplit(replay_url)
    return urlunsplit(
        (replay.scheme, replay.netloc, f"/{parts.netloc}{parts.path or '/'}", parts.query, "")
    )


class GuardedHttpHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.guard = UrlGuard(allowed_hosts=settings.getlist("ZONEWATCH_ALLOWED_PRIVATE_HOSTS"))
        self.replay_url: str | None = settings.get("ZONEWATCH_REPLAY_URL") or None
        self.stats = crawler.stats

    async def download_request(self, request: Request) -> Response:
        target = request
        if self.replay_url:
            rewritten = replay_url_for(request.url, self.replay_url)
            if rewritten is not None:
                target = request.replace(url=rewritten)
        try:
            self.guard.check(target.url)
        except UnsafeURLError as exc:
            if self.stats is not None:
                self.stats.inc_value(BLOCKED_STAT)
            raise IgnoreRequest(f"blocked: {exc}") from exc
        response = await super().download_request(target)
        if target is request:
            return response
        return _mapped_back(response, target, request)


def _mapped_back(response: Response, target: Request, request: Request) -> Response:
    """The replay answer as the real URL's, with the latency measured on the rewritten request:
    AutoThrottle reads ``download_latency`` from the original request's meta, and without it
    never adapts its delay in replay mode."""
    if "download_latency" in target.meta:
        request.meta["download_latency"] = target.meta["download_latency"]
    return response.replace(url=request.url, request=request)
