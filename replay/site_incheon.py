"""www.incheon.go.kr — 인천광역시 press releases (menu IC010205); UTF-8.

URLs
  list      /IC010205?curPage=N
  article   /IC010205/view?repSeq=DOM_0000000014462863&repDt=2026-08-03   (repDt is ignored)
  file      /comm/fileDownload.do?fileId={20 upper-case hex digits}

List markup (``.board-blog-list ul li``)::

  <div class="board-blog-list"><ul>
  <li><a href="/IC010205/view?repSeq=DOM_0000000014462863&amp;repDt=2026-08-03">
    <strong class="subject">TITLE</strong><span class="date">2026-08-03</span></a></li></ul></div>

Article markup::

  <div class="board-view"><h3 class="board-view-title">TITLE</h3>
    <ul class="board-view-info"><li>작성일 2026-08-03</li><li>부서 DEPT</li></ul>
    <div class="board-view-content"><p>…</p></div>
    <ul class="board-view-file"><li><a href="/comm/fileDownload.do?fileId=…">NAME.hwpx</a></li>
    </ul></div>
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html

LIST = "/IC010205"
VIEW = "/IC010205/view"
FILE = "/comm/fileDownload.do"


class Incheon(Site):
    host = "www.incheon.go.kr"
    token_style = "sid"
    entry_paths = (f"{LIST}?curPage=1",)
    chrome = Chrome(
        name="인천광역시",
        nav=(("보도자료", LIST), ("인천소식", "/IC010201"), ("분야별정보", "/IC020000")),
        address="(21554) 인천광역시 남동구 정각로 29(구월동) 인천광역시청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?repSeq={item.id}&repDt={item.day.isoformat()}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == LIST:
            return self.list_page(request, ctx)
        if request.path == VIEW:
            return self.article(ctx, request.arg("repSeq"))
        if request.path == FILE:
            found = self.board.find_attachment(
                ctx.state, lambda _, att: att.key[:20].upper() == request.arg("fileId")
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("curPage"), self.page_size)
        rows = "\n".join(
            f'<li><a href="{VIEW}?repSeq={item.id}&amp;repDt={item.day.isoformat()}">'
            f'<strong class="subject">{esc(item.title)}</strong>'
            f'<span class="date">{item.day.isoformat()}</span></a></li>'
            for item in (() if ctx.empty_list else page.items)
        )
        content = f"""<div id="content">
<h3 class="content-title">보도자료</h3>
<div class="{ctx.cls("board-blog-list")}">
<ul>
{rows}
</ul>
</div>
{self.pagination(ctx, LIST, {}, "curPage", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<li><a href="{FILE}?fileId={att.key[:20].upper()}">{esc(att.name)}</a></li>'
            for att in item.attachments
        )
        content = f"""<div id="content">
<div class="board-view">
<h3 class="board-view-title">{esc(item.title)}</h3>
<ul class="board-view-info"><li>작성일 {item.day.isoformat()}</li>
<li>부서 {esc(item.dept)}</li></ul>
<div class="board-view-content">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="board-view-file">
{files}
</ul>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
