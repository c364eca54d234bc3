"""The timeline: the documented list of changes, and each change as a crawler would see it."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from pdfminer.high_level import extract_text

from tests.testkit.replay import Fetched, fetch
from zonewatch.replay.server import ReplayServer
from zonewatch.replay.timeline import ChangeKind, counter_pages, expected_changes

# This is the table in replay/timeline.py's docstring; the two must stay in step.
EXPECTED = {
    0: [],
    1: [
        ("added", "www.busan.go.kr", "1679050", ()),
        ("added", "www.fez.go.kr", "1290", ()),
        ("edited", "www.ifez.go.kr", "669391", ()),
        ("added", "www.ifez.go.kr", "669412", ()),
        ("added", "www.korea.kr", "156740150", ()),
        ("added", "www.korea.kr", "156740162", ()),
        ("added", "www.korea.net", "270210", ()),
        ("added", "www.motir.go.kr", "171842", ()),
        ("added", "www.mss.go.kr", "1070031", ()),
    ],
    2: [
        ("attachment_renamed", "www.korea.kr", "156737804", ()),
        ("added", "www.korea.kr", "156740301", ("designation",)),
        ("added", "www.motir.go.kr", "171850", ("correction",)),
        ("attachment_replaced", "www.mss.go.kr", "1070012", ()),
        ("withdrawn", "www.mss.go.kr", "1070018", ()),
    ],
    3: [],
}


@pytest.mark.parametrize("state", [0, 1, 2, 3])
def test_expected_changes_are_the_documented_ones(state: int) -> None:
    changes = [(c.kind.value, c.host, c.item_id, c.tags) for c in expected_changes(state)]
    assert changes == EXPECTED[state]


def _get(server: ReplayServer, url: str) -> Fetched:
    parts = urlsplit(url)
    return fetch(server, parts.netloc, parts.path + (f"?{parts.query}" if parts.query else ""))


def test_every_change_is_visible_over_http(replay_server: ReplayServer) -> None:
    for state in (1, 2, 3):
        before = {c.url: _get(replay_server, c.url) for c in expected_changes(state)}
        replay_server.set_state(state)
        for change in expected_changes(state):
            now = _get(replay_server, change.url)
            if change.kind is ChangeKind.WITHDRAWN:
                assert before[change.url].status == 200
                assert now.status == 404
            elif change.kind is ChangeKind.ADDED:
                assert before[change.url].status == 404
                assert now.status == 200
            else:
                assert now.status == 200, change
                assert now.body != before[change.url].body, change


def test_the_edit_changes_numbers_only_in_the_body(replay_server: ReplayServer) -> None:
    path = "/main/pst/view.do?pst_id=noti03&pst_sn=669391"
    old = re.sub(r"<[^>]+>", "", fetch(replay_server, "www.ifez.go.kr", path).text("cp949"))
    replay_server.set_state(1)
    new = re.sub(r"<[^>]+>", "", fetch(replay_server, "www.ifez.go.kr", path).text("cp949"))
    assert "597억 원" in old
    assert "목표 입주기업 250개사" in old
    assert "650억 원" in new
    assert "목표 입주기업 300개사" in new
    assert "597억" not in new
    assert "1,234억 원" in new  # the rest is unchanged


def test_withdrawn_release_leaves_list_feed_and_files(replay_server: ReplayServer) -> None:
    view = fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070018")
    download = re.search(r'href="(/common/board/Download\.do[^"]+)"', view.text())
    assert download is not None
    file_path = download.group(1).replace("&amp;", "&")
    replay_server.set_state(2)
    listing = fetch(
        replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=1"
    )
    assert "1070018" not in listing.text()
    assert (
        "bcIdx=1070018" not in fetch(replay_server, "www.mss.go.kr", "/rss/smba/board/86.do").text()
    )
    assert fetch(replay_server, "www.mss.go.kr", file_path).status == 404


def test_attachment_replaced_under_the_same_name(replay_server: ReplayServer) -> None:
    """Same name and URL, new bytes (at MSS: MOTIR's scripted downloads never work)."""
    view = "/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070012"
    page = fetch(replay_server, "www.mss.go.kr", view).text()
    href = re.search(r'href="(/common/board/Download\.do[^"]+\.pdf)"', page)
    assert href is not None
    link = href.group(1).replace("&amp;", "&")
    old = fetch(replay_server, "www.mss.go.kr", link)
    replay_server.set_state(2)
    page2 = fetch(replay_server, "www.mss.go.kr", view).text()
    assert href.group(1) in page2
    new = fetch(replay_server, "www.mss.go.kr", link)
    assert old.header("Content-Disposition") == new.header("Content-Disposition")
    assert old.header("ETag") != new.header("ETag")
    assert "150억 원" in extract_text(io.BytesIO(new.body))


def test_attachment_renamed_on_portal_and_api(replay_server: ReplayServer) -> None:
    view = "/briefing/pressReleaseView.do?newsId=156737804"
    api = (
        "/1371000/pressReleaseService/pressReleaseList?serviceKey=k"
        "&startDate=20260730&endDate=20260730"
    )
    old_href = re.search(
        r'href="(/common/download\.do[^"]+)"', fetch(replay_server, "www.korea.kr", view).text()
    )
    assert old_href is not None
    replay_server.set_state(2)
    text = fetch(replay_server, "www.korea.kr", view).text()
    assert "추진현황_붙임(수정).hwpx" in text
    assert "추진현황_붙임.hwpx" not in text
    assert (
        fetch(replay_server, "www.korea.kr", old_href.group(1).replace("&amp;", "&")).status == 404
    )
    assert (
        "<FileName>국가첨단산업단지 추진현황_붙임(수정).hwpx</FileName>"
        in fetch(replay_server, "apis.data.go.kr", api).text()
    )


def test_correction_names_the_corrected_release(replay_server: ReplayServer) -> None:
    replay_server.set_state(2)
    correction = next(c for c in expected_changes(2) if "correction" in c.tags)
    original = _get(replay_server, correction.corrects or "").html()
    original_title = original.cssselect("div.detail-tit span")[0].text_content()
    assert correction.title.startswith("[정정]")
    assert f"「{original_title}」" in correction.title
    assert "(2026.8.5.)" in correction.title
    rows = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex=1").text()
    assert correction.title in rows


def _without_noise(text: str) -> str:
    text = re.sub(r";jsessionid=[0-9A-F]+|[?&]sid=[0-9A-F]+", "", text)
    text = re.sub(r"(오늘 날짜|Today) [\d-]+", "", text)
    return re.sub(r'<ul class="banner">.*?</ul>', "", text, flags=re.DOTALL)


def test_noise_changes_lists_not_content(replay_server: ReplayServer) -> None:
    path = "/portal/ko/bbs/news/list.do?page=1"
    replay_server.set_state(2)
    old = fetch(replay_server, "www.fez.go.kr", path).text()
    replay_server.set_state(3)
    new = fetch(replay_server, "www.fez.go.kr", path).text()
    assert old != new
    assert "오늘 날짜 2026-08-12" in old
    assert "오늘 날짜 2026-08-13" in new
    old_tokens = set(re.findall(r"jsessionid=([0-9A-F]+)", old))
    new_tokens = set(re.findall(r"jsessionid=([0-9A-F]+)", new))
    assert len(old_tokens) == len(new_tokens) == 1
    assert old_tokens != new_tokens
    banners = [re.findall(r'title="새창">([^<]+)<', text) for text in (old, new)]
    assert banners[0] != banners[1]
    assert sorted(banners[0]) == sorted(banners[1])
    assert _without_noise(old) == _without_noise(new)


def test_counters_move_on_lists_and_hot_articles_only(replay_server: ReplayServer) -> None:
    assert counter_pages(1) == [
        "https://www.busan.go.kr/nbtnewsBU/1678901",
        "https://www.fez.go.kr/portal/ko/bbs/news/view.do?nttId=1281",
        "https://www.motir.go.kr/kor/article/ATCL3f49a5a8c/171830/view",
        "https://www.motir.go.kr/kor/article/ATCL3f49a5a8c/171836/view",
    ]
    hits = []
    for state in (2, 3):
        replay_server.set_state(state)
        page = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?rowPageC=20")
        rows = page.html().cssselect("div.board-list tbody tr")
        hits.append(
            {
                row.cssselect("div.board-link a")[0].get("href"): row.cssselect("td")[4].text
                for row in rows
            }
        )
    assert hits[0].keys() == hits[1].keys()
    assert len(hits[0]) == 15
    assert all(int(hits[1][key]) > int(hits[0][key]) for key in hits[0])
