"""www.gfez.go.kr — 광양만권경제자유구역청 (GFEZ) notices board ``bCd=notice``; UTF-8.

URLs
  list      /bbs/content/list.do?bCd=notice&page=N     (other bCd: 404)
  article   /bbs/content/view.do?bCd=notice&seq=N
  file      /bbs/content/download.do?bCd=notice&seq=N&fileNo=K   (K from 1)

List markup (``table.tbl_list tbody tr``)::

  <table class="tbl_list"><tbody>
  <tr><td>6</td><td class="tit"><a href="/bbs/content/view.do?bCd=notice&amp;seq=321">TITLE</a></td>
      <td>2026-08-03</td><td>VIEWS</td></tr>

Article markup::

  <div class="view_wrap"><h3 class="view_tit">TITLE</h3>
    <div class="view_info"><span class="date">2026-08-03</span></div>
    <div class="view_con"><p>…</p></div>
    <div class="view_file">
      <a href="/bbs/content/download.do?bCd=notice&amp;seq=321&amp;fileNo=1">NAME.pdf</a>
    </div></div>

Noise: view counters, footer date, banners, ``;jsessionid=`` on navigation/pagination links.
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html

BASE = "/bbs/content"
BOARD_ID = "notice"


class Gfez(Site):
    host = "www.gfez.go.kr"
    entry_paths = (f"{BASE}/list.do?bCd={BOARD_ID}&page=1",)
    chrome = Chrome(
        name="광양만권경제자유구역청",
        nav=(
            ("공지사항", f"{BASE}/list.do?bCd={BOARD_ID}"),
            ("투자정보", "/contents/invest.do"),
            ("지구 안내", "/contents/district.do"),
        ),
        address="(57764) 전라남도 광양시 광양읍 인덕로 1100 광양만권경제자유구역청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{BASE}/view.do?bCd={BOARD_ID}&seq={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        on_board = request.arg("bCd") == BOARD_ID
        if request.path == f"{BASE}/list.do" and on_board:
            return self.list_page(request, ctx)
        if request.path == f"{BASE}/view.do" and on_board:
            return self.article(ctx, request.arg("seq"))
        if request.path == f"{BASE}/download.do" and on_board:
            found = self.board.find_attachment(
                ctx.state,
                lambda item, att: (
                    item.id == request.arg("seq") and str(att.sn + 1) == request.arg("fileNo", "1")
                ),
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("page"), self.page_size)
        rows = "\n".join(
            f'<tr><td>{page.row_number(index)}</td><td class="tit">'
            f'<a href="{BASE}/view.do?bCd={BOARD_ID}&amp;seq={item.id}">{esc(item.title)}</a>'
            f"</td><td>{item.day.isoformat()}</td><td>{item.list_views}</td></tr>"
            for index, item in enumerate(() if ctx.empty_list else page.items)
        )
        content = f"""<div class="content">
<h3 class="cont_tit">공지사항</h3>
<table class="{ctx.cls("tbl_list")}">
<caption>공지사항 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>등록일</th><th>조회수</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{self.pagination(ctx, f"{BASE}/list.do", {"bCd": BOARD_ID}, "page", page)}
</div>"""
        return self.render(ctx, "공지사항", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<a href="{BASE}/download.do?bCd={BOARD_ID}&amp;seq={item.id}'
            f'&amp;fileNo={att.sn + 1}">'
            f"{esc(att.name)}</a>"
            for att in item.attachments
        )
        content = f"""<div class="content">
<div class="view_wrap">
<h3 class="view_tit">{esc(item.title)}</h3>
<div class="view_info"><span class="date">{item.day.isoformat()}</span></div>
<div class="view_con">
{paragraphs_html(item.paragraphs)}
</div>
<div class="view_file">{files}</div>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
