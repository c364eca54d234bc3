"""``zonewatch capture``: save a source's real pages as test fixtures.

The replay server and the tests can only be as faithful as the pages they were built from, and
the sites change. A deployment on a network that reaches the sites (in Korea: see the README's
"Sources") runs this to save a source's list page (or feed, or one API answer) and its first
article pages, byte for byte with their response headers and a ``manifest.json``.

Every request goes through the one fetcher outside Scrapy (:func:`fetch_checked`: the URL
policy on every hop, connections pinned to checked addresses), with the source's User-Agent,
robots.txt obeyed, the source's delay between requests and retries with backoff; article links
are found by the board spider's own logic (:func:`list_article_urls`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from protego import Protego

from zonewatch.config.settings import Settings
from zonewatch.config.sources import SourceKind, SourceSpec
from zonewatch.crawlers.clock import crawl_time
from zonewatch.crawlers.feeds import entry_id, parse_feed_bytes
from zonewatch.crawlers.handler import replay_url_for
from zonewatch.crawlers.inspect import parse_page
from zonewatch.crawlers.pinned import Fetched, FetchError, fetch_checked
from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard, has_fetchable_scheme
from zonewatch.errors import InputError, ZonewatchError

MB = 1024 * 1024
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
RETRY_BACKOFF_SECONDS = 1.0
MAX_ARTICLES = 100
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SECRET_PARAMS = frozenset({"servicekey"})


class CaptureError(ZonewatchError):
    """The capture could not be made (the list page, feed or answer could not be fetched)."""


@dataclass
class Manifest:
    """What was saved, from where, when and how the site answered: read by whoever turns the
    capture into replay pages or test fixtures, and by the operator."""

    source: str
    kind: str
    user_agent: str
    replay_url: str | None
    captured_at: str
    files: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def write(self, out_dir: Path) -> Path:
        path = out_dir / "manifest.json"
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", "utf-8")
        return path


def utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def redact(url: str) -> str:
    """The URL without secrets (the API's personal key), for files that get committed."""
    parts = urlsplit(url)
    query = [
        (name, "REDACTED" if name.lower() in _SECRET_PARAMS else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def file_stem(external_id: str) -> str:
    """A site's item id as a file name: ids such as ``DOM_…`` or ``a/b`` must not name a
    path outside the output directory."""
    return _UNSAFE_NAME.sub("_", external_id).strip("._")[:100] or "item"


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output directory (InputError when it cannot be, or cannot be written)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".zonewatch-capture-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
    return out_dir


class PoliteFetcher:
    """One GET at a time to one site, as a crawl of the source would ask: same URL policy,
    User-Agent, replay rewriting, size cap, delay between requests, robots.txt and retries."""

    def __init__(
        self,
        source: SourceSpec,
        settings: Settings,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.guard = UrlGuard(allowed_hosts=settings.allowed_private_hosts)
        self.user_agent = settings.user_agent_for(source)
        self.replay_url = settings.replay_url
        politeness = source.politeness
        self.delay = politeness.delay_seconds * settings.crawl_delay_scale
        self.backoff = RETRY_BACKOFF_SECONDS * settings.crawl_delay_scale
        self.retries = politeness.retries
        self.timeout = politeness.timeout_seconds
        self.limit = int(politeness.max_response_mb * MB)
        self.sleep = sleep
        self.robots: dict[str, Protego | None] = {}
        self.last_request: float | None = None

    def rewrite(self, url: str) -> str:
        return (replay_url_for(url, self.replay_url) if self.replay_url else None) or url

    def get(self, url: str) -> Fetched:
        """The answer to ``url`` (FetchError, UnsafeURLError or a robots refusal if none)."""
        rules = self.robots_for(url)
        if rules is not None and not rules.can_fetch(url, self.user_agent):
            raise FetchError("disallowed by robots.txt")
        crawl_delay = (rules.crawl_delay(self.user_agent) if rules is not None else None) or 0
        return self._with_retries(url, max(self.delay, float(crawl_delay)))

    def robots_for(self, url: str) -> Protego | None:
        """The site's robots.txt rules (None: no usable robots.txt, everything allowed, as
        Scrapy's crawls treat it)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self.robots:
            try:
                fetched = self._with_retries(f"{site}/robots.txt", self.delay)
                text = fetched.body.decode("utf-8", errors="replace")
                self.robots[site] = Protego.parse(text)
            except FetchError:
                self.robots[site] = None
        return self.robots[site]

    def _with_retries(self, url: str, spacing: float) -> Fetched:
        for attempt in range(self.retries + 1):
            self._wait(spacing + (self.backoff * 2 ** (attempt - 1) if attempt else 0.0))
            try:
                return fetch_checked(
                    url,
                    self.guard,
                    headers={"User-Agent": self.user_agent},
                    limit=self.limit,
                    timeout=self.timeout,
                    rewrite=self.rewrite,
                )
            except FetchError as exc:
                if attempt == self.retries or not retryable(exc):
                    raise
        raise AssertionError("unreachable")

    def _wait(self, spacing: float) -> None:
        if self.last_request is not None:
            remaining = self.last_request + spacing - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)
        self.last_request = time.monotonic()


def retryable(exc: FetchError) -> bool:
    """Resets and timeouts (no status) and the statuses a crawl retries; a 4xx is an answer."""
    return exc.status is None or exc.status in RETRY_STATUSES


def list_article_urls(
    source: SourceSpec, body: bytes, content_type: str | None, url: str
) -> list[tuple[str, str]]:
    """(item id, article URL) of each row of a board's list page, in page order.

    This is the board spider's own reading of the page (``parse-page`` and the spider share
    :mod:`zonewatch.crawlers.boardpage`), not a copy; a page the configuration does not fit
    is refused with the reasons, as the spider would store nothing from it.
    """
    page = parse_page(source, body, content_type, url)
    if page["kind"] != "list" or page["errors"]:
        reasons = (
            "; ".join(page["errors"]) or f"rows {source.board_parser().rows!r} matched nothing"
        )
        raise InputError(f"not a list page of {source.id}: {reasons}")
    found: dict[str, str] = {}
    for row in page["items"]:
        found.setdefault(row["id"], row["url"])
    return list(found.items())


class Capture:
    """Fetches and saves the pages of one source into one directory."""

    def __init__(
        self, source: SourceSpec, settings: Settings, out_dir: Path, fetcher: PoliteFetcher
    ) -> None:
        self.source, self.settings, self.out_dir, self.fetcher = source, settings, out_dir, fetcher
        self.manifest = Manifest(
            source=source.id,
            kind=source.kind.value,
            user_agent=fetcher.user_agent,
            replay_url=settings.replay_url,
            captured_at=utc_stamp(),
        )

    def save(self, name: str, role: str, url: str) -> Fetched | None:
        """Fetch ``url`` and write ``name`` and ``STEM.headers.json``; a failure is recorded
        in the manifest (and None returned), never half-written."""
        try:
            fetched = self.fetcher.get(url)
        except (FetchError, UnsafeURLError) as exc:
            self.manifest.failed.append({"role": role, "url": redact(url), "error": str(exc)})
            return None
        fetched_at = utc_stamp()
        stem = name.rsplit(".", 1)[0]
        (self.out_dir / name).write_bytes(fetched.body)
        headers = {
            "url": redact(fetched.url),
            "status": fetched.status,
            "headers": [list(pair) for pair in fetched.headers],
        }
        (self.out_dir / f"{stem}.headers.json").write_text(
            json.dumps(headers, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        self.manifest.files.append(
            {
                "file": name,
                "headers_file": f"{stem}.headers.json",
                "role": role,
                "url": redact(fetched.url),
                "fetched_at": fetched_at,
                "status": fetched.status,
                "content_type": fetched.content_type,
                "size": len(fetched.body),
                "sha256": hashlib.sha256(fetched.body).hexdigest(),
            }
        )
        return fetched

    def skip(self, what: str, reason: str) -> None:
        self.manifest.skipped.append({"what": what, "reason": reason})

    def articles(self, links: list[tuple[str, str]], count: int) -> None:
        for external_id, url in links[:count]:
            if not has_fetchable_scheme(url):
                self.skip(url[:300], "not an http(s) link")
                continue
            self.save(f"article-{file_stem(external_id)}.html", "article", url)

    def board(self, count: int) -> None:
        parser = self.source.board_parser()
        list_url = urljoin(self.source.url, parser.list_url.format(page=parser.first_page))
        fetched = self.save("list-1.html", "list", list_url)
        if fetched is None:
            return
        try:
            links = list_article_urls(self.source, fetched.body, fetched.content_type, fetched.url)
        except InputError as exc:
            self.manifest.failed.append({"role": "links", "url": list_url, "error": str(exc)})
            return
        if parser.article_method == "POST" and count:
            self.skip("articles", "article pages are fetched by POST; capture only GETs")
            return
        self.articles(links, count)

    def feed(self, count: int) -> None:
        fetched = self.save("feed.xml", "feed", self.source.url)
        if fetched is None:
            return
        feed = parse_feed_bytes(fetched.body, fetched.content_type)
        id_param = self.source.feed_parser().id_param
        links: list[tuple[str, str]] = []
        for entry in feed.entries:
            external_id, link = entry_id(entry, id_param), entry.get("link")
            if external_id and link and all(link != known for _, known in links):
                links.append((str(external_id), str(link)))
        self.articles(links, count)

    def api(self) -> None:
        key = getattr(self.settings, self.source.api_parser().key_setting, None)
        if not key:
            self.skip("api", "no API key: set ZONEWATCH_KOREA_API_KEY to capture an answer")
            return
        today = crawl_time(self.settings).astimezone(self.settings.tz).date()
        start = today - dt.timedelta(days=self.source.api_parser().window_days - 1)
        query = urlencode(
            {
                "serviceKey": key,
                "startDate": start.strftime("%Y%m%d"),
                "endDate": today.strftime("%Y%m%d"),
                "pageNo": 1,
                "numOfRows": self.source.api_parser().rows_per_page,
            }
        )
        self.save("api-1.xml", "api", f"{self.source.url}?{query}")


def capture_source(
    source: SourceSpec,
    settings: Settings,
    out_dir: Path,
    articles: int,
    sleep: Callable[[float], None] = time.sleep,
) -> Manifest:
    """Capture one source into ``out_dir`` and write its manifest.

    Bad input (article count out of range, an unwritable directory) raises InputError before
    anything is fetched; a list page, feed or answer that cannot be fetched raises
    CaptureError after the manifest is written, so the operator sees what was tried.
    """
    if not 0 <= articles <= MAX_ARTICLES:
        raise InputError(f"--articles must be from 0 to {MAX_ARTICLES}, not {articles}")
    prepare_out_dir(out_dir)
    capture = Capture(source, settings, out_dir, PoliteFetcher(source, settings, sleep))
    if source.kind is SourceKind.BOARD:
        capture.board(articles)
    elif source.kind is SourceKind.FEED:
        capture.feed(articles)
    else:
        capture.api()
    manifest = capture.manifest
    manifest.write(out_dir)
    first = next(iter(manifest.failed), None)
    if first is not None and first["role"] in ("list", "feed", "api", "links"):
        raise CaptureError(f"{source.id}: {first['role']} {first['url']}: {first['error']}")
    return manifest
