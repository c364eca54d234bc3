"""Scrapy settings for one crawl of one source: polite, bounded and safe by default."""

from __future__ import annotations

from typing import Any

from zonewatch.config.settings import Settings
from zonewatch.config.sources import SourceSpec

MB = 1024 * 1024
HANDLER = "zonewatch.crawlers.handler.GuardedHttpHandler"


def scrapy_settings(settings: Settings, source: SourceSpec, run_id: int) -> dict[str, Any]:
    politeness = source.politeness
    delay = politeness.delay_seconds * settings.crawl_delay_scale
    return {
        "BOT_NAME": "zonewatch",
        "USER_AGENT": settings.user_agent,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": politeness.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrency,
        "DOWNLOAD_DELAY": delay,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": politeness.timeout_seconds,
        "DOWNLOAD_MAXSIZE": int(politeness.max_response_mb * MB),
        "DOWNLOAD_WARNSIZE": int(politeness.max_response_mb * MB / 2),
        "RETRY_ENABLED": True,
        "RETRY_TIMES": politeness.retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "ZONEWATCH_RETRY_BACKOFF": 1.0 * settings.crawl_delay_scale,
        "CLOSESPIDER_ERRORCOUNT": 20,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout_seconds,
        "COOKIES_ENABLED": True,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_SHORT_NAMES": True,
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "DOWNLOADER_MIDDLEWARES": {"zonewatch.crawlers.middlewares.PoliteDelayMiddleware": 800},
        "ITEM_PIPELINES": {"zonewatch.crawlers.pipeline.StagingPipeline": 300},
        "ZONEWATCH_REPLAY_URL": settings.replay_url,
        "ZONEWATCH_ALLOWED_PRIVATE_HOSTS": list(settings.allowed_private_hosts),
        "ZONEWATCH_RUN_ID": run_id,
    }
