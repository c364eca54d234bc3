"""The feed reader: RSS/Atom fetched with conditional GET and parsed from bytes by feedparser.

A ``bozo`` feed is a warning while its entries are still usable, and a recorded error when not.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
from scrapy.http import Request, Response

from zonewatch.config.parsers import FeedParser
from zonewatch.crawlers.boardpage import body_text
from zonewatch.crawlers.extract import decode_text, html_to_text, parse_published
from zonewatch.crawlers.items import FetchedItem, fingerprint
from zonewatch.crawlers.spiders.base import HANDLED_STATUSES, SourceSpider, header
from zonewatch.models.enums import ItemOutcome
from zonewatch.urls import without_session_ids

FEED_STATE_ETAG = "feed_etag"
FEED_STATE_MODIFIED = "feed_last_modified"


_XML_DECLARATION = re.compile(r"""^(\ufeff?\s*<\?xml\b[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_MEDIA_TYPE = re.compile(r"^\s*([\w.+-]+/[\w.+-]+)")


def as_utf8_feed(body: bytes, content_type: str | None = None) -> tuple[bytes, str, str]:
    """The feed re-encoded as UTF-8 that says so, with the content type to hand feedparser
    and the encoding the bytes really had.

    Korean feeds declare EUC-KR while holding CP949-only syllables (똠), or declare UTF-8
    while the bytes are CP949: feedparser trusts the declaration and makes mojibake. The
    project's decoder checks declarations against the bytes; its text is re-encoded and the
    XML declaration and the charset rewritten so that nothing contradicts it any more.
    """
    decoded = decode_text(body, content_type)
    text = _XML_DECLARATION.sub(r"\1\2utf-8\2", decoded.text.removeprefix("\ufeff"), count=1)
    media = _MEDIA_TYPE.match(content_type or "")
    return (
        text.encode("utf-8"),
        f"{media.group(1) if media else 'application/xml'}; charset=utf-8",
        decoded.encoding,
    )


def parse_feed_bytes(body: bytes, content_type: str | None = None) -> Any:
    """feedparser on bytes decoded by the project's decoder; never fetches anything.

    The result's ``encoding`` is the one the bytes had, not the UTF-8 feedparser was given.
    """
    utf8, utf8_type, encoding = as_utf8_feed(body, content_type)
    feed = feedparser.parse(utf8, response_headers={"content-type": utf8_type}, sanitize_html=True)
    feed["encoding"] = encoding
    return feed


def entry_id(entry: Any, id_param: str | None) -> str | None:
    """The item's id: the ``id_param`` of its link, else its guid, else its link; a guid or
    link that carries the visit's session id would be another item on every fetch."""
    link = entry.get("link") or ""
    if id_param and link:
        values = parse_qs(urlsplit(link).query).get(id_param)
        if values:
            return values[0]
    return without_session_ids(entry.get("id") or link) or None


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
                self.record_error("feed_warning", f"malformed feed, entries still used: {problem}")
            else:
                self.record_error("feed", f"unusable feed: {problem}", response.url)
                return
        if not feed.entries and not feed.feed:
            self.record_error("feed", "not a feed (no channel, no entries)", response.url)
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
                "selector",
                f"{self.source.id}: body selector {body_css!r} matched nothing on {response.url}",
                response.url,
            )
            return
        item.text = body or item.text
        item.raw = self.keep_raw(response, encoding)
        yield self.finish_item(item, response)


def entry_to_item(
    entry: Any, parser: FeedParser, source_id: str, feed_url: str
) -> FetchedItem | None:
    """One feed entry as a fetched item (its text from the entry's content or summary)."""
    external_id = entry_id(entry, parser.id_param)
    if not external_id:
        return None
    title = entry.get("title", "")
    if parser.strip_title_prefix:
        title = re.sub(parser.strip_title_prefix, "", title)
    published_raw = entry.get("published") or entry.get("updated") or ""
    summary = entry.get("summary", "")
    contents = entry.get("content") or []
    body_html = contents[0].get("value", summary) if contents else summary
    return FetchedItem(
        source_id=source_id,
        external_id=external_id,
        url=entry.get("link") or feed_url,
        outcome=ItemOutcome.FETCHED,
        list_fingerprint=fingerprint(title, published_raw, summary),
        title=title,
        text=html_to_text(body_html),
        published_at=parse_published(published_raw) if published_raw else None,
        fetch_reason="feed",
    )
