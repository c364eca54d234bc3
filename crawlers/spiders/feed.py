"""The feed spider: RSS/Atom fetched with conditional GET, read by :mod:`zonewatch.crawlers.feeds`.

A ``bozo`` feed is a warning while its entries are still usable, and a recorded error when not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request, Response

from zonewatch.config.parsers import FeedParser
from zonewatch.crawlers.boardpage import body_text
from zonewatch.crawlers.feeds import entry_to_item, parse_feed_bytes
from zonewatch.crawlers.items import FetchedItem
from zonewatch.crawlers.run_errors import RunErrorKind
from zonewatch.crawlers.spiders.base import HANDLED_STATUSES, SourceSpider, header

FEED_STATE_ETAG = "feed_etag"
FEED_STATE_MODIFIED = "feed_last_modified"


class FeedSpider(SourceSpider):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser: FeedParser = self.source.feed_parser()

    async def start(self) -> AsyncIterator[Request]:
        headers = {}
        if self.state_in.get(FEED_STATE_ETAG):
            headers["If-None-Match"] = str(self.state_in[FEED_STATE_ETAG])
        if self.state_in.get(FEED_STATE_MODIFIED):
            headers["If-Modified-Since"] = str(self.state_in[FEED_STATE_MODIFIED])
        yield Request(
            self.source.url,
            headers=headers,
            callback=self.parse_feed,
            errback=self.on_request_error,
            meta={"handle_httpstatus_list": [304]},
            dont_filter=True,
        )

    async def parse_feed(self, response: Response) -> AsyncIterator[Request | FetchedItem]:
        stats = self.crawler.stats
        assert stats is not None
        if response.status == 304:
            self.count("not_modified")
            stats.set_value("zonewatch/feed_not_modified", True)
            return
        for key, name in ((FEED_STATE_ETAG, "ETag"), (FEED_STATE_MODIFIED, "Last-Modified")):
            if value := header(response, name):
                stats.set_value(f"zonewatch/state/{key}", value)
        content_type = header(response, "Content-Type") or None
        feed = parse_feed_bytes(response.body, content_type)
        if feed.bozo:
            problem = f"{type(feed.bozo_exception).__name__}: {feed.bozo_exception}"
            if feed.entries:
                self.record_error(
                    RunErrorKind.FEED_WARNING, f"malformed feed, entries still used: {problem}"
                )
            else:
                self.record_error(RunErrorKind.FEED, f"unusable feed: {problem}", response.url)
                return
        if not feed.entries and not feed.feed:
            self.record_error(
                RunErrorKind.FEED, "not a feed (no channel, no entries)", response.url
            )
            return
        raw = self.keep_raw(response, feed.get("encoding"))
        for entry in feed.entries:
            item = self.entry_item(entry, response, raw)
            if item is None:
                continue
            if self.parser.body and item.url:
                yield Request(
                    item.url,
                    headers=self.conditional_headers(item.external_id),
                    callback=self.parse_article,
                    errback=self.on_request_error,
                    cb_kwargs={"item": item},
                    meta={"handle_httpstatus_list": HANDLED_STATUSES},
                )
            else:
                finished = self.finish_item(item, response)
                finished.etag = finished.last_modified = None  # those were the feed's
                yield finished

    def entry_item(self, entry: Any, response: Response, raw: Any) -> FetchedItem | None:
        item = self.readable(
            lambda: entry_to_item(entry, self.parser, self.source.id, response.url), response.url
        )
        if item is None or item.external_id in self.seen:
            return None
        if not self.followable(item.url, "feed entry"):
            return None
        self.seen.add(item.external_id)
        self.count("items_listed")
        item.raw = raw
        return item

    async def parse_article(
        self, response: Response, item: FetchedItem
    ) -> AsyncIterator[FetchedItem]:
        status_item = self.status_item(response, item.external_id, item.list_fingerprint)
        if status_item is not None:
            yield status_item
            return
        html, encoding, page = self.decode(response)
        body_css = self.parser.body or ""
        read = self.readable(
            lambda: (
                body_text(page, html, body_css, escaped=self.parser.body_escaped, url=response.url),
            ),
            response.url,
        )
        if read is None:
            return  # recorded by readable()
        body = read[0]
        if body is None:
            # The feed's own summary would hide a selector that no longer matches.
            self.record_error(
                RunErrorKind.SELECTOR,
                f"{self.source.id}: body selector {body_css!r} matched nothing on {response.url}",
                response.url,
            )
            return
        item.text = body or item.text
        item.raw = self.keep_raw(response, encoding)
        yield self.finish_item(item, response)
