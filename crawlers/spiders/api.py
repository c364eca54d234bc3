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
from zonewatch.crawlers.run_errors import RunErrorKind
from zonewatch.crawlers.spiders.base import SourceSpider
from zonewatch.models.enums import ItemOutcome


class MissingApiKeyError(Exception):
    """The API needs a key the operator has not set."""


EMPTY_WINDOW_CODES = frozenset({"3", "03"})
"""resultCode 3 (NODATA) answers a window without releases: a quiet day, not an error."""
API_ERRORS = {
    "THREE_DAYS_OVER_ERROR": "the date window is longer than the API's 3 days",
    "NO_MANDATORY_REQUEST_PARAMETERS_ERROR": "a mandatory request parameter is missing",
    "SERVICE_KEY_IS_NOT_REGISTERED_ERROR": "the API key (ZONEWATCH_KOREA_API_KEY) is not "
    "registered for this service",
}


def field(node: Any, name: str) -> str:
    found = node.find(name)
    return (found.text or "").strip() if found is not None else ""


def api_error(root: Any) -> tuple[str, str] | None:
    """(code, message) of an error answer, None for a normal one.

    The gateway in front of the API answers key problems in its own envelope
    (``returnAuthMsg``/``returnReasonCode``) rather than in ``header/resultMsg``.
    """
    code = (root.findtext(".//resultCode") or root.findtext(".//returnReasonCode") or "").strip()
    message = (
        root.findtext(".//resultMsg")
        or root.findtext(".//returnAuthMsg")
        or root.findtext(".//errMsg")
        or ""
    ).strip()
    if code in ("0", "00"):
        return None
    return code or "?", message or "no resultMsg"


def attachment_pairs(node: Any) -> list[tuple[str, str]]:
    """(name, URL) per attachment: repeated ``FileName``/``FileUrl`` siblings, one pair per
    file; a single '|'-joined pair (an older answer form) is split the same way."""
    names = [(element.text or "").strip() for element in node.findall("FileName")]
    urls = [(element.text or "").strip() for element in node.findall("FileUrl")]
    if len(names) == 1 and len(urls) == 1:
        names, urls = names[0].split("|"), urls[0].split("|")
    if len(names) != len(urls):
        raise ValueError(f"{len(names)} FileName but {len(urls)} FileUrl elements")
    return [(name.strip(), url.strip()) for name, url in zip(names, urls, strict=True) if url]


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
            self.record_error(RunErrorKind.API, f"not XML: {exc}", response.url)
            return
        error = api_error(root)
        if error is not None and error[0] in EMPTY_WINDOW_CODES:
            self.count("empty_windows")
            return
        if error is not None:
            code, message = error
            meaning = API_ERRORS.get(message)
            self.record_error(
                RunErrorKind.API,
                f"{self.source.id}: API error {code} {message}"
                + (f": {meaning}" if meaning else ""),
                response.url.split("?")[0],
            )
            return
        items = root.findall(".//NewsItem")
        self.count("list_pages")
        for node in items:
            item = self.readable(partial(self.news_item, node), response.url)
            if item is not None and self.followable(item.url, "press release"):
                item.attachments = await self.download_attachments(
                    self.attachment_links(node, item.url), item.url
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
            outcome=ItemOutcome.FETCHED,
            list_fingerprint=fingerprint(title, modified),
            title=title,
            subtitle="\n".join(part for part in subtitles if part) or None,
            text=html_to_text(field(node, "DataContents")),
            published_at=parse_published(field(node, "ApproveDate")),
            department=field(node, "MinisterCode") or None,
            fetch_reason="api",
        )

    def attachment_links(self, node: Any, item_url: str) -> list[tuple[str, str]]:
        try:
            return attachment_pairs(node)
        except ValueError as exc:
            self.record_error(
                RunErrorKind.ATTACHMENT, f"{self.source.id}: attachments: {exc}", item_url
            )
            return []
