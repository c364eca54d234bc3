"""What a spider would extract from one feed or one page, without crawling or storing anything.

Backs ``zonewatch parse-feed`` and ``zonewatch parse-page``: bad input raises
:class:`InputError` with a one-line reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parsel import Selector

from zonewatch.config.parsers import FeedParser
from zonewatch.config.settings import Settings
from zonewatch.config.sources import SourceKind, SourceSpec
from zonewatch.crawlers.extract import (
    EXTRACTOR_VERSION,
    decode_html,
    detect_language,
    normalize_text,
)
from zonewatch.crawlers.handler import replay_url_for
from zonewatch.crawlers.items import FetchedItem
from zonewatch.crawlers.pinned import FetchError, fetch_checked
from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard
from zonewatch.crawlers.spiders.board import attachment_links, read_article
from zonewatch.crawlers.spiders.feed import entry_to_item, parse_feed_bytes
from zonewatch.errors import InputError

MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_input(location: str, settings: Settings) -> tuple[bytes, str | None, str]:
    """Bytes of a local file or a URL (fetched safely); returns (body, content type, url).

    At most one byte more than the limit is read, so a huge input costs no memory to refuse.
    """
    if "://" not in location:
        body = read_file_head(location, MAX_INPUT_BYTES + 1)
        content_type, url = None, Path(location).resolve().as_uri()
    else:
        body, content_type, url = _fetch(location, settings)
    if not body.strip():
        raise InputError(f"empty input: {location}")
    if len(body) > MAX_INPUT_BYTES:
        raise InputError(f"input larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB: {location}")
    return body, content_type, url


def read_file_head(location: str, size: int) -> bytes:
    """The first ``size`` bytes of a local file (InputError when it is not one)."""
    path = Path(location)
    if not path.is_file():
        raise InputError(f"no such file: {location}")
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError as exc:
        raise InputError(f"cannot read {location}: {exc.strerror or exc}") from exc


def _fetch(url: str, settings: Settings) -> tuple[bytes, str | None, str]:
    """The URL's body, content type and final URL; every redirect hop obeys the URL policy."""
    replay = settings.replay_url

    def rewrite(target: str) -> str:
        return (replay_url_for(target, replay) if replay else None) or target

    try:
        fetched = fetch_checked(
            url,
            UrlGuard(allowed_hosts=settings.allowed_private_hosts),
            headers={"User-Agent": settings.user_agent},
            limit=MAX_INPUT_BYTES,
            rewrite=rewrite,
        )
    except UnsafeURLError as exc:
        raise InputError(f"refused: {exc}") from exc
    except FetchError as exc:
        raise InputError(f"cannot fetch {url}: {exc}") from exc
    return fetched.body, fetched.content_type, fetched.url


def looks_binary(body: bytes) -> bool:
    head = body[:4096]
    return b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def item_json(item: FetchedItem) -> dict[str, Any]:
    data = item.payload()
    for key in ("raw", "etag", "last_modified", "fetch_reason", "outcome", "source_id"):
        data.pop(key, None)
    return data


def parse_feed(body: bytes, content_type: str | None, url: str) -> dict[str, Any]:
    if looks_binary(body):
        raise InputError("not a feed: binary data")
    feed = parse_feed_bytes(body, content_type)
    if not feed.entries:
        reason = (
            f" ({type(feed.bozo_exception).__name__}: {feed.bozo_exception})" if feed.bozo else ""
        )
        raise InputError(f"not a feed or no entries{reason}".replace("\n", " "))
    parser = FeedParser()
    items = [entry_to_item(entry, parser, "-", url) for entry in feed.entries]
    if not any(items):
        raise InputError("not a feed: no entry has a link or an id")
    warnings = [f"malformed feed, entries still usable: {feed.bozo_exception}"] if feed.bozo else []
    return {
        "title": feed.feed.get("title"),
        "encoding": feed.get("encoding"),
        "warnings": warnings,
        "entries": [_finished(item) for item in items if item is not None],
    }


def parse_page(
    source: SourceSpec, body: bytes, content_type: str | None, url: str
) -> dict[str, Any]:
    if source.kind is not SourceKind.BOARD:
        raise InputError(
            f"source {source.id!r} is a {source.kind.value}, not a board: use parse-feed"
        )
    if looks_binary(body):
        raise InputError("not an HTML page: binary data")
    charset = None
    if content_type and "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip()
    decoded = decode_html(body, charset)
    page = Selector(text=decoded.text, base_url=url)
    parser = source.board_parser()
    rows = page.css(parser.rows)
    if rows:
        return {
            "kind": "list",
            "encoding": decoded.encoding,
            "rows": len(rows),
            "items": [_row(row, parser) for row in rows],
        }
    item = read_article(parser, page, decoded.text, url)
    if not item.title and not item.text:
        raise InputError(
            "nothing extracted: neither list rows nor an article title or body matched"
        )
    result = _finished(item)
    result.update(
        kind="article",
        encoding=decoded.encoding,
        encoding_confident=decoded.confident,
        attachments=[
            {"name": name, "url": link} for name, link in attachment_links(parser, page, url)
        ],
    )
    return result


def _row(row: Selector, parser: Any) -> dict[str, Any]:
    from zonewatch.crawlers.spiders.board import text_of

    link = row.css(parser.link) if parser.link else row
    return {
        "title": text_of(row.css(parser.list_title)) if parser.list_title else text_of(link),
        "date": text_of(row.css(parser.list_date)) if parser.list_date else None,
        "href": link.attrib.get("href") if link else None,
        "onclick": link.attrib.get("onclick") if link else None,
    }


def _finished(item: FetchedItem) -> dict[str, Any]:
    item.text = normalize_text(item.text or "")
    item.language = detect_language(f"{item.title or ''}\n{item.text}")
    item.extractor_version = EXTRACTOR_VERSION
    return item_json(item)
