"""What every zonewatch spider shares: known items, conditional requests, attachments, errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import scrapy
from parsel import Selector
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from zonewatch.config.sources import SourceSpec
from zonewatch.crawlers.boardpage import split_size_hint
from zonewatch.crawlers.extract import (
    EXTRACTOR_VERSION,
    decode_html,
    detect_language,
    drop_furniture,
    extract_attachment_text,
    normalize_text,
)
from zonewatch.crawlers.items import FetchedAttachment, FetchedItem, RawSnapshot
from zonewatch.crawlers.recheck import KnownAttachment, KnownItem, attachments_due, fetch_reason
from zonewatch.crawlers.run_errors import RunError, RunErrorKind
from zonewatch.crawlers.safety import has_fetchable_scheme
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.errors import InputError
from zonewatch.ingest.identity import attachment_identity
from zonewatch.models.enums import DocumentStatus, ItemOutcome

ERRORS_STAT = "zonewatch/errors"
BLOCKED_LINKS_STAT = "blocked_links"
HANDLED_STATUSES = [304, 404, 410]
ATTACHMENT_RETRIES = 2
NOT_MODIFIED = "not modified"
T = TypeVar("T")


def header(response: Response, name: str) -> str:
    """A response header as text ('' when absent)."""
    value = response.headers.get(name.encode("ascii"))
    return value.decode("latin-1") if value else ""


def charset_of(response: Response) -> str | None:
    content_type = header(response, "Content-Type")
    match = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


class SourceSpider(scrapy.Spider):
    """Base spider: one instance crawls one source for one crawl run."""

    name = "zonewatch"

    def __init__(
        self,
        source: SourceSpec,
        known: dict[str, KnownItem],
        data_dir: Path,
        now: dt.datetime,
        state: dict[str, Any] | None = None,
        site_names: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(name=f"zonewatch-{source.id}", **kwargs)
        self.source = source
        self.known = known
        self.data_dir = data_dir
        self.now = now
        self.state_in = state or {}
        self.seen: set[str] = set()
        self.site_names = site_names
        """The owner's names: an article title equal to one is the site's name, an error."""

    # -- errors and stats -------------------------------------------------------------------

    def record_error(self, kind: RunErrorKind, message: str, url: str | None = None) -> None:
        """Errors are data for the run record and for operators, not just log lines."""
        stats = self.crawler.stats
        assert stats is not None
        errors = list(stats.get_value(ERRORS_STAT, []))
        if len(errors) < 200:
            errors.append(RunError(kind, message, url).as_json())
        stats.set_value(ERRORS_STAT, errors)
        stats.inc_value(f"zonewatch/error_count/{kind}")
        self.logger.warning("%s: %s (%s)", kind, message, url or "-")

    def on_request_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        kind = failure.type.__name__ if failure.type is not None else "error"
        self.record_error(RunErrorKind.FETCH, f"{kind}: {failure.getErrorMessage()}", url)

    def count(self, key: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"zonewatch/{key}")

    def followable(self, url: str, what: str) -> bool:
        """Whether a link taken from a page, feed or API answer may be followed: http(s) only.

        A hostile page can link to file:///etc/passwd, ftp:// or data: URLs; such a link is
        dropped here, counted and recorded as an error, and never becomes a request or an
        item's address.
        """
        if has_fetchable_scheme(url):
            return True
        self.count(BLOCKED_LINKS_STAT)
        self.record_error(
            RunErrorKind.BLOCKED, f"{what} link is not http(s), not followed", url[:300]
        )
        return False

    def readable(self, read: Callable[[], T], url: str) -> T | None:
        """``read()``, or None when the page cannot be read faithfully (markup nested too deep
        for a parse that keeps it whole): recorded as an error naming the page, nothing stored
        from it, and the rest of the crawl goes on."""
        try:
            return read()
        except InputError as exc:
            self.record_error(RunErrorKind.PAGE, str(exc), url)
            return None

    # -- decisions -------------------------------------------------------------------------

    def reason_to_fetch(self, external_id: str, list_fingerprint: str | None) -> str | None:
        return fetch_reason(self.known.get(external_id), list_fingerprint, self.now)

    def conditional_headers(self, external_id: str) -> dict[str, str]:
        known = self.known.get(external_id)
        headers: dict[str, str] = {}
        if known is not None and known.status == DocumentStatus.ACTIVE:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        return headers

    def listed_item(self, external_id: str, url: str, list_fingerprint: str | None) -> FetchedItem:
        self.count("items_skipped")
        return FetchedItem(
            source_id=self.source.id,
            external_id=external_id,
            url=url,
            outcome=ItemOutcome.LISTED,
            list_fingerprint=list_fingerprint,
        )

    # -- pages -----------------------------------------------------------------------------

    def decode(self, response: Response) -> tuple[str, str, Selector]:
        """Decode bytes ourselves: EUC-KR as CP949, and pages whose header lies; the page
        furniture the source's ``ignore.selectors`` names is gone before anything is read."""
        decoded = decode_html(response.body, charset_of(response))
        selectors = self.source.ignore.selectors if self.source.ignore else ()
        text = drop_furniture(decoded.text, selectors)
        return text, decoded.encoding, Selector(text=text, base_url=response.url)

    def keep_raw(self, response: Response, encoding: str | None) -> RawSnapshot:
        digest, path = store_snapshot(self.data_dir, response.body)
        content_type = header(response, "Content-Type") or None
        return RawSnapshot(
            sha256=digest,
            path=path,
            size=len(response.body),
            http_status=response.status,
            content_type=content_type,
            encoding=encoding,
        )

    def status_item(
        self, response: Response, external_id: str, list_fingerprint: str | None
    ) -> FetchedItem | None:
        """Items for 304 and 404/410 responses; None when the page has content."""
        if response.status == 304:
            self.count("not_modified")
            return FetchedItem(
                source_id=self.source.id,
                external_id=external_id,
                url=response.url,
                outcome=ItemOutcome.NOT_MODIFIED,
                list_fingerprint=list_fingerprint,
            )
        if response.status in (404, 410):
            return FetchedItem(
                source_id=self.source.id,
                external_id=external_id,
                url=response.url,
                outcome=ItemOutcome.GONE,
                list_fingerprint=list_fingerprint,
            )
        return None

    def finish_item(self, item: FetchedItem, response: Response) -> FetchedItem:
        item.etag = header(response, "ETag") or None
        item.last_modified = header(response, "Last-Modified") or None
        item.text = normalize_text(item.text or "")
        item.title = normalize_text(item.title or "") or None
        item.language = detect_language(f"{item.title or ''}\n{item.text}")
        item.extractor_version = EXTRACTOR_VERSION
        self.count("items_fetched")
        return item

    # -- attachments -----------------------------------------------------------------------

    async def download_attachments(
        self, links: list[tuple[str, str]], referer: str
    ) -> list[FetchedAttachment]:
        attachments = []
        for name, url in links:
            if not self.followable(url, "attachment"):
                continue
            clean_name, size_hint = split_size_hint(name)
            attachment = FetchedAttachment(name=clean_name, url=url, size=size_hint)
            await self._fetch_attachment(attachment, referer)
            attachments.append(attachment)
        return attachments

    async def _fetch_attachment(self, attachment: FetchedAttachment, referer: str) -> None:
        """Download and extract one file; a site that answers with an error page instead of
        the file (MOTIR redirects to /error/500 now and then) is asked again."""
        for attempt in range(1 + ATTACHMENT_RETRIES):
            problem = await self._try_attachment(attachment, referer)
            if problem is None:
                self.count("attachments")
                return
            attachment.error = problem
            if attempt < ATTACHMENT_RETRIES:
                self.count("attachment_retries")
        self.record_error(RunErrorKind.ATTACHMENT, attachment.error or "failed", attachment.url)

    async def _try_attachment(
        self, attachment: FetchedAttachment, referer: str, validators: dict[str, str] | None = None
    ) -> str | None:
        """Fetch and extract one file into ``attachment``; the problem, or None when read.

        With ``validators`` the request is conditional and a 304 gives :data:`NOT_MODIFIED`.
        """
        headers = {"Referer": referer, **(validators or {})}
        request = Request(
            attachment.url,
            headers=headers,
            dont_filter=True,
            meta={"handle_httpstatus_list": [304]} if validators else {},
        )
        try:
            engine = self.crawler.engine
            assert engine is not None
            response = await engine.download_async(request)
        except Exception as exc:
            return f"download failed: {type(exc).__name__}: {exc}"[:500]
        if response.status == 304 and validators:
            return NOT_MODIFIED
        if response.status != 200:
            return f"HTTP {response.status}"
        media_type = header(response, "Content-Type").split(";")[0].strip() or None
        filename = _filename_from_disposition(response) or attachment.name
        extracted = extract_attachment_text(response.body, filename, media_type)
        if extracted.kind == "html" and not filename.lower().endswith((".html", ".htm")):
            return f"an HTML page came instead of the file (from {response.url})"
        attachment.size = len(response.body)
        attachment.sha256 = hashlib.sha256(response.body).hexdigest()
        attachment.media_type = media_type
        attachment.text = extracted.text
        attachment.error = extracted.error
        attachment.etag = header(response, "ETag") or None
        attachment.last_modified = header(response, "Last-Modified") or None
        return None

    def attachments_due(self, external_id: str) -> bool:
        return attachments_due(self.known.get(external_id), self.now)

    async def attachments_changed(self, external_id: str, referer: str) -> bool:
        """Whether any known file of the item now says something else (see :mod:`.recheck`).

        Each file is asked for conditionally; a 304 is unchanged, and so is a 200 whose text
        identity is the stored one (a re-saved file). A file that cannot be fetched now is
        not a change: the next revalidation asks again.
        """
        known = self.known.get(external_id)
        for stored in known.attachments if known is not None else ():
            if not self.followable(stored.url, "attachment"):
                continue
            self.count("attachment_revalidations")
            fresh = FetchedAttachment(name=stored.name, url=stored.url)
            problem = await self._try_attachment(fresh, referer, _validators(stored))
            if problem == NOT_MODIFIED:
                self.count("attachments_not_modified")
                continue
            if problem is not None:
                self.record_error(RunErrorKind.ATTACHMENT, f"revalidation: {problem}", stored.url)
                continue
            if attachment_identity(fresh.text, fresh.sha256) != stored.identity:
                self.count("attachments_changed")
                return True
        return False


def _validators(stored: KnownAttachment) -> dict[str, str]:
    """Conditional-request headers for a file fetched before (none when it sent none)."""
    headers = {}
    if stored.etag:
        headers["If-None-Match"] = stored.etag
    if stored.last_modified:
        headers["If-Modified-Since"] = stored.last_modified
    return headers


def _filename_from_disposition(response: Response) -> str | None:
    disposition = header(response, "Content-Disposition")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition, re.IGNORECASE)
    if match:
        return unquote(match.group(1))
    match = re.search(r'filename="?([^";]+)"?', disposition)
    return match.group(1) if match else None
