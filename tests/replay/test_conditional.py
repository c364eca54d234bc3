"""ETag / Last-Modified and 304s, within a state and across states."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from tests.testkit.replay import fetch
from zonewatch.replay.clock import state_time
from zonewatch.replay.server import ReplayServer

UNCHANGED = ("www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171801/view")
HOT = ("www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
EDITED = ("www.ifez.go.kr", "/main/pst/view.do?pst_id=noti03&pst_sn=669391")
MSS_FEED = ("www.mss.go.kr", "/rss/smba/board/86.do")
LIST = ("www.gfez.go.kr", "/bbs/content/list.do?bCd=notice&page=1")


def test_validators_and_304(replay_server: ReplayServer) -> None:
    first = fetch(replay_server, *UNCHANGED)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag is not None
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert modified == "Tue, 21 Jul 2026 01:00:00 GMT"  # the release date, 10:00 KST
    again = fetch(replay_server, *UNCHANGED, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.header("ETag") == etag
    weak = fetch(replay_server, *UNCHANGED, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status == 304
    assert fetch(replay_server, *UNCHANGED, headers={"If-Modified-Since": modified}).status == 304
    earlier = "Mon, 20 Jul 2026 00:00:00 GMT"
    assert fetch(replay_server, *UNCHANGED, headers={"If-Modified-Since": earlier}).status == 200
    stale = fetch(replay_server, *UNCHANGED, headers={"If-None-Match": '"nope"'})
    assert stale.status == 200
    assert stale.body == first.body


def test_head_has_the_same_validators(replay_server: ReplayServer) -> None:
    get = fetch(replay_server, *UNCHANGED)
    head = fetch(replay_server, *UNCHANGED, method="HEAD")
    assert head.body == b""
    assert head.header("ETag") == get.header("ETag")
    assert head.header("Content-Length") == str(len(get.body))


def test_unchanged_pages_stay_byte_identical_across_states(replay_server: ReplayServer) -> None:
    etags = {}
    for state in (0, 1, 2, 3):
        replay_server.set_state(state)
        etags[state] = {
            name: fetch(replay_server, *where).header("ETag")
            for name, where in {
                "unchanged": UNCHANGED,
                "hot": HOT,
                "edited": EDITED,
                "feed": MSS_FEED,
                "list": LIST,
            }.items()
        }
    assert len({etags[state]["unchanged"] for state in etags}) == 1
    assert len({etags[state]["hot"] for state in etags}) == 4  # its counter moves every state
    assert len({etags[state]["list"] for state in etags}) == 4  # list noise
    assert etags[0]["edited"] != etags[1]["edited"] == etags[2]["edited"] == etags[3]["edited"]
    assert etags[0]["feed"] != etags[1]["feed"] != etags[2]["feed"] == etags[3]["feed"]
    replay_server.set_state(3)
    old = fetch(replay_server, *UNCHANGED, headers={"If-None-Match": etags[0]["unchanged"] or ""})
    assert old.status == 304


def test_last_modified_says_when_the_bytes_last_changed(replay_server: ReplayServer) -> None:
    replay_server.set_state(3)
    edited = parsedate_to_datetime(fetch(replay_server, *EDITED).header("Last-Modified") or "")
    assert edited == state_time(1)
    listing = parsedate_to_datetime(fetch(replay_server, *LIST).header("Last-Modified") or "")
    assert listing == state_time(3)
    unchanged = fetch(replay_server, *UNCHANGED)
    assert unchanged.header("Last-Modified") == "Tue, 21 Jul 2026 01:00:00 GMT"
    state0 = fetch(
        replay_server, *EDITED, headers={"If-Modified-Since": "Tue, 28 Jul 2026 01:00:00 GMT"}
    )
    assert state0.status == 200


def test_files_and_feeds_are_conditional_too(replay_server: ReplayServer) -> None:
    feed = fetch(replay_server, *MSS_FEED)
    assert feed.header("Last-Modified") == "Thu, 06 Aug 2026 02:00:00 GMT"
    assert (
        fetch(replay_server, *MSS_FEED, headers={"If-None-Match": feed.header("ETag") or ""}).status
        == 304
    )
    path = "/comm/getFile?srvcId=BBSTY3&upperNo=1678930&fileTy=ATTACH&fileNo=1"
    pdf = fetch(replay_server, "www.busan.go.kr", path)
    assert (
        fetch(
            replay_server,
            "www.busan.go.kr",
            path,
            headers={"If-None-Match": pdf.header("ETag") or ""},
        ).status
        == 304
    )


def test_errors_carry_no_validators(replay_server: ReplayServer) -> None:
    missing = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/9/view")
    assert missing.status == 404
    assert missing.header("ETag") is None
