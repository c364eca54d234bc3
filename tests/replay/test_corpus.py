"""Corpus mode: the team's real releases through the korea.kr shapes (skipped without ../shared)."""

from __future__ import annotations

import gzip
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer


@pytest.fixture(scope="module")
def corpus_file(shared_dir: Path) -> Path:
    path = shared_dir / "corpus" / "press-releases.jsonl.gz"
    if not path.is_file():
        pytest.skip("the shared corpus is not present")
    return path


@pytest.fixture(scope="module")
def corpus_server(corpus_file: Path) -> Iterator[ReplayServer]:
    started = time.monotonic()
    server = ReplayServer(corpus=corpus_file.parent).start()
    assert time.monotonic() - started < 0.5  # the index is built lazily, in the background
    yield server
    server.stop()


def _first_with_attachment(path: Path) -> dict[str, object]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row: dict[str, object] = json.loads(line)
            if int(str(row["attachment_count"])) > 0:
                return row
    raise AssertionError("no release with attachments")


def test_list_is_newest_first_ten_a_page(corpus_server: ReplayServer) -> None:
    page = fetch(corpus_server, "www.korea.kr", "/briefing/pressReleaseList.do?pageIndex=1")
    tree = page.html()
    total = int(tree.cssselect("p.total strong")[0].text_content())
    assert total > 1000
    items = tree.cssselect("div.list_type ul li")
    assert len(items) == 10
    dates = [item.cssselect("span.source span")[0].text_content() for item in items]
    assert dates == sorted(dates, reverse=True)
    last_page = -(-total // 10)
    path = f"/briefing/pressReleaseList.do?pageIndex={last_page}"
    assert (
        1
        <= len(fetch(corpus_server, "www.korea.kr", path).html().cssselect("div.list_type li"))
        <= 10
    )


def test_article_and_attachment(corpus_server: ReplayServer, corpus_file: Path) -> None:
    row = _first_with_attachment(corpus_file)
    page = fetch(corpus_server, "www.korea.kr", f"/briefing/pressReleaseView.do?newsId={row['id']}")
    tree = page.html()
    meta = {m.get("property"): m.get("content") for m in tree.cssselect("meta[property]")}
    assert meta["og:title"] == row["title"]
    body = tree.cssselect(".article_body .view_cont")[0].text_content()
    first_words = " ".join(str(row["text"]).split()[:3])
    assert first_words in " ".join(body.split())
    link = tree.cssselect("div.filedown dl dd p a")[0].get("href")
    assert re.fullmatch(rf"/common/download\.do\?fileId={row['id']}1&tblKey=GMN", link)
    download = fetch(corpus_server, "www.korea.kr", link)
    assert download.status == 200
    assert download.body.startswith(b"PK")


def test_date_window_and_api(corpus_server: ReplayServer) -> None:
    path = "/briefing/pressReleaseList.do?startDate=2024-06-20&endDate=2024-06-21"
    items = fetch(corpus_server, "www.korea.kr", path).html().cssselect("div.list_type li")
    days = {item.cssselect("span.source span")[0].text_content() for item in items}
    assert days <= {"2024.06.20", "2024.06.21"}
    api = fetch(
        corpus_server,
        "apis.data.go.kr",
        "/1371000/pressReleaseService/pressReleaseList?serviceKey=k"
        "&startDate=20240620&endDate=20240621&numOfRows=100",
    ).text()
    assert api.count("<NewsItem>") == int(re.search(r"<totalCount>(\d+)<", api).group(1))  # type: ignore[union-attr]
    assert "<resultCode>0</resultCode>" in api


def test_other_sites_still_serve_samples(corpus_server: ReplayServer) -> None:
    page = fetch(corpus_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex=1")
    assert page.status == 200
    assert "산업단지 대개조" in page.text()


def test_release_edits_hold_from_their_state(corpus_file: Path) -> None:
    """The edit overlay: a state-1 edit leaves state 0 alone, re-saves keep the file's text
    while changing its bytes, and a withdrawal takes the release off the list and page."""
    from zonewatch.replay.releases import ReleaseEdit

    row = _first_with_attachment(corpus_file)
    news_id = str(row["id"])
    edits = {news_id: {1: ReleaseEdit(text="고친 본문 500억 원", attachment_saves=1)}}
    view = f"/briefing/pressReleaseView.do?newsId={news_id}"
    file = f"/common/download.do?fileId={news_id}1&tblKey=GMN"
    with ReplayServer(corpus=corpus_file, edits=edits) as server:
        before, before_file = (
            fetch(server, "www.korea.kr", view),
            fetch(server, "www.korea.kr", file),
        )
        server.set_state(1)
        after, after_file = fetch(server, "www.korea.kr", view), fetch(server, "www.korea.kr", file)
    assert "고친 본문" not in before.text()
    assert "고친 본문 500억 원" in after.text()
    assert before_file.body != after_file.body
    withdrawn = {news_id: {1: ReleaseEdit(withdrawn=True)}}
    with ReplayServer(corpus=corpus_file, edits=withdrawn, state=1) as server:
        assert fetch(server, "www.korea.kr", view).status == 404
