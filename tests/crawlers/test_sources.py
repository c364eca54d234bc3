"""Every configured source, crawled from the replay server in a real crawl process."""

from __future__ import annotations

import re

import pytest

from tests.crawlers.conftest import crawl, current_versions
from zonewatch.app import App
from zonewatch.config.sources import load_sources
from zonewatch.replay.server import ReplayServer

SOURCES = [source.id for source in load_sources().sources if source.kind.value != "api"]
FEEDS = {source.id for source in load_sources().sources if source.kind.value == "feed"}
NEEDS_ATTACHMENT_TEXT = {"busan-press"}
UNFETCHABLE_ATTACHMENTS = {  # recorded by name and link, never downloaded
    source.id
    for source in load_sources().sources
    if source.kind.value == "board" and not source.board_parser().attachments_fetch
}  # the page has only a summary: the release is a PDF


@pytest.mark.slow
@pytest.mark.parametrize("source_id", SOURCES)
def test_first_crawl_extracts_items_then_a_recrawl_fetches_no_article(
    crawl_app: App, source_id: str
) -> None:
    record = crawl(crawl_app, source_id)
    assert record["status"] == "ok", record["errors"]
    assert record["new"] >= 5
    versions = current_versions(crawl_app, source_id)
    assert len(versions) == record["new"]
    for external_id, version in versions.items():
        assert version.title, external_id
        assert version.published_at is not None, external_id
        assert version.published_at.year == 2026
        assert "\ufffd" not in version.title + version.text
        assert version.language in ("ko", "en")
        body = version.text + "".join(a.text or "" for a in version.attachments)
        assert len(body) > 15, (external_id, body)
        for attachment in version.attachments:
            if source_id in UNFETCHABLE_ATTACHMENTS:
                assert attachment.text is None, attachment.name
                assert (attachment.extraction_error or "").startswith("not fetched: ")
                continue
            assert attachment.text, (attachment.name, attachment.extraction_error)
            assert not re.search(r"\[\s*[\d.]+\s*[KM]B\s*\]$", attachment.name)
    if source_id in NEEDS_ATTACHMENT_TEXT:
        assert all(
            v.attachments and v.attachments[0].media_type == "application/pdf"
            for v in versions.values()
        )

    again = crawl(crawl_app, source_id)
    assert again["status"] == "ok", again["errors"]
    assert again["new"] == 0
    assert again["changed"] == 0
    assert again["article_pages"] == 0  # unchanged pages: skipped or answered 304
    if source_id in FEEDS:
        assert again["not_modified"] == 1  # the feed itself answered 304
    else:
        assert again["requests"] < record["requests"]


@pytest.mark.slow
def test_unfetchable_attachments_are_recorded_once_as_a_notice_and_never_requested(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    """MOTIR answers every scripted download with 302 -> /error/500: asking is pointless."""
    record = crawl(crawl_app, "motir-press")
    assert record["status"] == "ok", record["errors"]
    notices = [error for error in record["errors"] if error["kind"] == "notice"]
    assert len(notices) == 1, record["errors"]
    assert "/error/500" in notices[0]["message"]
    assert not [e for e in replay_server.request_log if "/attach/down/" in e.path]
    versions = current_versions(crawl_app, "motir-press")
    assert any(version.attachments for version in versions.values())


@pytest.mark.slow
def test_pinned_rows_repeated_on_every_page_are_one_item_each(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    record = crawl(crawl_app, "kicox-news")
    assert record["status"] == "ok", record["errors"]
    versions = current_versions(crawl_app, "kicox-news")
    assert len(versions) == record["new"]
    pages = {e.path for e in replay_server.request_log if "/boardList/1103" in e.path}
    assert len(pages) >= 2, pages  # pinned rows on page 1 did not stop the paging
