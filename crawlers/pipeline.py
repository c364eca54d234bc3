"""Scrapy item pipeline: stage each fetched item in the database as soon as it arrives."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from sqlalchemy.exc import IntegrityError

from zonewatch.app import App, configure
from zonewatch.crawlers.items import FetchedItem
from zonewatch.models import FetchedItem as FetchedRow


class StagingPipeline:
    """One short transaction per item, so a crash later in the crawl keeps what came before."""

    def __init__(self, app: App, run_id: int, crawler: Crawler | None = None) -> None:
        self.app = app
        self.run_id = run_id
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagingPipeline:
        # The crawl process was started with the parent's settings in its environment.
        return cls(configure(), crawler.settings.getint("ZONEWATCH_RUN_ID"), crawler)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.app.dispose()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, FetchedItem):
            return item
        current_spider = self.crawler.spider if self.crawler is not None else spider
        item.fetched_at = item.fetched_at or getattr(current_spider, "now", None)
        staged = item.canonical()
        try:
            with self.app.session() as session:
                session.add(
                    FetchedRow(
                        run_id=self.run_id,
                        source_id=staged.source_id,
                        external_id=staged.external_id,
                        outcome=staged.outcome,
                        payload=staged.payload(),
                    )
                )
        except IntegrityError:
            pass  # the same item twice in one run (it was listed on two pages): keep the first
        return item
