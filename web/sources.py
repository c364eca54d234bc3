"""Operator pages: the sources table, one source's runs and page check, and the actions
crawl now, pause and resume.

The views call the services the command line uses (``zonewatch sources status|pause|
resume|check`` and ``zonewatch crawl --now``). "Crawl now" only queues the run for the
workers: Scrapy never runs inside the web process.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from zonewatch.crawlers.overview import check_stored_pages, source_detail, source_table
from zonewatch.crawlers.status import set_paused
from zonewatch.errors import InputError
from zonewatch.models import Role
from zonewatch.models.base import utcnow
from zonewatch.web.permissions import Page, require
from zonewatch.workers.queueing import queue_crawl
from zonewatch.workers.tasks import CRAWL_QUEUE
from zonewatch.workers.watch import live_consumers

ACTORS = (Role.ADMIN, Role.OPERATOR)
"""Who crawls, pauses and resumes sources."""
READERS = (Role.ADMIN, Role.OPERATOR, Role.ANALYST)
"""Analysts read source health (it explains a quiet change log) but cannot act on it."""


def _source_id(page: Page) -> str:
    return str(page.request.path_params["source_id"])


def _path(source_id: str) -> str:
    return "/sources/" + quote(source_id, safe="")


def _queued_run(page: Page) -> int | None:
    value = page.request.query_params.get("queued", "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InputError(f"queued: {value[:40]!r} is not a run number")
    return int(value)


@require(*READERS)
def sources_table(page: Page) -> Response:
    """``/sources``: every source with its health, last and next run, schedule and counts."""
    return page.render(
        "sources.html", rows=source_table(page.db), can_act=page.viewer.role in ACTORS
    )


@require(*READERS)
def source_page(page: Page) -> Response:
    """``/sources/{id}``: status, schedule, run history and the check of its stored pages;
    after "crawl now", which run was queued and whether a worker is there to take it."""
    source_id = _source_id(page)
    settings = page.console.app.settings
    detail = source_detail(page.db, source_id)
    checked = check_stored_pages(page.db, source_id, settings.data_dir, settings.zones_file)
    queued = _queued_run(page)
    workers = live_consumers(page.db, CRAWL_QUEUE, utcnow()) if queued is not None else []
    return page.render(
        "source.html",
        source=detail,
        checked=checked,
        queued=queued,
        workers=workers,
        can_act=page.viewer.role in ACTORS,
    )


@require(*ACTORS)
def crawl_now(page: Page) -> Response:
    """Queue a crawl for the workers, as ``zonewatch crawl SOURCE --now`` does."""
    source_id = _source_id(page)
    queued = queue_crawl(page.console.app, page.db, source_id)
    return page.redirect(f"{_path(source_id)}?queued={queued.run_id}")


@require(*ACTORS)
def pause(page: Page) -> Response:
    """Stop scheduling the source; the reason is required so other operators know why."""
    source_id = _source_id(page)
    reason = page.form.get("reason", "").strip()
    if not reason:
        raise InputError("give a reason for pausing the source")
    set_paused(page.db, source_id, True, reason, by=page.viewer.username)
    return page.redirect(_path(source_id))


@require(*ACTORS)
def resume(page: Page) -> Response:
    source_id = _source_id(page)
    set_paused(page.db, source_id, False)
    return page.redirect(_path(source_id))
