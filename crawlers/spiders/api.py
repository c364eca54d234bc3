"""The korea.kr open press-release API reader (replaces the RSS feeds shut down in 2026).

It walks windows of at most three days back from today, page by page, and needs a personal key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from functools import partial
from typing import Any
from urllib.parse import urlencode

from lxml import etree
from scrapy.http import Request, Response

from zonewatch.config.parsers import ApiParser
from zonewatch.crawlers.extract import html_to_text, parse_published
from zonewatch.crawlers.items import FetchedItem, fingerprint
from zonewatch.crawlers.spiders.base import SourceSpider


class MissingApiKeyError(Exception):
    """The API needs a key the operator has not set."""


def field(node: Any, name: str) -> str:
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


class ApiSpider(SourceSpider):
    def __init__(self, *args: Any, api_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser: ApiParser = self.source.api_parser()
        if not api_key:
            raise MissingApiKeyError("no API key: set ZONEWATCH_KOREA_API_KEY to crawl this source")
        self.api_key = api_key

    def windows(self) -> list[tuple[dt.date, dt.date]]:
        end = self.now.date()
        earliest = end - dt.timedelta(days=self.parser.lookback_days - 1)
        windows = []
        while end >= earliest:
            start = max(earliest, end - dt.timedelta(days=self.parser.window_days - 1))
            windows.append((start, end))
            end = start - dt.timedelta(days=1)
        return windows

    def page_request(self, start: dt.date, end: dt.date, page: int) -> Request:
        query = urlencode(
            {
                "serviceKey": self.api_key,
                "startDate": start.strftime("%Y%m%d"),
                "endDate": end.strftime("%Y%m%d"),
                "pageNo": page,
                "numOfRows": self.parser.rows_per_page,
            }
        )
        return Request(
            f"{self.source.url}?{query}",
            callback=self.parse_page,
            errback=self.on_request_error,
            cb_kwargs={"start": start, "end": end, "page": page},
            dont_filter=True,
        )

    async def start(self) -> AsyncIterator[Request]:
        for start, end in self.windows():
            yield self.page_request(start, end, 1)

    async def parse_page(
        self, response: Response, start: dt.date, end: dt.date, page: int
    ) -> AsyncIterator[Request | FetchedItem]:
        try:
            root = etree.fromstring(
                response.body, parser=etree.XMLParser(resolve_entities=False, no_network=True)
            )
        except etree.XMLSyntaxError as exc:
            self.record_error("api", f"not XML: {exc}", response.url)
            return
        code = root.findtext(".//resultCode") or ""
        if code.strip() not in ("0", "00"):
            message = (root.findtext(".//resultMsg") or "").strip()
            self.record_error("api", f"API error {code}: {message}", response.url.split("?")[0])
            return
        items = root.findall(".//NewsItem")
        self.count("list_pages")
        for node in items:
            item = self.readable(partial(self.news_item, node), response.url)
            if item is not None and self.followable(item.url, "press release"):
                item.attachments = await self.download_attachments(
                    self.attachment_links(node), item.url
                )
                yield self.finish_item(item, response)
        total = int(root.findtext(".//totalCount") or 0)
        if page * self.parser.rows_per_page < total:
            yield self.page_request(start, end, page + 1)

    def news_item(self, node: Any) -> FetchedItem | None:
        external_id = field(node, "NewsItemId")
        if not external_id or external_id in self.seen:
            return None
        self.seen.add(external_id)
        self.count("items_listed")
        title = field(node, "Title")
        modified = field(node, "ModifyDate")
        subtitles = [field(node, f"SubTitle{n}") for n in (1, 2, 3)]
        return FetchedItem(
            source_id=self.source.id,
            external_id=external_id,
            url=field(node, "OriginalUrl") or self.source.url,
            outcome="fetched",
            list_fingerprint=fingerprint(title, modified),
            title=title,
            subtitle="\n".join(part for part in subtitles if part) or None,
            text=html_to_text(field(node, "DataContents")),
            published_at=parse_published(field(node, "ApproveDate")),
            department=field(node, "MinisterCode") or None,
            fetch_reason="api",
        )

    def attachment_links(self, node: Any) -> list[tuple[str, str]]:
        names = [name for name in field(node, "FileName").split("|") if name.strip()]
        urls = [url for url in field(node, "FileUrl").split("|") if url.strip()]
        return list(zip(names, urls, strict=False))
