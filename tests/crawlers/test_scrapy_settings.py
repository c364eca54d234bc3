"""The crawl process's Scrapy settings keep every fetch on http(s) and open no control channel."""

from __future__ import annotations

import ipaddress

import pytest
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.misc import load_object

from zonewatch.config.settings import Settings
from zonewatch.config.sources import load_sources
from zonewatch.crawlers.resolver import BlockedAddressError, GuardedResolver
from zonewatch.crawlers.safety import UrlGuard
from zonewatch.crawlers.scrapy_settings import scrapy_settings


def merged() -> ScrapySettings:
    source = load_sources().by_id()["motir-press"]
    settings = ScrapySettings()
    settings.setdict(scrapy_settings(Settings(), source, run_id=1), priority="spider")
    return settings


def test_only_http_download_handlers_remain() -> None:
    handlers = merged().getwithbase("DOWNLOAD_HANDLERS")
    enabled = {scheme for scheme, path in handlers.items() if path is not None}
    assert enabled == {"http", "https"}


def test_control_channel_extensions_are_off() -> None:
    settings = merged()
    extensions = settings.getwithbase("EXTENSIONS")
    for name, priority in extensions.items():
        if "telnet" in name.lower() or "remote_control" in name.lower():
            assert priority is None, name
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")


def test_the_guarded_resolver_is_installed() -> None:
    assert load_object(merged()["TWISTED_DNS_RESOLVER"]) is GuardedResolver


@pytest.mark.parametrize("address", ["127.0.0.1", "169.254.169.254", "100.100.100.200"])
def test_resolver_refuses_a_rebound_private_answer(address: str) -> None:
    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.guard = UrlGuard()
    with pytest.raises(BlockedAddressError):
        resolver.refuse_blocked(address, "www.motir.go.kr")
    assert resolver.refuse_blocked("27.101.211.20", "www.motir.go.kr") == "27.101.211.20"


def test_resolver_lets_allowed_private_hosts_through() -> None:
    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.guard = UrlGuard(allowed_hosts=["127.0.0.1"])
    assert resolver.refuse_blocked("127.0.0.1", "replay.local") == "127.0.0.1"
    assert ipaddress.ip_address(resolver.refuse_blocked("127.0.0.1", "x")).is_loopback
