"""The configurable board spider: list pages -> article pages -> attachments.

Everything site-specific (selectors, id patterns, javascript: links, POST forms) comes from the
source's ``parser`` block, so a usual board is added in sources.yaml without code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import FormRequest, Request, Response

from zonewatch.config.parsers import BoardParser
from zonewatch.crawlers.boardpage import ArticlePage, ListRow, read_article, read_list
from zonewatch.crawlers.items import FetchedAttachment, FetchedItem, fingerprint
from zonewatch.crawlers.recheck import KnownItem, fetch_reason
from zonewatch.crawlers.run_errors import RunErrorKind
from zonewatch.crawlers.spiders.base import HANDLED_STATUSES, SourceSpider
from zonewatch.models.enums import DocumentStatus, ItemOutcome


class BoardSpider(SourceSpider):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parser: BoardParser = self.source.board_parser()
        self.vanished_checked = False
        self.unavailable_noticed = False

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
        """Follow the rows of one list page; a page the configuration does not fit is
        recorded as a selector error (the source turns broken) and nothing is followed."""
        self.count("list_pages")
        _, _, page_sel = self.decode(response)
        listing = read_list(self.source, page_sel, response.url)
        if not listing.rows and page != self.parser.first_page:
            return  # past the last page
        for problem in listing.problems:
            self.record_error(
                RunErrorKind.SELECTOR if problem.fatal else RunErrorKind.LIST,
                problem.message,
                response.url,
            )
        if not listing.ok:
            return
        fresh = 0
        for row in listing.rows:
            if row.external_id in self.seen:
                continue  # a pinned row repeated from an earlier page
            result = self.follow_row(row)
            if result is None:
                continue
            if isinstance(result, Request) and result.cb_kwargs["reason"] not in REVALIDATIONS:
                fresh += 0 if row.pinned else 1
            yield result
        if fresh and page - self.parser.first_page + 1 < self.parser.max_pages:
            yield self.list_request(page + 1)

    def follow_row(self, row: ListRow) -> Request | FetchedItem | None:
        """The article request of a listed row, or a 'listed' item when nothing is due."""
        self.seen.add(row.external_id)
        self.count("items_listed")
        list_fp = fingerprint(row.title, row.date)
        if not self.followable(row.url, "article"):
            return None
        reason = self.reason_to_fetch(row.external_id, list_fp)
        if reason is None and self.attachments_to_revalidate(row.external_id):
            reason = "attachments"  # the page is asked for conditionally, then its files
        if reason is None:
            return self.listed_item(row.external_id, row.url, list_fp)
        return self.article_request(row.external_id, row.url, row, list_fp, reason)

    def article_request(
        self,
        external_id: str,
        url: str,
        listed: ListRow | None,
        list_fp: str | None,
        reason: str,
        conditional: bool = True,
    ) -> Request:
        """The article page's request; ``conditional=False`` asks for the whole page again
        (its files changed although the page did not)."""
        meta = {"handle_httpstatus_list": HANDLED_STATUSES}
        kwargs = {
            "external_id": external_id,
            "listed": listed,
            "list_fp": list_fp,
            "reason": reason,
        }
        headers = self.conditional_headers(external_id) if conditional else {}
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
            dont_filter=not conditional,
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
                last_listed(known),
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

    async def parse_article(
        self,
        response: Response,
        external_id: str,
        listed: ListRow | None,
        list_fp: str | None,
        reason: str,
    ) -> AsyncIterator[FetchedItem | Request]:
        status_item = self.status_item(response, external_id, list_fp)
        if status_item is not None:
            if response.status == 304 and self.attachments_to_revalidate(external_id):
                if await self.attachments_changed(external_id, response.url):
                    yield self.article_request(
                        external_id, response.url, listed, list_fp, "attachment changed", False
                    )
                    return
                status_item.attachments_checked = True
            yield status_item
            return
        self.count("article_pages")
        html, encoding, page = self.decode(response)
        article = self.readable(
            lambda: read_article(self.source, page, html, response.url, self.site_names, listed),
            response.url,
        )
        if article is None:
            return
        for problem in article.problems:
            kind = RunErrorKind.SELECTOR if problem.fatal else RunErrorKind.ARTICLE
            self.record_error(kind, problem.message, response.url)
        if not article.ok:
            return  # nothing stored from a page the configuration does not fit
        item = FetchedItem(
            source_id=self.source.id,
            external_id=external_id,
            url=response.url,
            outcome=ItemOutcome.FETCHED,
            list_fingerprint=list_fp,
            title=article.title,
            subtitle=article.subtitle,
            text=article.text,
            published_at=article.published_at,
            department=article.department,
            fetch_reason=reason,
        )
        item.raw = self.keep_raw(response, encoding)
        item.attachments = await self.attachments_of(article, response.url)
        item.attachments_checked = self.parser.attachments_fetch
        yield self.finish_item(item, response)

    def attachments_to_revalidate(self, external_id: str) -> bool:
        """Files are revalidated when the source lets them be downloaded and they are due."""
        return self.parser.attachments_fetch and self.attachments_due(external_id)

    async def attachments_of(self, article: ArticlePage, referer: str) -> list[FetchedAttachment]:
        """Downloaded attachments, or, where the source says downloads cannot work, their
        names and links only, with one notice per run instead of an error per file."""
        links = [(link.name, link.url) for link in article.attachments]
        if self.parser.attachments_fetch:
            return await self.download_attachments(links, referer)
        if links and not self.unavailable_noticed:
            self.unavailable_noticed = True
            self.record_error(
                RunErrorKind.NOTICE,
                f"{self.source.id}: attachments recorded by name and link, not fetched: "
                f"{self.parser.attachments_unavailable}",
            )
        reason = f"not fetched: {self.parser.attachments_unavailable}"
        return [
            FetchedAttachment(name=link.name, url=link.url, size=link.size_hint, error=reason)
            for link in article.attachments
        ]


VANISHED_LIMIT = 20
REVALIDATIONS = frozenset({"recheck", "attachments"})
"""Fetch reasons of known items: they do not make the crawl read one more list page."""


def last_listed(known: KnownItem) -> ListRow | None:
    """What the list showed for an item that is no longer listed: its stored title, so that a
    source whose article pages carry no title (``title_fallback: list``) can still re-check it."""
    if not known.title or not known.url:
        return None
    return ListRow(
        external_id=known.external_id,
        url=known.url,
        title=known.title,
        date=None,
        published_at=known.published_at,
        department=None,
        summary=None,
    )


def vanished_items(
    known: dict[str, KnownItem], seen: set[str], now: dt.datetime
) -> list[KnownItem]:
    """Active items missing from the lists that the re-check schedule would fetch now."""
    missing = [
        item
        for external_id, item in known.items()
        if external_id not in seen
        and item.status == DocumentStatus.ACTIVE
        and item.url
        and fetch_reason(item, item.list_fingerprint, now) == "recheck"
    ]
    missing.sort(key=lambda item: item.published_at or item.first_seen_at, reverse=True)
    return missing[:VANISHED_LIMIT]
