"""www.ifez.go.kr — 인천경제자유구역청 (IFEZ) press board ``noti03``; served as EUC-KR.

The header says ``text/html; charset=EUC-KR`` and the page has an EUC-KR meta tag, but the
bytes are CP949 (the Windows superset): one release contains 똠 (``똠얌꿍``), which strict
EUC-KR cannot decode. Decode with ``cp949``.

URLs
  list      /main/pst/list.do?pst_id=noti03&page=N
  article   /main/pst/view.do?pst_id=noti03&pst_sn=N
  file      /cmm/fms/FileDown.do?atchFileId=FILE_{15 digits}&fileSn=K

List markup (``#real_contents … table tbody tr``; title in the 3rd cell's link, date
YYYY.MM.DD in the 5th)::

  <div id="real_contents"><div class="board"><table><tbody>
  <tr><td>12</td><td>보도자료</td>
      <td class="subject"><a href="/main/pst/view.do?pst_id=noti03&amp;pst_sn=669391">TITLE</a></td>
      <td>바이오헬스과</td><td>2026.08.05</td><td>VIEWS</td></tr>

Article markup; the body is HTML exported from HWP, numbers split across spans
(``<span>59</span><span>7억 원</span>`` reads 597억 원 once the text is joined)::

  <div class="board-view"><h3 class="title">TITLE</h3>
    <ul class="info"><li>작성일 2026.08.05</li><li>부서 DEPT</li></ul>
    <div class="view-content"><p class="HStyle0"><span style="…">…</span>…</p>…</div>
    <div class="file"><a href="/cmm/fms/FileDown.do?atchFileId=FILE_…&amp;fileSn=0">NAME.hwpx</a>
    </div></div>
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item, digest, number_from
from zonewatch.replay.messages import EUC_KR, Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, hwp_export_html

LIST = "/main/pst/list.do"
VIEW = "/main/pst/view.do"
FILE = "/cmm/fms/FileDown.do"
BOARD_ID = "noti03"


def atch_file_id(host: str, item_id: str) -> str:
    return f"FILE_{number_from(digest(host, item_id), 15)}"


class Ifez(Site):
    host = "www.ifez.go.kr"
    charset = EUC_KR
    entry_paths = (f"{LIST}?pst_id={BOARD_ID}&page=1",)
    chrome = Chrome(
        name="인천경제자유구역청",
        nav=(
            ("보도자료", f"{LIST}?pst_id={BOARD_ID}"),
            ("투자안내", "/main/content/invest.do"),
            ("IFEZ 소개", "/main/content/intro.do"),
        ),
        address="(22004) 인천광역시 연수구 센트럴로 263 G-Tower 인천경제자유구역청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?pst_id={BOARD_ID}&pst_sn={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        on_board = request.arg("pst_id") == BOARD_ID
        if request.path == LIST and on_board:
            return self.list_page(request, ctx)
        if request.path == VIEW and on_board:
            return self.article(ctx, request.arg("pst_sn"))
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
        page = self.board.page(ctx.state, request.page_number("page"), self.page_size)
        rows = "\n".join(
            f"<tr><td>{page.row_number(index)}</td><td>{esc(item.category)}</td>"
            f'<td class="subject"><a href="{VIEW}?pst_id={BOARD_ID}&amp;pst_sn={item.id}">'
            f"{esc(item.title)}</a></td><td>{esc(item.dept)}</td>"
            f"<td>{item.day.strftime('%Y.%m.%d')}</td><td>{item.list_views}</td></tr>"
            for index, item in enumerate(() if ctx.empty_list else page.items)
        )
        content = f"""<div id="real_contents">
<h3 class="con_tit">보도자료</h3>
<div class="{ctx.cls("board")}">
<table>
<caption>보도자료 게시판</caption>
<thead><tr><th>번호</th><th>분류</th><th>제목</th><th>부서</th><th>작성일</th><th>조회</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</div>
{self.pagination(ctx, LIST, {"pst_id": BOARD_ID}, "page", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        file_id = atch_file_id(self.host, item.id)
        files = "\n".join(
            f'<a href="{FILE}?atchFileId={file_id}&amp;fileSn={att.sn}">{esc(att.name)}</a>'
            for att in item.attachments
        )
        content = f"""<div id="real_contents">
<div class="board-view">
<h3 class="title">{esc(item.title)}</h3>
<ul class="info"><li>작성일 {item.day.strftime("%Y.%m.%d")}</li><li>부서 {esc(item.dept)}</li></ul>
<div class="view-content">
{hwp_export_html(item.paragraphs)}
</div>
<div class="file">{files}</div>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
