"""What a spider would extract from one feed or one page, without crawling or storing anything.

Backs ``zonewatch parse-feed`` and ``zonewatch parse-page``: bad input raises
:class:`InputError` with a one-line reason. Only the feed path is imported with the module:
pages (parsel, the board reader) and URLs (the pinned fetcher) load their parts when used, so
that reading a feed file costs little more than feedparser itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from zonewatch.config.feed_defaults import FeedDefaults
from zonewatch.crawlers.extract import EXTRACTOR_VERSION
from zonewatch.crawlers.extract.language import detect_language
from zonewatch.crawlers.extract.text import normalize_text
from zonewatch.crawlers.feeds import entry_to_item, parse_feed_bytes
from zonewatch.crawlers.items import FetchedItem
from zonewatch.enums import ItemOutcome
from zonewatch.errors import InputError

if TYPE_CHECKING:
    from parsel import Selector

    from zonewatch.config.settings import Settings
    from zonewatch.config.sources import SourceSpec
    from zonewatch.crawlers.boardpage import ArticlePage, ListRow, Problem
    from zonewatch.crawlers.extract.encoding import Decoded

MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_input(
    location: str, settings: Settings | Callable[[], Settings]
) -> tuple[bytes, str | None, str]:
    """Bytes of a local file or a URL (fetched safely); returns (body, content type, url).

    ``settings`` may be given as a function: a local file needs none, so the command line
    loads (and validates) them only to fetch a URL. At most one byte more than the limit is
    read, so a huge input costs no memory to refuse.
    """
    if not is_url(location):
        body = read_file_head(location, MAX_INPUT_BYTES + 1)
        content_type, url = None, Path(location).resolve().as_uri()
    else:
        body, content_type, url = _fetch(location, settings() if callable(settings) else settings)
    if not body.strip():
        raise InputError(f"empty input: {location}")
    if len(body) > MAX_INPUT_BYTES:
        raise InputError(f"input larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB: {location}")
    return body, content_type, url


def is_url(location: str) -> bool:
    return "://" in location


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
    from zonewatch.crawlers.handler import replay_url_for
    from zonewatch.crawlers.pinned import FetchError, fetch_checked
    from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard

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
    defaults = FeedDefaults()
    items = [entry_to_item(entry, defaults, "-", url) for entry in feed.entries]
    if not any(items):
        raise InputError("not a feed: no entry has a link or an id")
    warnings = [f"malformed feed, entries still usable: {feed.bozo_exception}"] if feed.bozo else []
    return {
        "title": feed.feed.get("title"),
        "encoding": feed.get("encoding"),
        "warnings": warnings,
        "entries": [_finished(item) for item in items if item is not None],
    }


PageKind = Literal["list", "article"]


def parse_page(
    source: SourceSpec,
    body: bytes,
    content_type: str | None,
    url: str,
    site_names: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """What the spider would extract from the page, plus the page's ``errors`` (a page with
    errors is one the spider stores nothing from)."""
    from zonewatch.crawlers.boardpage import read_article, read_list

    decoded, page = _html_page(source, body, content_type, url)
    base, where = _base_url(source, url), url
    if _detect_kind(source, page, None) == "list":
        listing = read_list(source, page, base, where)
        return {
            "kind": "list",
            "encoding": decoded.encoding,
            "rows": len(listing.rows),
            "items": [_row_json(row) for row in listing.rows],
            "errors": _messages(listing.problems, fatal=True),
        }
    article = read_article(source, page, decoded.text, base, site_names, where=where)
    result = _finished(_article_item(article, url))
    result.update(
        kind="article",
        encoding=decoded.encoding,
        encoding_confident=decoded.confident,
        attachments=[{"name": link.name, "url": link.url} for link in article.attachments],
        errors=_messages(article.problems, fatal=True),
    )
    return result


def check_page(
    source: SourceSpec,
    body: bytes,
    content_type: str | None,
    location: str,
    url: str,
    site_names: frozenset[str] = frozenset(),
    kind: PageKind | None = None,
) -> dict[str, Any]:
    """How one page fits the source's configuration: every configured selector with its
    match count, the values read, and the errors that would make the crawl store nothing."""
    from zonewatch.crawlers.boardpage import read_article, read_list

    decoded, page = _html_page(source, body, content_type, url)
    kind = _detect_kind(source, page, kind)
    base = _base_url(source, url)
    result: dict[str, Any] = {"location": location, "kind": kind}
    if kind == "list":
        listing = read_list(source, page, base, location)
        problems, probes = listing.problems, listing.probes
        result["rows"] = [_row_json(row) for row in listing.rows]
    else:
        article = read_article(source, page, decoded.text, base, site_names, where=location)
        problems, probes = article.problems, article.probes
        result["item"] = {
            "title": article.title,
            "published_at": _iso(article.published_at),
            "department": article.department,
            "subtitle": article.subtitle,
            "text": article.text,
            "attachments": [{"name": link.name, "url": link.url} for link in article.attachments],
        }
    result.update(
        ok=not any(problem.fatal for problem in problems),
        errors=_messages(problems, fatal=True),
        warnings=_messages(problems, fatal=False),
        selectors=[
            {"setting": probe.setting, "selector": probe.selector, "matches": probe.matches}
            for probe in probes
        ],
    )
    return result


def _html_page(
    source: SourceSpec, body: bytes, content_type: str | None, url: str
) -> tuple[Decoded, Selector]:
    from parsel import Selector

    from zonewatch.config.sources import SourceKind
    from zonewatch.crawlers.extract.encoding import decode_html

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
    return decoded, Selector(text=decoded.text, base_url=url)


def _base_url(source: SourceSpec, url: str) -> str:
    """Links on a saved page resolve against the site (as they would when crawled), not
    against the file's own location."""
    return source.url if url.startswith("file:") else url


def _detect_kind(source: SourceSpec, page: Selector, kind: PageKind | None) -> PageKind:
    """A page whose rows selector matches is a list page; any other is taken for an article."""
    if kind is not None:
        return kind
    return "list" if page.css(source.board_parser().rows) else "article"


def _messages(problems: list[Problem], *, fatal: bool) -> list[str]:
    return [problem.message for problem in problems if problem.fatal is fatal]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _row_json(row: ListRow) -> dict[str, Any]:
    return {
        "id": row.external_id,
        "url": row.url,
        "title": row.title,
        "published_at": _iso(row.published_at),
        "date": row.date,
        "department": row.department,
        "pinned": row.pinned,
    }


def _article_item(article: ArticlePage, url: str) -> FetchedItem:
    return FetchedItem(
        source_id="",
        external_id="",
        url=url,
        outcome=ItemOutcome.FETCHED,
        title=article.title,
        subtitle=article.subtitle,
        text=article.text,
        published_at=article.published_at,
        department=article.department,
    )


def _finished(item: FetchedItem) -> dict[str, Any]:
    item.text = normalize_text(item.text or "")
    item.language = detect_language(f"{item.title or ''}\n{item.text}")
    item.extractor_version = EXTRACTOR_VERSION
    return item_json(item)
