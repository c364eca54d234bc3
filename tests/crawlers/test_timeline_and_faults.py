"""Crawls across the replay timeline and under faults: right versions, recorded runs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.crawlers.conftest import crawl, current_versions, make_app, version_count
from tests.testkit.servers import PostgresServer
from zonewatch.app import App
from zonewatch.models import CrawlRun, Document, DocumentVersion, Source
from zonewatch.replay.server import ReplayServer


@pytest.mark.slow
def test_edits_are_new_versions_and_noise_is_not(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    for source_id in ("ifez-press", "motir-press", "mss-press"):
        crawl(crawl_app, source_id)
    ifez_before = version_count(crawl_app, "ifez-press")

    replay_server.set_state(1)  # IFEZ 669391 edited (597억 -> 650억, 250 -> 300개사); noise
    record = crawl(crawl_app, "ifez-press")
    assert record["changed"] == 1, record
    assert record["new"] == 1  # 669412 published
    edited = current_versions(crawl_app, "ifez-press")["669391"]
    assert edited.number == 2
    assert "650억" in edited.text
    assert "300개사" in edited.text
    assert version_count(crawl_app, "ifez-press") == ifez_before + 2

    replay_server.set_state(2)  # MSS 1070012's PDF replaced; MOTIR correction 171850 published
    crawl(crawl_app, "mss-press")
    replaced = current_versions(crawl_app, "mss-press")["1070012"]
    assert replaced.number == 2
    assert any("150억 원" in (a.text or "") for a in replaced.attachments)
    crawl(crawl_app, "motir-press")
    assert current_versions(crawl_app, "motir-press")["171850"].title.startswith("[정정]")

    counts = {
        sid: version_count(crawl_app, sid) for sid in ("ifez-press", "motir-press", "mss-press")
    }
    replay_server.set_state(3)  # noise only: counters, footer dates, session tokens, banners
    for source_id in counts:
        record = crawl(crawl_app, source_id)
        assert record["new"] == record["changed"] == 0, record
    assert {sid: version_count(crawl_app, sid) for sid in counts} == counts


@pytest.mark.slow
def test_failure_on_a_later_page_keeps_the_earlier_pages(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    replay_server.set_fault("www.motir.go.kr", "status", path_regex=r"pageIndex=2", status=500)
    record = crawl(crawl_app, "motir-press")
    assert record["status"] == "partial"
    assert record["new"] >= 10  # page 1's items are kept
    assert any("500" in error["message"] or error["kind"] == "fetch" for error in record["errors"])


@pytest.mark.slow
def test_resets_are_retried_and_unfetchable_files_never_asked_for(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    replay_server.set_fault("www.motir.go.kr", "quirks")  # resets half the connections
    record = crawl(crawl_app, "motir-press")
    assert record["status"] == "ok", record["errors"]
    assert record["new"] == 13
    assert any(entry.status == 0 for entry in replay_server.request_log)  # resets happened
    assert not [e for e in replay_server.request_log if "/attach/down/" in e.path]


@pytest.mark.slow
def test_site_that_always_resets_is_a_recorded_failure(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    replay_server.set_fault("www.gfez.go.kr", "reset")
    record = crawl(crawl_app, "gfez-news")
    assert record["status"] == "failed"
    assert record["errors"]
    with crawl_app.session() as session:
        source = session.get(Source, "gfez-news")
        assert source is not None
        assert source.health == "failing"


@pytest.mark.slow
def test_markup_change_marks_the_source_broken(crawl_app: App, replay_server: ReplayServer) -> None:
    assert crawl(crawl_app, "kicox-news")["new"] > 0
    replay_server.set_state(1)
    replay_server.set_fault("www.kicox.or.kr", "empty_list")
    record = crawl(crawl_app, "kicox-news")
    assert record["items_found"] == 0
    with crawl_app.session() as session:
        source = session.get(Source, "kicox-news")
        assert source is not None
        assert source.health == "broken"
        assert "matched nothing" in (source.health_reason or "")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "options", "expected"),
    [
        ("huge", {"mb": 40}, "maxsize"),
        ("gzip_bomb", {"mb": 256}, "maxsize"),
        ("redirect_private", {}, "blocked"),
        ("truncate", {}, "error"),
    ],
)
def test_dangerous_responses_are_refused_and_recorded(
    crawl_app: App,
    replay_server: ReplayServer,
    fault: str,
    options: dict[str, object],
    expected: str,
) -> None:
    replay_server.set_fault("www.incheon.go.kr", fault, path_regex=r"/view", **options)
    record = crawl(crawl_app, "incheon-press")
    assert record["new"] == 0
    assert record["items_found"] > 0
    text = " ".join(error["message"] for error in record["errors"]).lower()
    assert record["errors"], record
    if expected == "blocked":
        with crawl_app.session() as session:
            run = session.get(CrawlRun, record["run"])
            assert run is not None
            assert run.stats.get("zonewatch/blocked_requests", 0) > 0
    elif expected == "maxsize":
        assert "maxsize" in text or "cancel" in text or "size" in text, text


@pytest.mark.slow
def test_malformed_feed_is_recorded(crawl_app: App, replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.mss.go.kr", "malformed_feed")
    record = crawl(crawl_app, "mss-rss")
    kinds = {error["kind"] for error in record["errors"]}
    assert kinds & {"feed", "feed_warning"}, record


@pytest.mark.slow
def test_lying_charset_is_still_read_right(crawl_app: App, replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.gfez.go.kr", "wrong_charset")
    record = crawl(crawl_app, "gfez-news")
    assert record["new"] > 0
    for version in current_versions(crawl_app, "gfez-news").values():
        assert "\ufffd" not in version.title + version.text
        assert any("\uac00" <= ch <= "\ud7a3" for ch in version.title)


@pytest.mark.slow
def test_robots_crawl_delay_is_honoured(crawl_app: App, replay_server: ReplayServer) -> None:
    replay_server.set_crawl_delay("www.bjfez.go.kr", 1.0)
    replay_server.clear_log()
    crawl(crawl_app, "bjfez-press")
    times = [t for t, entry in replay_server.request_times if entry.path != "/robots.txt"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) >= 5
    assert min(gaps) >= 0.8  # server-side arrival times jitter a little


@pytest.mark.slow
def test_api_source_without_key_is_skipped_with_a_notice(crawl_app: App) -> None:
    record = crawl(crawl_app, "korea-kr-api")
    assert record["status"] == "skipped"
    assert "ZONEWATCH_KOREA_API_KEY" in record["errors"][0]["message"]


@pytest.mark.slow
def test_api_source_with_key(tmp_path: Path, replay_server: ReplayServer) -> None:
    app = make_app(tmp_path / "data", replay_server)
    app.dispose()
    from zonewatch.app import configure

    keyed = configure(
        data_dir=tmp_path / "data",
        replay_url=replay_server.url,
        allowed_private_hosts="127.0.0.1",
        crawl_delay_scale=0,
        korea_api_key="test-key",
    )
    try:
        record = crawl(keyed, "korea-kr-api")
        assert record["status"] == "ok", record["errors"]
        assert record["new"] > 0
        with keyed.session() as session:
            titles = session.scalars(select(DocumentVersion.title)).all()
            assert titles
            assert all(titles)
            assert session.scalars(select(Document.url)).first().startswith("https://www.korea.kr/")  # type: ignore[union-attr]
    finally:
        keyed.dispose()


@pytest.mark.integration
@pytest.mark.slow
def test_crawl_on_postgresql(
    tmp_path: Path, replay_server: ReplayServer, postgres_server: PostgresServer
) -> None:
    url = postgres_server.create_database("zw_crawl")
    app = make_app(tmp_path / "data", replay_server, database_url=url)
    try:
        record = crawl(app, "kfez-news-en")
        assert record["status"] == "ok", record["errors"]
        assert record["new"] >= 5
        versions = current_versions(app, "kfez-news-en")
        assert all(version.language == "en" for version in versions.values())
    finally:
        app.dispose()


REDESIGNS = [
    ("motir-press", "www.motir.go.kr", r"pageIndex=", r"/\d+/view"),
    ("mss-press", "www.mss.go.kr", r"List\.do", r"View\.do"),
    ("daegu-press", "info.daegu.go.kr", r"mtnkey=scatelist", r"mtnkey=articleview"),
]


@pytest.mark.slow
@pytest.mark.parametrize("page", ["list", "article"])
@pytest.mark.parametrize(("source_id", "host", "list_path", "article_path"), REDESIGNS)
def test_a_redesigned_page_stores_nothing_and_marks_the_source_broken(
    crawl_app: App,
    replay_server: ReplayServer,
    source_id: str,
    host: str,
    list_path: str,
    article_path: str,
    page: str,
) -> None:
    """Renamed classes must never become plausible wrong values (the site's name as the title,
    an empty body): the page is refused by the selector it broke, and operators see why."""
    replay_server.set_fault(
        host, "redesign", path_regex=list_path if page == "list" else article_path
    )
    record = crawl(crawl_app, source_id)
    assert record["new"] == 0, record
    assert current_versions(crawl_app, source_id) == {}
    selector_errors = [e for e in record["errors"] if e["kind"] == "selector"]
    assert selector_errors, record["errors"]
    assert any(
        "selector" in str(e["message"]) and "matched nothing" in str(e["message"])
        for e in selector_errors
    ), selector_errors
    with crawl_app.session() as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert source.health == "broken"
        assert f"{source_id}: " in (source.health_reason or "")
        assert "selector" in (source.health_reason or "")
