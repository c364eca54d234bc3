from __future__ import annotations

from zonewatch.config.feed_defaults import FeedDefaults
from zonewatch.config.parsers import FeedParser


def test_the_light_defaults_are_the_configurations_defaults() -> None:
    """``parse-feed`` reads entries under :class:`FeedDefaults`; a crawl under an unconfigured
    :class:`FeedParser`. Both must read a feed the same way."""
    configured = FeedParser()
    light = FeedDefaults()
    assert (light.id_param, light.strip_title_prefix) == (
        configured.id_param,
        configured.strip_title_prefix,
    )
