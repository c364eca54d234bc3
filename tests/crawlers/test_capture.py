"""``capture`` saves what a site answers, as a crawl would ask for it.

Against the replay server: the saved bytes are the bytes served, with their headers and a
manifest; the article pages are the ones the board spider would fetch. Against small local
servers: the source's User-Agent, robots.txt and the URL policy apply to every request.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.testkit.hostile import StaticServer
from tests.testkit.replay import fetch
from zonewatch.config.settings import Settings
from zonewatch.config.sources import SourceSpec, load_sources
from zonewatch.crawlers.capture import CaptureError, capture_source, list_article_urls
from zonewatch.errors import InputError
from zonewatch.replay.server import ReplayServer

KEY = "personal-key-4f2a9c"


def replay_settings(server: ReplayServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "replay_url": server.url,
        "allowed_private_hosts": ("127.0.0.1",),
        "crawl_delay_scale": 0,
        **overrides,
    }
    return Settings(**values)


def packaged(source_id: str) -> SourceSpec:
    return load_sources().by_id()[source_id]


def manifest_of(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text("utf-8"))
    return data


def assert_saved_as_served(server: ReplayServer, out: Path, entry: dict[str, Any]) -> None:
    """The file holds the bytes the site serves at the entry's URL, with its headers."""
    url = urlsplit(entry["url"])
    served = fetch(server, url.netloc, f"{url.path}?{url.query}" if url.query else url.path)
    assert (out / entry["file"]).read_bytes() == served.body
    headers = json.loads((out / entry["headers_file"]).read_text("utf-8"))
    assert headers["url"] == entry["url"]
    assert headers["status"] == entry["status"] == 200
    assert ["Content-Type", served.header("Content-Type")] in headers["headers"]
    assert entry["content_type"] == served.header("Content-Type")
    assert entry["size"] == len(served.body)
    assert entry["fetched_at"].endswith("+00:00")


def test_a_board_capture_saves_the_list_and_the_articles_the_spider_would_fetch(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    source = packaged("ifez-press")
    manifest = capture_source(source, replay_settings(replay_server), tmp_path, articles=2)
    saved = manifest_of(tmp_path)
    paths = [entry.path for entry in replay_server.request_log if entry.host == "www.ifez.go.kr"]
    assert paths[0] == "/robots.txt"
    assert len(paths) == 4
    assert saved["source"] == "ifez-press"
    assert saved["failed"] == [] == saved["skipped"]
    assert saved["user_agent"].startswith("Mozilla/5.0 (compatible; zonewatch/")
    [listing, *articles] = saved["files"]
    assert (listing["file"], listing["role"]) == ("list-1.html", "list")
    links = list_article_urls(
        source, (tmp_path / "list-1.html").read_bytes(), listing["content_type"], listing["url"]
    )
    assert len(links) > 2
    assert [(entry["file"], entry["url"]) for entry in articles] == [
        (f"article-{external_id}.html", url) for external_id, url in links[:2]
    ]
    for entry in saved["files"]:
        assert_saved_as_served(replay_server, tmp_path, entry)
    assert len(manifest.files) == 3


def test_a_feed_capture_saves_the_feed_and_its_first_linked_pages(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    capture_source(packaged("mss-rss"), replay_settings(replay_server), tmp_path, articles=2)
    saved = manifest_of(tmp_path)
    assert [entry["role"] for entry in saved["files"]] == ["feed", "article", "article"]
    assert saved["files"][0]["file"] == "feed.xml"
    assert all(entry["url"].startswith("https://www.mss.go.kr/") for entry in saved["files"])
    for entry in saved["files"]:
        assert_saved_as_served(replay_server, tmp_path, entry)


def test_zero_articles_saves_only_the_list(replay_server: ReplayServer, tmp_path: Path) -> None:
    capture_source(packaged("ifez-press"), replay_settings(replay_server), tmp_path, articles=0)
    assert [entry["file"] for entry in manifest_of(tmp_path)["files"]] == ["list-1.html"]


def test_the_api_is_skipped_without_a_key_and_its_key_is_never_written(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    source = packaged("korea-kr-api")
    skipped = capture_source(source, replay_settings(replay_server), tmp_path / "a", articles=1)
    assert skipped.files == []
    assert "ZONEWATCH_KOREA_API_KEY" in skipped.skipped[0]["reason"]
    settings = replay_settings(replay_server, korea_api_key=KEY)
    capture_source(source, settings, tmp_path / "b", articles=1)
    [answer] = manifest_of(tmp_path / "b")["files"]
    assert answer["file"] == "api-1.xml"
    assert b"<resultCode>" in (tmp_path / "b/api-1.xml").read_bytes()
    assert "serviceKey=REDACTED" in answer["url"]
    for path in (tmp_path / "b").iterdir():
        assert KEY not in path.read_text("utf-8", errors="replace"), path.name


def test_requests_are_spaced_by_the_sources_delay(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    source = packaged("ifez-press")  # 2 s between requests, scaled down to 0.1 s
    settings = replay_settings(replay_server, crawl_delay_scale=0.05)
    capture_source(source, settings, tmp_path, articles=2)
    times = [
        stamp for stamp, entry in replay_server.request_times if entry.host == "www.ifez.go.kr"
    ]
    assert len(times) == 4
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.09


BOARD_SOURCES = """\
version: 1
sources:
  - id: small-board
    name: A small board
    owner: ifez
    language: en
    kind: board
    url: {base}/board
    user_agent: "Mozilla/5.0 (compatible; capture-test/1.0)"
    politeness: {{delay_seconds: 0, retries: 1, timeout_seconds: 5}}
    parser:
      list_url: /board?page={{page}}
      rows: ul.list li
      link: a
      id_param: id
      title: h1
      body_required: false
"""


@pytest.fixture
def board() -> Iterator[StaticServer]:
    with StaticServer("127.0.0.1") as server:
        links = "".join(f"<li><a href='/a?id={n}'>item {n}</a></li>" for n in (1, 2, 3))
        server.route("/board?page=1", f"<ul class='list'>{links}</ul>".encode())
        server.route("/robots.txt", b"User-agent: *\nDisallow: /a?id=2\n", "text/plain")
        server.route("/a?id=1", b"<html><body><h1>one</h1></body></html>")
        yield server


def board_source(server: StaticServer, tmp_path: Path) -> SourceSpec:
    path = tmp_path / "sources.yaml"
    path.write_text(BOARD_SOURCES.format(base=server.url), encoding="utf-8")
    return load_sources(path).sources[0]


def test_the_sources_user_agent_robots_txt_and_url_policy_hold_for_every_request(
    board: StaticServer, tmp_path: Path
) -> None:
    with StaticServer("127.0.0.2") as internal:
        internal.route("/admin", b"<html><body>internal</body></html>")
        board.redirect("/a?id=3", f"{internal.url}/admin")
        source = board_source(board, tmp_path)
        settings = Settings(allowed_private_hosts=("127.0.0.1",), crawl_delay_scale=0)
        manifest = capture_source(source, settings, tmp_path / "out", articles=3)
        assert internal.hits == [], "a redirect into a private address is not followed"
    assert [entry["file"] for entry in manifest.files] == ["list-1.html", "article-1.html"]
    errors = {failed["url"].rsplit("?", 1)[1]: failed["error"] for failed in manifest.failed}
    assert errors["id=2"] == "disallowed by robots.txt"
    assert "non-public address 127.0.0.2" in errors["id=3"]
    assert "/a?id=2" not in board.hits
    agents = {headers.get("User-Agent") for headers in board.headers}
    assert agents == {"Mozilla/5.0 (compatible; capture-test/1.0)"}


def test_a_list_page_that_cannot_be_fetched_fails_after_writing_the_manifest(
    board: StaticServer, tmp_path: Path
) -> None:
    board.routes.pop("/board?page=1")
    source = board_source(board, tmp_path)
    settings = Settings(allowed_private_hosts=("127.0.0.1",), crawl_delay_scale=0)
    with pytest.raises(
        CaptureError, match=r"small-board: list http://127\.0\.0\.1:\d+/board\?page=1: HTTP 404"
    ):
        capture_source(source, settings, tmp_path / "out", articles=1)
    assert manifest_of(tmp_path / "out")["failed"][0]["error"] == "HTTP 404"
    assert board.hits.count("/board?page=1") == 1, "a 404 is an answer, not retried"


@pytest.mark.parametrize("articles", [-1, 101])
def test_a_bad_article_count_is_refused_before_anything_is_fetched(
    board: StaticServer, tmp_path: Path, articles: int
) -> None:
    with pytest.raises(InputError, match="--articles must be from 0 to 100"):
        capture_source(board_source(board, tmp_path), Settings(), tmp_path / "out", articles)
    assert board.hits == []
    assert not (tmp_path / "out").exists()


def test_an_unwritable_output_directory_is_refused(board: StaticServer, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=r"cannot write to .*file/out: Not a directory"):
        capture_source(board_source(board, tmp_path), Settings(), tmp_path / "file" / "out", 1)
    assert board.hits == []
