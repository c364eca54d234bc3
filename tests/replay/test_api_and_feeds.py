"""The open API (apis.data.go.kr) and the RSS feeds (MSS, korea.net)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer

API = "/1371000/pressReleaseService/pressReleaseList"


def _api(server: ReplayServer, query: str) -> ET.Element:
    response = fetch(server, "apis.data.go.kr", f"{API}?{query}")
    assert response.status == 200
    return ET.fromstring(response.body)


def test_api_needs_a_key(replay_server: ReplayServer) -> None:
    for query in ("startDate=20260728&endDate=20260730", "serviceKey=&startDate=20260728"):
        root = _api(replay_server, query)
        assert root.findtext("header/resultCode") == "30"
        assert root.findtext("header/resultMsg") == "SERVICE_KEY_IS_NOT_REGISTERED_ERROR"
        assert root.find("body") is None


def test_api_refuses_windows_over_three_days(replay_server: ReplayServer) -> None:
    root = _api(replay_server, "serviceKey=k&startDate=20260720&endDate=20260724")
    assert root.findtext("header/resultMsg") == "THREE_DAYS_OVER_ERROR"
    assert root.find("body") is None
    missing = _api(replay_server, "serviceKey=k&startDate=20260720")
    assert missing.findtext("header/resultMsg") == "NO_MANDATORY_REQUEST_PARAMETERS_ERROR"
    bad = _api(replay_server, "serviceKey=k&startDate=2026-07-20&endDate=20260721")
    assert bad.findtext("header/resultCode") == "10"


def test_api_empty_window_is_result_code_3(replay_server: ReplayServer) -> None:
    root = _api(replay_server, "serviceKey=k&startDate=20260810&endDate=20260812")
    assert root.findtext("header/resultCode") == "3"
    assert root.find("body/NewsItem") is None


def test_api_items(replay_server: ReplayServer) -> None:
    root = _api(
        replay_server, "serviceKey=k&startDate=20260728&endDate=20260731&numOfRows=2&pageNo=1"
    )
    assert root.findtext("header/resultCode") == "0"
    assert root.findtext("header/resultMsg") == "NORMAL_SERVICE"
    assert root.findtext("body/totalCount") == "4"
    assert root.findtext("body/numOfRows") == "2"
    assert root.findtext("body/pageNo") == "1"
    items = root.findall("body/NewsItem")
    assert [item.findtext("NewsItemId") for item in items] == ["156737905", "156737804"]
    item = items[1]
    assert item.findtext("Title") == "국가첨단산업단지 15곳 추진 현황 점검 회의 개최"
    assert item.findtext("MinisterCode") == "국토교통부"  # the ministry's name
    assert [child.tag for child in item][:7] == [
        "NewsItemId",
        "ContentsStatus",
        "ModifyDate",
        "ApproveDate",
        "EmbargoDate",
        "MinisterCode",
        "GroupingCode",
    ]
    assert item.findtext("ApproveDate") == "07/30/2026 14:00:00"
    assert item.findtext("OriginalUrl") == (
        "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156737804"
    )
    assert "<p>" in (item.findtext("DataContents") or "")
    assert item.findtext("FileName") == "국가첨단산업단지 추진현황_붙임.hwpx"
    file_url = urlsplit(item.findtext("FileUrl") or "")
    download = fetch(replay_server, file_url.netloc, f"{file_url.path}?{file_url.query}")
    assert download.status == 200
    assert download.header("Content-Type") == "application/hwp+zip"
    page3 = _api(
        replay_server, "serviceKey=k&startDate=20260728&endDate=20260731&numOfRows=2&pageNo=3"
    )
    ids = [item.findtext("NewsItemId") for item in page3.findall("body/NewsItem")]
    assert ids == ["156737905", "156737804"]  # pageNo is ignored, as reported
    assert page3.findtext("body/totalCount") == "4"


def test_api_files_are_repeated_siblings(replay_server: ReplayServer) -> None:
    replay_server.set_state(2)
    root = _api(replay_server, "serviceKey=k&startDate=20260810&endDate=20260812&numOfRows=9")
    items = [item for item in root.findall("body/NewsItem") if len(item.findall("FileName")) > 1]
    assert items
    names = [name.text or "" for name in items[0].findall("FileName")]
    urls = [url.text or "" for url in items[0].findall("FileUrl")]
    assert len(names) == len(urls)
    assert all("|" not in text for text in names + urls)


def test_api_follows_the_timeline(replay_server: ReplayServer) -> None:
    query = "serviceKey=k&startDate=20260810&endDate=20260812"
    assert _api(replay_server, query).findtext("header/resultCode") == "3"
    replay_server.set_state(2)
    ids = [
        item.findtext("NewsItemId") for item in _api(replay_server, query).findall("body/NewsItem")
    ]
    assert ids == ["156740301", "156740162", "156740150"]


def test_mss_feed(replay_server: ReplayServer) -> None:
    response = fetch(replay_server, "www.mss.go.kr", "/rss/smba/board/86.do")
    assert re.search(r"<pubDate>20260806\d{6}</pubDate>", response.text())
    feed = feedparser.parse(response.body)
    assert feed.version == "rss20"
    assert len(feed.entries) == 11
    first = feed.entries[0]
    assert first.link == "https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070026"
    assert "<p>" in first.description
    page = fetch(
        replay_server, "www.mss.go.kr", urlsplit(first.link).path + "?" + urlsplit(first.link).query
    )
    assert page.status == 200


def test_korea_net_feed(replay_server: ReplayServer) -> None:
    response = fetch(replay_server, "www.korea.net", "/koreanet/rss/news/2")
    feed = feedparser.parse(response.body)
    assert not feed.bozo
    assert len(feed.entries) == 6
    assert feed.entries[0].published == "Thu, 06 Aug 2026 17:00:00 +0900"
    assert feed.entries[0].link.startswith(
        "https://www.korea.net/NewsFocus/policies/view?articleId="
    )
    assert fetch(replay_server, "www.korea.net", "/koreanet/rss/news/9").status == 404
