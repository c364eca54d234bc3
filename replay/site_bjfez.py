"""www.bjfez.go.kr — 부산진해경제자유구역청 (BJFEZ) press board ``B0000003``.

Encoding trap: the header lies (``Content-Type: text/html; charset=ISO-8859-1``) while the
bytes are CP949 and the page says ``<meta charset="euc-kr">``; trust the meta tag.
robots.txt has ``Crawl-delay: 5`` (changeable with ``ReplayServer.set_crawl_delay``).

URLs
  list      /portal/bbs/B0000003/list.do?pageIndex=N
  article   /portal/bbs/B0000003/view.do?nttId=N&menuNo=200066
  file      /cmm/fms/FileDown.do?atchFileId=FILE_{15 digits}&fileSn=K

List markup (``table.bbs_default.list tbody tr``); article links carry ``;jsessionid=``
(noise, changes every state)::

  <table class="bbs_default list"><tbody>
  <tr><td class="num">7</td><td class="subject">
      <a href="/portal/bbs/B0000003/view.do;jsessionid=TOKEN?nttId=12345&amp;menuNo=200066">
      TITLE</a></td><td>DEPT</td><td>2026-08-04</td><td>VIEWS</td></tr>

Article markup::

  <div class="bbs_view"><h4 class="title">TITLE</h4>
    <ul class="view_info"><li><span>작성일</span> 2026-08-04</li>
      <li><span>부서</span> DEPT</li></ul>
    <div class="view_cont"><p>…</p></div>
    <ul class="file_list"><li>
      <a href="/cmm/fms/FileDown.do?atchFileId=FILE_…&amp;fileSn=0">NAME.pdf</a></li></ul></div>
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Charset, Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html
from zonewatch.replay.site_ifez import atch_file_id

BASE = "/portal/bbs/B0000003"
FILE = "/cmm/fms/FileDown.do"
MENU = "200066"
LYING_CHARSET = Charset("cp949", "text/html; charset=ISO-8859-1", '<meta charset="euc-kr">')


class Bjfez(Site):
    host = "www.bjfez.go.kr"
    charset = LYING_CHARSET
    crawl_delay = 5.0
    entry_paths = (f"{BASE}/list.do?pageIndex=1",)
    chrome = Chrome(
        name="부산진해경제자유구역청",
        nav=(
            ("보도자료", f"{BASE}/list.do"),
            ("투자환경", "/portal/contents.do?menuNo=200010"),
            ("청 소개", "/portal/contents.do?menuNo=200001"),
        ),
        address="(46726) 부산광역시 강서구 녹산산단321로 24-7 부산진해경제자유구역청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{BASE}/view.do?nttId={item.id}&menuNo={MENU}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == f"{BASE}/list.do":
            return self.list_page(request, ctx)
        if request.path == f"{BASE}/view.do":
            return self.article(ctx, request.arg("nttId"))
        if request.path == FILE:
            found = self.board.find_attachment(
                ctx.state,
                lambda item, att: (
                    atch_file_id(self.host, item.id) == request.arg("atchFileId")
                    and str(att.sn) == request.arg("fileSn", "0")
                ),
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("pageIndex"), self.page_size)
        rows = "\n".join(
            f'<tr><td class="num">{page.row_number(index)}</td><td class="subject">'
            f'<a href="{esc(self.link(f"{BASE}/view.do?nttId={item.id}&menuNo={MENU}", ctx))}">'
            f"{esc(item.title)}</a></td><td>{esc(item.dept)}</td>"
            f"<td>{item.day.isoformat()}</td><td>{item.list_views}</td></tr>"
            for index, item in enumerate(() if ctx.empty_list else page.items)
        )
        content = f"""<div id="contents">
<h3 class="sub_tit">보도자료</h3>
<table class="bbs_default {ctx.cls("list")}">
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>부서</th><th>작성일</th><th>조회</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{self.pagination(ctx, f"{BASE}/list.do", {}, "pageIndex", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        file_id = atch_file_id(self.host, item.id)
        files = "\n".join(
            f'<li><a href="{FILE}?atchFileId={file_id}&amp;fileSn={att.sn}">'
            f"{esc(att.name)}</a></li>"
            for att in item.attachments
        )
        content = f"""<div id="contents">
<div class="bbs_view">
<h4 class="title">{esc(item.title)}</h4>
<ul class="view_info"><li><span>작성일</span> {item.day.isoformat()}</li>
<li><span>부서</span> {esc(item.dept)}</li></ul>
<div class="view_cont">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="file_list">
{files}
</ul>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
