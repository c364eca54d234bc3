"""Every fault kind, as a client sees it."""

from __future__ import annotations

import http.client
import time
import xml.etree.ElementTree as ET
import zlib

import pytest

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer

MOTIR_LIST = "/kor/article/ATCL3f49a5a8c?pageIndex=1"
MSS_FEED = "/rss/smba/board/86.do"
API = (
    "/1371000/pressReleaseService/pressReleaseList?serviceKey=k&startDate=20260728&endDate=20260730"
)


def test_status_only_where_the_regex_matches(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.motir.go.kr", "status", r"/view$", status=503, retry_after=120)
    broken = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
    assert broken.status == 503
    assert broken.header("Retry-After") == "120"
    assert fetch(replay_server, "www.motir.go.kr", MOTIR_LIST).status == 200
    assert fetch(replay_server, "www.mss.go.kr", MSS_FEED).status == 200
    replay_server.clear_faults()
    assert (
        fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view").status
        == 200
    )


def test_status_500_on_every_site(replay_server: ReplayServer) -> None:
    replay_server.set_fault("*", "status", status=500)
    assert fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseList.do").status == 500
    assert fetch(replay_server, "www.ifez.go.kr", "/robots.txt").status == 500


def test_slow(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.gfez.go.kr", "slow", seconds=0.3)
    started = time.monotonic()
    page = fetch(replay_server, "www.gfez.go.kr", "/bbs/content/list.do?bCd=notice")
    assert page.status == 200
    assert time.monotonic() - started >= 0.3


def test_reset_every_second_request(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.kicox.or.kr", "reset", fraction=0.5)
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(fetch(replay_server, "www.kicox.or.kr", "/boardList/1103").status)
        except (ConnectionResetError, http.client.RemoteDisconnected):
            outcomes.append(0)
    assert outcomes == [200, 0, 200, 0]
    assert [entry.status for entry in replay_server.request_log] == outcomes


def test_reset_is_a_tcp_rst(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.kicox.or.kr", "reset")
    with pytest.raises(ConnectionResetError):
        fetch(replay_server, "www.kicox.or.kr", "/boardList/1103")


def test_truncate(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.motir.go.kr", "truncate", keep=0.5)
    connection = http.client.HTTPConnection("127.0.0.1", replay_server.port, timeout=5)
    connection.request("GET", f"/www.motir.go.kr{MOTIR_LIST}")
    response = connection.getresponse()
    declared = int(response.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    assert 0 < len(caught.value.partial) < declared
    connection.close()


def test_malformed_feed_and_api(replay_server: ReplayServer) -> None:
    ET.fromstring(fetch(replay_server, "www.mss.go.kr", MSS_FEED).body)
    replay_server.set_fault("*", "malformed_feed")
    for host, path in (("www.mss.go.kr", MSS_FEED), ("apis.data.go.kr", API)):
        broken = fetch(replay_server, host, path)
        assert broken.status == 200
        with pytest.raises(ET.ParseError):
            ET.fromstring(broken.body)
    page = fetch(replay_server, "www.motir.go.kr", MOTIR_LIST)  # pages are left alone
    assert page.text().rstrip().endswith("</html>")


def test_wrong_charset(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.korea.kr", "wrong_charset")
    page = fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737101")
    assert page.header("Content-Type") == "text/html; charset=UTF-8"
    assert b'<meta charset="utf-8">' in page.body
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    assert "용인 반도체 국가산업단지" in page.body.decode("cp949")
    assert page.header("ETag") is None


def test_huge_with_and_without_length(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.busan.go.kr", "huge", mb=3)
    page = fetch(replay_server, "www.busan.go.kr", "/nbtnewsBU")
    assert page.header("Content-Length") == str(3 * 1024 * 1024) == str(len(page.body))
    assert page.body.startswith(b"<!DOCTYPE html>")
    assert page.body.endswith(b"</html>\n")
    replay_server.clear_faults()
    replay_server.set_fault("www.busan.go.kr", "huge", mb=2, chunked=True)
    chunked = fetch(replay_server, "www.busan.go.kr", "/nbtnewsBU")
    assert chunked.header("Transfer-Encoding") == "chunked"
    assert chunked.header("Content-Length") is None
    assert len(chunked.body) == 2 * 1024 * 1024


def test_gzip_bomb(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.incheon.go.kr", "gzip_bomb", mb=64)
    page = fetch(replay_server, "www.incheon.go.kr", "/IC010205")
    assert page.header("Content-Encoding") == "gzip"
    assert len(page.body) < 200_000
    inflater = zlib.decompressobj(31)
    size, data = 0, page.body
    while data or not inflater.eof:
        size += len(inflater.decompress(data, 8 << 20))
        data = inflater.unconsumed_tail
        if not data and inflater.eof:
            break
    assert size == 64 * 1024 * 1024
    assert replay_server.faults.rules()[0].options == {"mb": 64}


@pytest.mark.parametrize(
    ("options", "location"),
    [
        ({}, "http://169.254.169.254/latest/meta-data/"),
        ({"target": "http://10.0.0.1/"}, "http://10.0.0.1/"),
    ],
)
def test_redirect_private(
    replay_server: ReplayServer, options: dict[str, str], location: str
) -> None:
    replay_server.set_fault("www.korea.kr", "redirect_private", **options)
    page = fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseList.do")
    assert page.status == 302
    assert page.header("Location") == location


def test_empty_list_keeps_chrome_but_renames_classes(replay_server: ReplayServer) -> None:
    replay_server.set_fault("www.motir.go.kr", "empty_list")
    page = fetch(replay_server, "www.motir.go.kr", MOTIR_LIST)
    tree = page.html()
    assert page.status == 200
    assert tree.cssselect("#footer p.today")
    assert not tree.cssselect("div.board-list")
    assert not tree.cssselect("div.board-link")
    assert tree.cssselect("div.board-list_renewal")
    article = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
    assert article.html().cssselect("div.board-detail div.detail-tit span")


def test_motir_quirks(replay_server: ReplayServer) -> None:
    """The firewall resets every second request; downloads are 302 → /error/500 every time."""
    page = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
    download = page.text().split("location.href='")[1].split("'")[0]
    replay_server.set_fault("www.motir.go.kr", "quirks")

    def answer(path: str) -> object:
        for _ in range(2):  # every second request is reset: one retry always gets through
            try:
                got = fetch(replay_server, "www.motir.go.kr", path)
                return got.status, got.header("Location")
            except ConnectionResetError:
                continue
        raise AssertionError("two resets in a row")

    assert [answer(download) for _ in range(3)] == [(302, "/error/500")] * 3
    replay_server.clear_faults()
    error = fetch(replay_server, "www.motir.go.kr", "/error/500")
    assert error.status == 200
    assert "시스템 오류" in error.text()


def test_bad_fault_rules_are_refused(replay_server: ReplayServer) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        replay_server.set_fault("www.motir.go.kr", "meltdown")
    with pytest.raises(ValueError, match="no option"):
        replay_server.set_fault("www.motir.go.kr", "slow", delay=3)
    with pytest.raises(ValueError, match="unknown site"):
        replay_server.set_fault("www.example.com", "reset")
    with pytest.raises(ValueError, match="path_regex"):
        replay_server.set_fault("www.motir.go.kr", "reset", "(")


def test_redesign_renames_every_class_and_id_and_keeps_the_text(
    replay_server: ReplayServer,
) -> None:
    article = "/kor/article/ATCL3f49a5a8c/171830/view"
    before = fetch(replay_server, "www.motir.go.kr", article).text()
    replay_server.set_fault("www.motir.go.kr", "redesign", r"/view$")
    after = fetch(replay_server, "www.motir.go.kr", article).text()
    assert 'class="detail-tit"' in before
    assert 'class="detail-tit_renewal"' in after
    assert 'class="detail-tit"' not in after
    assert 'class="board-detail"' not in after
    assert "산업단지 대개조 2차 지역 선정 결과" in after
    assert fetch(replay_server, "www.motir.go.kr", MOTIR_LIST).text().count("_renewal") == 0


def test_frozen_serves_a_page_as_it_was_with_its_validators(replay_server: ReplayServer) -> None:
    article = "/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070012"
    first = fetch(replay_server, "www.mss.go.kr", article)
    replay_server.set_state(2)  # the PDF of 1070012 is replaced: its size on the page changes
    assert fetch(replay_server, "www.mss.go.kr", article).body != first.body
    replay_server.set_fault("www.mss.go.kr", "frozen", r"bcIdx=1070012$", state=0)
    frozen = fetch(replay_server, "www.mss.go.kr", article)
    assert frozen.body == first.body
    etag = frozen.header("ETag")
    assert etag == first.header("ETag")
    again = fetch(replay_server, "www.mss.go.kr", article, headers={"If-None-Match": etag or ""})
    assert again.status == 304
