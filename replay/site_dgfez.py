"""www.dgfez.go.kr — 대구경북경제자유구역청 (DGFEZ) press board; UTF-8; articles only by POST.

URLs
  list      /bbs/boardList.do?menuCd=DOM_000000302001000000&pageIndex=N
  article   POST /bbs/boardView.do with form fields menuCd and seq  (GET → 405, Allow: POST;
            unknown seq → 404)
  file      /bbs/fileDown.do?seq=N&fileSn=K   (K from 1)

List markup (``table.board_list tbody tr``); the link is JavaScript that fills and submits
``form#viewForm``, so a spider POSTs ``menuCd`` and ``seq`` itself::

  <table class="board_list"><tbody>
  <tr><td>6</td><td class="title"><a href="javascript:fn_view('4321');">TITLE</a></td>
      <td>2026.08.03</td></tr>
  </tbody></table>
  <form id="viewForm" method="post" action="/bbs/boardView.do">
    <input type="hidden" name="menuCd" value="DOM_000000302001000000">
    <input type="hidden" name="seq" value=""></form>

Article markup::

  <div class="board_view"><h4 class="tit">TITLE</h4><p class="date">2026.08.03</p>
    <div class="view_txt"><p>…</p></div>
    <ul class="file"><li><a href="/bbs/fileDown.do?seq=4321&amp;fileSn=1">NAME.pdf</a></li>
    </ul></div>

The timeline's identity URL for an article is
``https://www.dgfez.go.kr/bbs/boardView.do?menuCd=DOM_000000302001000000&seq=N``.
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response, method_not_allowed
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html

MENU = "DOM_000000302001000000"
LIST = "/bbs/boardList.do"
VIEW = "/bbs/boardView.do"
FILE = "/bbs/fileDown.do"


class Dgfez(Site):
    host = "www.dgfez.go.kr"
    entry_paths = (f"{LIST}?menuCd={MENU}&pageIndex=1",)
    chrome = Chrome(
        name="대구경북경제자유구역청",
        nav=(
            ("보도자료", f"{LIST}?menuCd={MENU}"),
            ("지구 현황", "/contents/district.do"),
            ("투자 안내", "/contents/invest.do"),
        ),
        address="(42700) 대구광역시 달서구 성서공단로 11길 32 대구경북경제자유구역청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?menuCd={MENU}&seq={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == LIST:
            return self.list_page(request, ctx)
        if request.path == VIEW:
            if request.method != "POST":
                return method_not_allowed("POST")
            if request.form.get("menuCd") != MENU:
                return self.not_found(ctx)
            return self.article(ctx, request.form.get("seq", ""))
        if request.path == FILE:
            found = self.board.find_attachment(
                ctx.state,
                lambda item, att: (
                    item.id == request.arg("seq") and str(att.sn + 1) == request.arg("fileSn", "1")
                ),
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("pageIndex"), self.page_size)
        rows = "\n".join(
            f'<tr><td>{page.row_number(index)}</td><td class="title">'
            f"<a href=\"javascript:fn_view('{item.id}');\">{esc(item.title)}</a></td>"
            f"<td>{item.day.strftime('%Y.%m.%d')}</td></tr>"
            for index, item in enumerate(() if ctx.empty_list else page.items)
        )
        content = f"""<div id="content">
<h3 class="title">보도자료</h3>
<table class="{ctx.cls("board_list")}">
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>등록일</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{self.pagination(ctx, LIST, {"menuCd": MENU}, "pageIndex", page)}
<form id="viewForm" method="post" action="{VIEW}">
<input type="hidden" name="menuCd" value="{MENU}"><input type="hidden" name="seq" value="">
</form>
<script>
function fn_view(seq) {{
  var f = document.getElementById('viewForm'); f.seq.value = seq; f.submit();
}}
</script>
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<li><a href="{FILE}?seq={item.id}&amp;fileSn={att.sn + 1}">{esc(att.name)}</a></li>'
            for att in item.attachments
        )
        content = f"""<div id="content">
<div class="board_view">
<h4 class="tit">{esc(item.title)}</h4>
<p class="date">{item.day.strftime("%Y.%m.%d")}</p>
<div class="view_txt">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="file">
{files}
</ul>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
