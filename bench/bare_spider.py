"""The baseline crawler: plain Scrapy fetching a given list of URLs, nothing else.

``python -m bench.bare_spider URLS.json`` prints the number of pages fetched and the seconds.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: Any) -> None:
        self.fetched += 1


def main(path: str) -> None:
    urls = json.loads(Path(path).read_text(encoding="utf-8"))
    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "CONCURRENT_REQUESTS": 1,
            "TELNETCONSOLE_ENABLED": False,
            # korea.kr (and so its replay copy) drops clients that do not look like browsers
            "USER_AGENT": "Mozilla/5.0 (compatible; zonewatch-bench)",
        }
    )
    crawler = process.create_crawler(BareSpider)
    start = time.perf_counter()
    process.crawl(crawler, urls=urls)
    process.start()
    elapsed = time.perf_counter() - start
    spider = crawler.spider
    print(json.dumps({"pages": getattr(spider, "fetched", 0), "seconds": elapsed}))


if __name__ == "__main__":
    main(sys.argv[1])
