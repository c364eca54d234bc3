"""Feeds from bytes to fetched items: decoding, feedparser and one item per entry.

Apart from the spider so that reading a feed (``zonewatch parse-feed``, source captures)
loads neither Scrapy nor Twisted: only the spider fetches, everything here is pure.
"""

from __future__ import annotations

import re
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import feedparser

from zonewatch.crawlers.extract.dates import parse_published
from zonewatch.crawlers.extract.encoding import decode_text
from zonewatch.crawlers.extract.html import html_to_text
from zonewatch.crawlers.items import FetchedItem, fingerprint
from zonewatch.enums import ItemOutcome
from zonewatch.urls import without_session_ids


class EntryRules(Protocol):
    """What turning an entry into an item reads of a feed's configuration
    (:class:`zonewatch.config.parsers.FeedParser` has it; ``parse-feed`` passes the
    defaults without validating a configuration, which would import pydantic and lxml's
    selector translator for nothing)."""

    @property
    def id_param(self) -> str | None: ...

    @property
    def strip_title_prefix(self) -> str | None: ...


_XML_DECLARATION = re.compile(r"""^(\ufeff?\s*<\?xml\b[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_MEDIA_TYPE = re.compile(r"^\s*([\w.+-]+/[\w.+-]+)")


def as_utf8_feed(body: bytes, content_type: str | None = None) -> tuple[bytes, str, str]:
    """The feed re-encoded as UTF-8 that says so, with the content type to hand feedparser
    and the encoding the bytes really had.

    Korean feeds declare EUC-KR while holding CP949-only syllables (똠), or declare UTF-8
    while the bytes are CP949: feedparser trusts the declaration and makes mojibake. The
    project's decoder checks declarations against the bytes; its text is re-encoded and the
    XML declaration and the charset rewritten so that nothing contradicts it any more.
    """
    decoded = decode_text(body, content_type)
    text = _XML_DECLARATION.sub(r"\1\2utf-8\2", decoded.text.removeprefix("\ufeff"), count=1)
    media = _MEDIA_TYPE.match(content_type or "")
    return (
        text.encode("utf-8"),
        f"{media.group(1) if media else 'application/xml'}; charset=utf-8",
        decoded.encoding,
    )


def parse_feed_bytes(body: bytes, content_type: str | None = None) -> Any:
    """feedparser on bytes decoded by the project's decoder; never fetches anything.

    The result's ``encoding`` is the one the bytes had, not the UTF-8 feedparser was given.
    """
    utf8, utf8_type, encoding = as_utf8_feed(body, content_type)
    feed = feedparser.parse(utf8, response_headers={"content-type": utf8_type}, sanitize_html=True)
    feed["encoding"] = encoding
    return feed


def entry_id(entry: Any, id_param: str | None) -> str | None:
    """The item's id: the ``id_param`` of its link, else its guid, else its link; a guid or
    link that carries the visit's session id would be another item on every fetch."""
    link = entry.get("link") or ""
    if id_param and link:
        values = parse_qs(urlsplit(link).query).get(id_param)
        if values:
            return values[0]
    return without_session_ids(entry.get("id") or link) or None


def entry_to_item(
    entry: Any, parser: EntryRules, source_id: str, feed_url: str
) -> FetchedItem | None:
    """One feed entry as a fetched item (its text from the entry's content or summary)."""
    external_id = entry_id(entry, parser.id_param)
    if not external_id:
        return None
    title = entry.get("title", "")
    if parser.strip_title_prefix:
        title = re.sub(parser.strip_title_prefix, "", title)
    published_raw = entry.get("published") or entry.get("updated") or ""
    summary = entry.get("summary", "")
    contents = entry.get("content") or []
    body_html = contents[0].get("value", summary) if contents else summary
    return FetchedItem(
        source_id=source_id,
        external_id=external_id,
        url=entry.get("link") or feed_url,
        outcome=ItemOutcome.FETCHED,
        list_fingerprint=fingerprint(title, published_raw, summary),
        title=title,
        text=html_to_text(body_html),
        published_at=parse_published(published_raw) if published_raw else None,
        fetch_reason="feed",
    )
