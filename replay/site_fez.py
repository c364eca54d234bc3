"""www.fez.go.kr — KFEZ PR Center (경제자유구역 홍보센터) news, Korean and English; UTF-8.

``sources.md`` (2nd edition): no public record of its URLs or markup was found, so all of
this is **unverified** (the previous eGovFrame-like shape); the spiders keep it configured
and loud when it fails.

URLs ({lang} is ``ko`` or ``en``)
  list      /portal/{lang}/bbs/news/list.do?page=N
  article   /portal/{lang}/bbs/news/view.do?nttId=N
  file      /portal/cmm/fms/FileDown.do?atchFileId=FILE_{15 digits}&fileSn=K

List ``ul.news-list li a`` (with ``;jsessionid=``), ``strong.tit``, ``span.date``
(``YYYY.MM.DD``); article ``div.bbs-view h4.tit``, ``dl.info`` (``dt``/``dd``: 등록일 and
조회수, in English Registered and Views), ``div.cont``, ``ul.attach li a``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zonewatch.replay.board import (
    BoardSite,
    BoardSource,
    Description,
    Files,
    Markup,
    Route,
    Source,
)
from zonewatch.replay.content import Attachment, Catalog, Item, Page, digest, number_from
from zonewatch.replay.messages import Request
from zonewatch.replay.pages import BANNERS_EN, Chrome, Ctx

LIST_PAGE = """<div class="sub-cont">
<h3 class="sub-tit">$heading</h3>
<ul class="news-list$renewal">
$rows
</ul>
$pager
</div>"""

ROW = """<li><a href="$href_token"><strong class="tit">$title</strong>
<span class="date">$date</span></a></li>"""

ARTICLE = """<div class="sub-cont">
<div class="bbs-view">
<h4 class="tit">$title</h4>
<dl class="info"><dt>$registered</dt><dd>$iso</dd><dt>$views_label</dt><dd>$views</dd></dl>
<div class="cont">
$body
</div>
<ul class="attach">
$files
</ul>
</div>
</div>"""

CHROME_EN = Chrome(
    name="KFEZ PR Center",
    nav=(
        ("News", "/portal/en/bbs/news/list.do"),
        ("About KFEZ", "/portal/en/contents/intro.do"),
        ("한국어", "/portal/ko/bbs/news/list.do"),
    ),
    address="402 Hannuri-daero, Sejong 30118, Republic of Korea",
    lang="en",
    banners=BANNERS_EN,
    today_label="Today",
    skip="Skip to content",
)

DESCRIPTION = Description(
    host="www.fez.go.kr",
    chrome=Chrome(
        name="경제자유구역 홍보센터",
        nav=(
            ("뉴스", "/portal/ko/bbs/news/list.do"),
            ("경제자유구역 소개", "/portal/ko/contents/intro.do"),
            ("English", "/portal/en/bbs/news/list.do"),
        ),
        address="(30118) 세종특별자치시 한누리대로 402 산업통상부 경제자유구역기획단",
    ),
    markup=Markup(list_page=LIST_PAGE, row=ROW, article=ARTICLE),
    list_route=Route("/portal/{board}/bbs/news/list.do?page={page}"),
    article_route=Route("/portal/{board}/bbs/news/view.do?nttId={id}"),
    files=Files(
        download=Route("/portal/cmm/fms/FileDown.do?atchFileId={afid}&fileSn={sn}"),
        values=lambda item, att: {
            "afid": f"FILE_{number_from(digest(item.host, item.board, item.id), 15)}",
            "sn": str(att.sn),
        },
    ),
    token_style="jsessionid",
    date_format="%Y.%m.%d",
    heading="뉴스",
    extra_entry_paths=("/portal/en/bbs/news/list.do?page=1",),
)
LABELS = {
    "ko": {"registered": "등록일", "views_label": "조회수", "heading": "뉴스"},
    "en": {"registered": "Registered", "views_label": "Views", "heading": "News"},
}


class _Both:
    """Both language boards, for the download route (which does not name the language)."""

    def __init__(self, sources: Mapping[str, BoardSource]) -> None:
        self.sources = sources

    def page(self, state: int, number: int, size: int, request: Request) -> Page:
        return self.sources["ko"].page(state, number, size, request)

    def item(self, state: int, item_id: str) -> Item | None:
        return self.sources["ko"].item(state, item_id)

    def pairs(self, state: int) -> Iterable[tuple[Item, Attachment]]:
        for source in self.sources.values():
            yield from source.pairs(state)


class Fez(BoardSite):
    """Two boards (ko, en) behind one description: the language picks board and chrome."""

    def __init__(self, catalog: Catalog) -> None:
        self.boards = {lang: BoardSource(catalog.board(DESCRIPTION.host, lang)) for lang in LABELS}
        super().__init__(DESCRIPTION, _Both(self.boards))
        self.entry_paths = tuple(f"/portal/{lang}/bbs/news/list.do?page=1" for lang in LABELS)

    def source_for(self, captured: Mapping[str, str]) -> Source | None:
        board = captured.get("board")
        return self.source if board is None else self.boards.get(board)

    def chrome_for(self, captured: Mapping[str, str]) -> Chrome:
        return CHROME_EN if captured.get("board") == "en" else self.chrome

    def item_values(self, item: Item, ctx: Ctx) -> dict[str, str]:
        return {**super().item_values(item, ctx), **LABELS[item.board]}

    def list_values(
        self, request: Request, ctx: Ctx, captured: Mapping[str, str]
    ) -> dict[str, str]:
        return {"heading": LABELS.get(captured.get("board", ""), LABELS["ko"])["heading"]}


def build(catalog: Catalog) -> BoardSite:
    return Fez(catalog)
