"""In replay mode the latency measured on the rewritten request reaches AutoThrottle."""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request

from zonewatch.crawlers.handler import _mapped_back, replay_url_for

REAL = "https://www.korea.kr/briefing/pressReleaseList.do?pageIndex=2"


def test_the_latency_of_the_replayed_fetch_lands_on_the_real_request() -> None:
    request = Request(REAL, meta={"download_slot": "www.korea.kr"})
    rewritten = replay_url_for(REAL, "http://127.0.0.1:8765")
    assert rewritten is not None
    target = request.replace(url=rewritten)
    target.meta["download_latency"] = 0.034
    assert "download_latency" not in request.meta  # replace() copied the meta
    response = HtmlResponse(url=target.url, request=target, body=b"<html></html>")

    mapped = _mapped_back(response, target, request)

    assert mapped.url == REAL
    assert mapped.request is request
    assert mapped.meta["download_latency"] == 0.034
    assert mapped.meta["download_slot"] == "www.korea.kr"
