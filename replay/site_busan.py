"""www.busan.go.kr — 부산광역시 press releases (보도자료); UTF-8; the text is in the PDF.

URLs
  list      /nbtnewsBU?curPage=N
  article   /nbtnewsBU/{nttNo}
  file      /comm/getFile?srvcId=BBSTY3&upperNo={nttNo}&fileTy=ATTACH&fileNo=K   (K from 1)

List markup (``.boardTextGallery a.item``; ``.writer`` is "부서 | 작성자 | 전화 | YYYY-MM-DD")::

  <div class="boardTextGallery">
  <a class="item" href="/nbtnewsBU/1678901"><p class="bTitle">TITLE</p>
    <p class="writer">DEPT | WRITER | 051-888-0000 | 2026-08-04</p>
    <div class="tgTxt"><p class="txtL">SUMMARY</p></div></a>
  …</div>

Article markup: ``dl`` pairs, then only a one-line "◈" summary; the whole release is in
the attached PDF (reportlab, CID font, text extractable)::

  <div class="boardView"><h3 class="title">TITLE</h3>
    <dl><dt>부서명</dt><dd>DEPT</dd></dl><dl><dt>작성자</dt><dd>…</dd></dl>
    <dl><dt>전화번호</dt><dd>…</dd></dl><dl><dt>작성일</dt><dd>2026-08-04</dd></dl>
    <dl><dt>조회수</dt><dd>N</dd></dl><dl><dt>부제목</dt><dd>…</dd></dl>
    <dl><dt>공공누리</dt><dd>제1유형: 출처표시</dd></dl>
    <div class="contents">◈ SUMMARY</div>
    <ul class="file"><li><a
      href="/comm/getFile?srvcId=BBSTY3&amp;upperNo=N&amp;fileTy=ATTACH&amp;fileNo=1">NAME.pdf</a>
      </li></ul></div>
"""

from __future__ import annotations

import re

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc

LIST = "/nbtnewsBU"
FILE = "/comm/getFile"
_ARTICLE = re.compile(r"/nbtnewsBU/(\d+)")


class Busan(Site):
    host = "www.busan.go.kr"
    token_style = "sid"
    entry_paths = (f"{LIST}?curPage=1",)
    chrome = Chrome(
        name="부산광역시",
        nav=(("보도자료", LIST), ("시정소식", "/news"), ("분야별 정보", "/depart")),
        address="(47545) 부산광역시 연제구 중앙대로 1001(연산동) 부산광역시청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{LIST}/{item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == LIST:
            return self.list_page(request, ctx)
        if match := _ARTICLE.fullmatch(request.path):
            return self.article(ctx, match.group(1))
        if request.path == FILE and request.arg("srvcId") == "BBSTY3":
            found = self.board.find_attachment(
                ctx.state,
                lambda item, att: (
                    item.id == request.arg("upperNo")
                    and str(att.sn + 1) == request.arg("fileNo", "1")
                ),
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("curPage"), self.page_size)
        rows = "\n".join(
            f'<a class="item" href="{LIST}/{item.id}"><p class="bTitle">{esc(item.title)}</p>'
            f'<p class="writer">{esc(item.dept)} | {esc(item.writer)} | {esc(item.phone)} | '
            f"{item.day.isoformat()}</p>"
            f'<div class="tgTxt"><p class="txtL">{esc(item.summary)}</p></div></a>'
            for item in (() if ctx.empty_list else page.items)
        )
        content = f"""<div id="contents">
<h3 class="contTitle">보도자료</h3>
<div class="{ctx.cls("boardTextGallery")}">
{rows}
</div>
{self.pagination(ctx, LIST, {}, "curPage", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        fields = (
            ("부서명", item.dept),
            ("작성자", item.writer),
            ("전화번호", item.phone),
            ("작성일", item.day.isoformat()),
            ("조회수", str(item.page_views)),
            ("부제목", item.subtitle),
            ("공공누리", "제1유형: 출처표시"),
        )
        pairs = "".join(
            f"<dl><dt>{label}</dt><dd>{esc(value)}</dd></dl>" for label, value in fields
        )
        files = "\n".join(
            f'<li><a href="{FILE}?srvcId=BBSTY3&amp;upperNo={item.id}&amp;fileTy=ATTACH'
            f'&amp;fileNo={att.sn + 1}">{esc(att.name)}</a></li>'
            for att in item.attachments
        )
        content = f"""<div id="contents">
<div class="boardView">
<h3 class="title">{esc(item.title)}</h3>
{pairs}
<div class="contents">◈ {esc(item.summary)}</div>
<ul class="file">
{files}
</ul>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
