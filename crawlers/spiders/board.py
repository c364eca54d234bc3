"""The configurable board spider: list pages -> article pages -> attachments.

Everything site-specific (selectors, id patterns, javascript: links, POST forms) comes from the
source's ``parser`` block, so a usual board is added in sources.yaml without code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from parsel import Selector, SelectorList
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response

from zonewatch.config.parsers import BoardParser, meta_selector
from zonewatch.crawlers.extract import extract_body, parse_published
from zonewatch.crawlers.items import FetchedItem, fingerprint
from zonewatch.crawlers.recheck import KnownItem, fetch_reason
from zonewatch.crawlers.spiders.base import HANDLED_STATUSES, SourceSpider


def text_of(selection: Selector | SelectorList[Selector]) -> str:
    """All text inside the selection, whitespace collapsed."""
    parts = selection.css("::text").getall() if selection else []
    return " ".join(" ".join(parts).split())


class BoardSpider(SourceSpider):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser: BoardParser = self.source.board_parser()
        self.vanished_checked = False

    async def start(self) -> AsyncIterator[Request]:
        yield self.list_request(self.parser.first_page)

    def list_request(self, page: int) -> Request:
        url = urljoin(self.source.url, self.parser.list_url.format(page=page))
        return Request(
            url,
            callback=self.parse_list,
            errback=self.on_request_error,
            cb_kwargs={"page": page},
            dont_filter=True,
        )

    def parse_list(self, response: Response, page: int) -> Iterator[Request | FetchedItem]:
        self.count("list_pages")
        _, _, page_sel = self.decode(response)
        rows = page_sel.css(self.parser.rows)
        if not rows:
            if page == self.parser.first_page:
                self.record_error(
                    "selector", f"list selector {self.parser.rows!r} matched nothing", response.url
                )
            return
        fresh = 0
        for row in rows:
            result = self.parse_row(row, response)
            if result is None:
                continue
            if isinstance(result, Request) and result.cb_kwargs["reason"] != "recheck":
                fresh += 1
            yield result
        if fresh and page - self.parser.first_page + 1 < self.parser.max_pages:
            yield self.list_request(page + 1)

    def parse_row(self, row: Selector, response: Response) -> Request | FetchedItem | None:
        link = row.css(self.parser.link) if self.parser.link else row
        if not link:
            self.record_error("selector", f"link selector {self.parser.link!r} matched nothing")
            return None
        href = link.attrib.get("href", "")
        external_id = self.item_id(href, link.attrib.get("onclick", ""), response.url)
        if external_id is None:
            self.record_error("selector", f"no item id in link {href!r}", response.url)
            return None
        if external_id in self.seen:
            return None
        self.seen.add(external_id)
        self.count("items_listed")
        list_info = {
            "title": text_of(row.css(self.parser.list_title)) if self.parser.list_title else None,
            "date": text_of(row.css(self.parser.list_date)) if self.parser.list_date else None,
            "department": text_of(row.css(self.parser.list_department))
            if self.parser.list_department
            else None,
            "summary": text_of(row.css(self.parser.list_summary))
            if self.parser.list_summary
            else None,
        }
        list_fp = fingerprint(list_info["title"] or text_of(link), list_info["date"])
        url = self.article_url(external_id, href, response.url)
        if not self.followable(url, "article"):
            return None
        reason = self.reason_to_fetch(external_id, list_fp)
        if reason is None:
            return self.listed_item(external_id, url, list_fp)
        return self.article_request(external_id, url, list_info, list_fp, reason)

    def article_request(
        self,
        external_id: str,
        url: str,
        list_info: dict[str, str | None],
        list_fp: str | None,
        reason: str,
    ) -> Request:
        meta = {"handle_httpstatus_list": HANDLED_STATUSES}
        kwargs = {
            "external_id": external_id,
            "list_info": list_info,
            "list_fp": list_fp,
            "reason": reason,
        }
        headers = self.conditional_headers(external_id)
        if self.parser.article_method == "POST":
            formdata = {
                key: value.format(id=external_id) for key, value in self.parser.article_form.items()
            }
            return FormRequest(
                url,
                formdata=formdata,
                headers=headers,
                meta=meta,
                cb_kwargs=kwargs,
                callback=self.parse_article,
                errback=self.on_request_error,
                dont_filter=True,
            )
        return Request(
            url,
            headers=headers,
            meta=meta,
            cb_kwargs=kwargs,
            callback=self.parse_article,
            errback=self.on_request_error,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BoardSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.recheck_vanished, signal=signals.spider_idle)
        return spider

    def recheck_vanished(self) -> None:
        """Once the lists are read: fresh items that are no longer listed are asked for again,
        so that a withdrawn release (its page now 404) is noticed while it still matters."""
        if self.vanished_checked:
            return
        self.vanished_checked = True
        stats = self.crawler.stats
        assert stats is not None
        if not stats.get_value("zonewatch/list_pages") or stats.get_value(
            "zonewatch/error_count/selector"
        ):
            return
        requests = [
            self.article_request(
                known.external_id,
                known.url or "",
                EMPTY_LIST_INFO,
                known.list_fingerprint,
                "vanished",
            )
            for known in vanished_items(self.known, self.seen, self.now)
        ]
        if not requests:
            return
        for request in requests:
            self.count("vanished_rechecks")
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def item_id(self, href: str, onclick: str, page_url: str) -> str | None:
        if self.parser.id_pattern:
            match = re.search(self.parser.id_pattern, f"{href} {onclick}")
            return match.group(1) if match else None
        if self.parser.id_param:
            query = parse_qs(urlsplit(urljoin(page_url, href)).query)
            values = query.get(self.parser.id_param)
            return values[0] if values else None
        path = urlsplit(href).path.rstrip("/")
        return path.rsplit("/", 1)[-1] or None

    def article_url(self, external_id: str, href: str, page_url: str) -> str:
        if self.parser.article_url:
            return urljoin(self.source.url, self.parser.article_url.format(id=external_id))
        return urljoin(page_url, href)

    async def parse_article(
        self,
        response: Response,
        external_id: str,
        list_info: dict[str, str | None],
        list_fp: str | None,
        reason: str,
    ) -> AsyncIterator[FetchedItem]:
        status_item = self.status_item(response, external_id, list_fp)
        if status_item is not None:
            yield status_item
            return
        self.count("article_pages")
        html, encoding, page = self.decode(response)
        item = self.readable(
            lambda: read_article(self.parser, page, html, response.url, list_info), response.url
        )
        if item is None:
            return
        item.source_id, item.external_id = self.source.id, external_id
        item.list_fingerprint, item.fetch_reason = list_fp, reason
        item.raw = self.keep_raw(response, encoding)
        if not item.title:
            self.record_error("selector", "article title not found", response.url)
        links = attachment_links(self.parser, page, response.url)
        item.attachments = await self.download_attachments(links, response.url)
        yield self.finish_item(item, response)


VANISHED_LIMIT = 20


def vanished_items(
    known: dict[str, KnownItem], seen: set[str], now: dt.datetime
) -> list[KnownItem]:
    """Active items missing from the lists that the re-check schedule would fetch now."""
    missing = [
        item
        for external_id, item in known.items()
        if external_id not in seen
        and item.status == "active"
        and item.url
        and fetch_reason(item, item.list_fingerprint, now) == "recheck"
    ]
    missing.sort(key=lambda item: item.published_at or item.first_seen_at, reverse=True)
    return missing[:VANISHED_LIMIT]


EMPTY_LIST_INFO: dict[str, str | None] = {
    "title": None,
    "date": None,
    "department": None,
    "summary": None,
}


def read_article(
    parser: BoardParser,
    page: Selector,
    html: str,
    url: str,
    list_info: dict[str, str | None] | None = None,
) -> FetchedItem:
    """Title, date, department, subtitle and body of an article page, as the parser says."""
    info = list_info or EMPTY_LIST_INFO
    title = text_of(page.css(parser.title)) if parser.title else ""
    title = (
        title
        or page.css('meta[property="og:title"]::attr(content)').get("")
        or (info["title"] or "")
    )
    department = text_of(page.css(parser.department)) if parser.department else None
    return FetchedItem(
        source_id="",
        external_id="",
        url=url,
        outcome="fetched",
        title=title,
        subtitle=(text_of(page.css(parser.subtitle)) if parser.subtitle else None)
        or info["summary"],
        text=extract_body(html, selector=parser.body, base_url=url),
        published_at=published(parser, page, info),
        department=department or info["department"],
    )


def published(
    parser: BoardParser, page: Selector, info: dict[str, str | None]
) -> dt.datetime | None:
    candidates = []
    if parser.date_meta:
        candidates.append(page.css(meta_selector(parser.date_meta)).get())
    if parser.date:
        candidates.append(text_of(page.css(parser.date)))
    candidates.append(info["date"])
    for candidate in candidates:
        if candidate:
            parsed = parse_published(candidate)
            if parsed is not None:
                return parsed
    return None


def attachment_links(parser: BoardParser, page: Selector, page_url: str) -> list[tuple[str, str]]:
    """(name, absolute URL) of every attachment, previews and viewer links left out."""
    if not parser.attachments:
        return []
    skip = re.compile(parser.attachment_skip, re.IGNORECASE)
    links: list[tuple[str, str]] = []
    for element in page.css(parser.attachments):
        link = element.css(parser.attachment_link) if parser.attachment_link else element
        if not link:
            continue
        href = link.attrib.get("href", "") + " " + link.attrib.get("onclick", "")
        name = text_of(element.css(parser.attachment_name) if parser.attachment_name else link)
        if not name or skip.search(name) or skip.search(href):
            continue
        url = href.split()[0] if href.strip() else ""
        if parser.attachment_url_pattern:
            match = re.search(parser.attachment_url_pattern, href)
            url = match.group(1) if match else ""
        if not url or url.startswith("javascript:"):
            continue
        links.append((name, urljoin(page_url, url)))
    return links
