"""Scrapy settings for one crawl of one source: polite, bounded and safe by default."""

from __future__ import annotations

from typing import Any

from zonewatch.config.settings import Settings
from zonewatch.config.sources import SourceSpec

MB = 1024 * 1024
HANDLER = "zonewatch.crawlers.handler.GuardedHttpHandler"
# Every scheme Scrapy can download besides http(s): each would let a crawled link read local
# files (file), reach other services (ftp, s3) or smuggle content in (data).
NON_HTTP_HANDLERS = ("file", "data", "s3", "ftp")
# Extensions that open a control channel into the crawl process or leave files behind:
# the telnet console, and RemoteControl (Scrapy 2.19+: an HTTP server running posted Python
# code, with token files in the user's profile that outlive a killed crawl).
DISABLED_EXTENSIONS = (
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
)


def scrapy_settings(settings: Settings, source: SourceSpec, run_id: int) -> dict[str, Any]:
    politeness = source.politeness
    delay = politeness.delay_seconds * settings.crawl_delay_scale
    return {
        "BOT_NAME": "zonewatch",
        "USER_AGENT": settings.user_agent_for(source),
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
        "REMOTE_CONTROL_ENABLED": False,
        "EXTENSIONS": dict.fromkeys(DISABLED_EXTENSIONS),
        "TWISTED_DNS_RESOLVER": "zonewatch.crawlers.resolver.GuardedResolver",
        "LOG_LEVEL": "INFO",
        "LOG_SHORT_NAMES": True,
        "DOWNLOAD_HANDLERS": {
            "http": HANDLER,
            "https": HANDLER,
            **dict.fromkeys(NON_HTTP_HANDLERS),
        },
        "DOWNLOADER_MIDDLEWARES": {
            "zonewatch.crawlers.middlewares.SchemePolicyMiddleware": 1,
            "zonewatch.crawlers.middlewares.PoliteDelayMiddleware": 800,
        },
        "ITEM_PIPELINES": {"zonewatch.crawlers.pipeline.StagingPipeline": 300},
        "ZONEWATCH_REPLAY_URL": settings.replay_url,
        "ZONEWATCH_ALLOWED_PRIVATE_HOSTS": list(settings.allowed_private_hosts),
        "ZONEWATCH_RUN_ID": run_id,
    }
