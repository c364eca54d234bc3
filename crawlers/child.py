"""The crawl process: ``python -m zonewatch.crawlers.child RUN_ID [PARENT_PID]``.

Each crawl runs in a process of its own because Twisted's reactor cannot be restarted inside a
long-lived worker. The process reads its run and source from the database, crawls, stages
items as they come (see the pipeline) and writes the run's numbers back before it exits.
While it runs it marks the run alive, and it stops if PARENT_PID goes (see lifeline).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.app import App, configure
from zonewatch.config.sources import SourceKind, SourceSpec
from zonewatch.crawlers.boardpage import site_names_for
from zonewatch.crawlers.clock import crawl_time
from zonewatch.crawlers.lifeline import EXIT_SKIPPED, Heartbeat
from zonewatch.crawlers.recheck import KnownAttachment, KnownItem
from zonewatch.crawlers.run_errors import RunError, RunErrorKind
from zonewatch.crawlers.scrapy_settings import scrapy_settings
from zonewatch.crawlers.spiders.api import ApiSpider, MissingApiKeyError
from zonewatch.crawlers.spiders.base import ERRORS_STAT, SourceSpider
from zonewatch.crawlers.spiders.board import BoardSpider
from zonewatch.crawlers.spiders.feed import FeedSpider
from zonewatch.ingest.identity import attachment_identity
from zonewatch.models import Attachment, CrawlRun, Document, DocumentVersion, Source
from zonewatch.models.base import utcnow
from zonewatch.models.enums import CrawlRunStatus

SPIDERS: dict[SourceKind, type[SourceSpider]] = {
    SourceKind.BOARD: BoardSpider,
    SourceKind.FEED: FeedSpider,
    SourceKind.API: ApiSpider,
}


def known_items(app: App, source_id: str) -> dict[str, KnownItem]:
    with app.session() as session:
        rows = session.execute(
            select(Document.id, DocumentVersion.title)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .where(Document.source_id == source_id)
        ).tuples()
        titles = dict(rows.all())  # a Result has keys(): dict() must get the rows
        files = known_attachments(session, source_id)
        return {
            doc.external_id: KnownItem(
                external_id=doc.external_id,
                list_fingerprint=doc.list_fingerprint,
                etag=doc.http_etag,
                last_modified=doc.http_last_modified,
                published_at=doc.published_at,
                first_seen_at=doc.first_seen_at,
                last_checked_at=doc.last_checked_at,
                status=doc.status,
                url=doc.url,
                title=titles.get(doc.id),
                attachments=files.get(doc.id, ()),
                attachments_checked_at=doc.attachments_checked_at,
            )
            for doc in session.scalars(select(Document).where(Document.source_id == source_id))
        }


def known_attachments(session: Session, source_id: str) -> dict[int, tuple[KnownAttachment, ...]]:
    """The files of each document's current version, by document id, in page order."""
    rows = session.execute(
        select(Document.id, Attachment)
        .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
        .join(Attachment, Attachment.version_id == DocumentVersion.id)
        .where(Document.source_id == source_id)
        .order_by(Document.id, Attachment.position)
    ).tuples()
    files: dict[int, list[KnownAttachment]] = {}
    for document_id, attachment in rows:
        files.setdefault(document_id, []).append(
            KnownAttachment(
                name=attachment.name,
                url=attachment.url,
                identity=attachment_identity(attachment.text, attachment.sha256),
                etag=attachment.http_etag,
                last_modified=attachment.http_last_modified,
            )
        )
    return {document_id: tuple(known) for document_id, known in files.items()}


def previous_state(app: App, source_id: str, run_id: int) -> dict[str, Any]:
    """What the last finished run learnt that the next needs (a feed's ETag)."""
    with app.session() as session:
        run = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source_id, CrawlRun.id != run_id)
            .where(CrawlRun.status.in_((CrawlRunStatus.OK, CrawlRunStatus.PARTIAL)))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        return dict(run.stats.get("state", {})) if run is not None else {}


def crawl(app: App, run_id: int, parent_pid: int) -> int:
    heartbeat = Heartbeat(app, run_id, app.settings.crawl_heartbeat_seconds, parent_pid).start()
    try:
        return _crawl(app, run_id)
    finally:
        heartbeat.stop()


def _crawl(app: App, run_id: int) -> int:
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            print(f"error: no crawl run {run_id}", file=sys.stderr)
            return 2
        source_row = session.get(Source, run.source_id)
        assert source_row is not None
        spec = SourceSpec.model_validate(source_row.spec)
        run.status = CrawlRunStatus.RUNNING
        run.started_at = run.started_at or utcnow()
    spider_cls = SPIDERS[spec.kind]
    process = CrawlerProcess(
        settings=scrapy_settings(app.settings, spec, run_id),
        install_root_handler=True,
    )
    crawler = process.create_crawler(spider_cls)
    collected: dict[str, Any] = {}

    def on_closed(spider: SourceSpider, reason: str) -> None:
        assert crawler.stats is not None
        collected.update(crawler.stats.get_stats())
        collected["finish_reason"] = reason

    crawler.signals.connect(on_closed, signal=signals.spider_closed)
    kwargs: dict[str, Any] = {
        "source": spec,
        "known": known_items(app, spec.id),
        "data_dir": app.settings.data_dir,
        "now": crawl_time(app.settings),
        "state": previous_state(app, spec.id, run_id),
        "site_names": site_names_for(spec, app.settings.zones_file),
    }
    if spec.kind is SourceKind.API:
        key = getattr(app.settings, spec.api_parser().key_setting, None)
        if not key:
            record_skip(app, run_id, "no API key set (ZONEWATCH_KOREA_API_KEY): source skipped")
            return EXIT_SKIPPED
        kwargs["api_key"] = key
    try:
        process.crawl(crawler, **kwargs)
        process.start()
    except MissingApiKeyError as exc:
        record_skip(app, run_id, str(exc))
        return EXIT_SKIPPED
    record_stats(app, run_id, collected)
    return 0


def record_skip(app: App, run_id: int, message: str) -> None:
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        run.status = CrawlRunStatus.SKIPPED
        run.finished_at = utcnow()
        run.errors = [RunError(RunErrorKind.NOTICE, message).as_json()]


def record_stats(app: App, run_id: int, stats: dict[str, Any]) -> None:
    """Copy Scrapy's numbers and our own into the run record."""
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        errors = list(stats.get(ERRORS_STAT, []))
        for key, value in stats.items():
            if key.startswith("spider_exceptions/"):
                errors.append(RunError(RunErrorKind.SPIDER, f"{key}: {value}").as_json())
        if stats.get("finish_reason") not in (None, "finished"):
            stopped = f"crawl stopped: {stats['finish_reason']}"
            errors.append(RunError(RunErrorKind.STOPPED, stopped).as_json())
        run.requests = int(stats.get("downloader/request_count", 0))
        run.bytes_received = int(stats.get("downloader/response_bytes", 0))
        run.not_modified = int(stats.get("downloader/response_status_count/304", 0))
        run.items_found = int(stats.get("zonewatch/items_listed", 0))
        run.error_count = len(errors)
        run.errors = errors
        state = {
            key.removeprefix("zonewatch/state/"): value
            for key, value in stats.items()
            if key.startswith("zonewatch/state/")
        }
        run.stats = {
            "state": state,
            **{
                key: _jsonable(value)
                for key, value in stats.items()
                if not key.startswith("zonewatch/state/") and key != ERRORS_STAT
            },
        }
        run.finished_at = utcnow()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2) or not all(arg.isdigit() for arg in args):
        print("usage: python -m zonewatch.crawlers.child RUN_ID [PARENT_PID]", file=sys.stderr)
        return 2
    parent_pid = int(args[1]) if len(args) == 2 else os.getppid()
    app = configure()
    try:
        return crawl(app, int(args[0]), parent_pid)
    finally:
        app.dispose()


if __name__ == "__main__":
    sys.exit(main())
