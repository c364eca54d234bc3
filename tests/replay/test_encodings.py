"""Encodings as the real sites send them: EUC-KR labels, CP949 bytes, a lying header."""

from __future__ import annotations

import pytest

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer

IFEZ_FESTIVAL = "/main/pst/view.do?pst_id=noti03&pst_sn=669384"


def test_ifez_is_labelled_euc_kr_but_needs_cp949(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.ifez.go.kr", IFEZ_FESTIVAL)
    assert page.header("Content-Type") == "text/html; charset=EUC-KR"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">' in page.body
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("euc_kr")
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    text = page.body.decode("cp949")
    assert "똠얌꿍" in text
    assert "세계음식문화축제" in text


def test_bjfez_header_lies_and_the_meta_tag_tells_the_truth(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.bjfez.go.kr", "/portal/bbs/B0000003/list.do?pageIndex=1")
    assert page.header("Content-Type") == "text/html; charset=ISO-8859-1"
    assert b'<meta charset="euc-kr">' in page.body
    assert "두동지구 스마트 물류센터 착공" in page.body.decode("cp949")
    assert "두동지구" not in page.body.decode("iso-8859-1")


def test_daegu_is_utf8(replay_server: ReplayServer) -> None:
    """Working 2026 crawlers read info.daegu.go.kr as UTF-8 (2nd edition of sources.md)."""
    page = fetch(
        replay_server,
        "info.daegu.go.kr",
        "/newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=12340",
    )
    assert page.header("Content-Type") == "text/html; charset=UTF-8"
    assert "국가로봇테스트필드" in page.body.decode("utf-8")


def test_other_sites_are_utf8(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737101")
    assert page.header("Content-Type") == "text/html; charset=UTF-8"
    assert "7.28㎢" in page.text()
