"""www.kicox.or.kr — 한국산업단지공단 (KICOX) press board 1016; UTF-8.

URLs
  list      /boardList/1016?pageIndex=N        (other board numbers: 404)
  article   /boardDetail/1016?bbsSeq=N
  file      /fileDownload?fileSeq=N

List markup (``ul.board-list li a``); article links carry ``&sid=`` (noise, changes every
state; drop it to get the identity URL)::

  <ul class="board-list">
  <li><a href="/boardDetail/1016?bbsSeq=49636&amp;sid=TOKEN"><p class="subject">TITLE</p>
    <span class="date">2026-08-03</span></a></li>

Article markup::

  <div class="board-detail"><h3 class="subject">TITLE</h3><span class="date">2026-08-03</span>
    <div class="content"><p>…</p></div>
    <ul class="files"><li><a href="/fileDownload?fileSeq=987">NAME.hwpx</a></li></ul></div>
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item, number_from
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html

BOARD_ID = "1016"
LIST = f"/boardList/{BOARD_ID}"
DETAIL = f"/boardDetail/{BOARD_ID}"
FILE = "/fileDownload"


class Kicox(Site):
    host = "www.kicox.or.kr"
    token_style = "sid"
    entry_paths = (f"{LIST}?pageIndex=1",)
    chrome = Chrome(
        name="한국산업단지공단",
        nav=(
            ("보도자료", LIST),
            ("산업단지 현황", "/contents/complex"),
            ("클러스터", "/contents/cluster"),
        ),
        address="(39247) 경상북도 김천시 혁신8로 14 한국산업단지공단",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{DETAIL}?bbsSeq={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == LIST:
            return self.list_page(request, ctx)
        if request.path == DETAIL:
            return self.article(ctx, request.arg("bbsSeq"))
        if request.path == FILE:
            found = self.board.find_attachment(
                ctx.state, lambda _, att: str(number_from(att.key, 6)) == request.arg("fileSeq")
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("pageIndex"), self.page_size)
        rows = "\n".join(
            f'<li><a href="{esc(self.link(f"{DETAIL}?bbsSeq={item.id}", ctx))}">'
            f'<p class="subject">{esc(item.title)}</p>'
            f'<span class="date">{item.day.isoformat()}</span></a></li>'
            for item in (() if ctx.empty_list else page.items)
        )
        content = f"""<div class="sub-container">
<h3 class="page-title">보도자료</h3>
<ul class="{ctx.cls("board-list")}">
{rows}
</ul>
{self.pagination(ctx, LIST, {}, "pageIndex", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<li><a href="{FILE}?fileSeq={number_from(att.key, 6)}">{esc(att.name)}</a></li>'
            for att in item.attachments
        )
        content = f"""<div class="sub-container">
<div class="board-detail">
<h3 class="subject">{esc(item.title)}</h3>
<span class="date">{item.day.isoformat()}</span>
<div class="content">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="files">
{files}
</ul>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
