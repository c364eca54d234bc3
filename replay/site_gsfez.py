"""www.gsfez.go.kr — 강원경제자유구역청 (GSFEZ): robots.txt disallows everything.

``sources.md`` (2nd edition): the site blocks all robots, and robots.txt must be honoured,
so the replay serves only that robots.txt (``Disallow: /``) and a front page: a crawler
that fetches anything else from it is misbehaving.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, Description, Markup
from zonewatch.replay.pages import Chrome

DESCRIPTION = Description(
    host="www.gsfez.go.kr",
    chrome=Chrome(
        name="강원경제자유구역청",
        nav=(("알림마당", "/board/notice"),),
        address="(25461) 강원특별자치도 강릉시 과학단지로 106-21 강원경제자유구역청",
    ),
    markup=Markup(list_page="", row="", article=""),
    list_route=None,
    article_route=None,
    source_board=None,
    robots="deny-all",
)


def build() -> BoardSite:
    return BoardSite(DESCRIPTION, None)
