"""www.motir.go.kr — 산업통상부 (MOTIR) press board ``ATCL3f49a5a8c``; UTF-8.

URLs
  list      /kor/article/ATCL3f49a5a8c?pageIndex=N  (also rowPageC=page size,
            searchKeyword=words in the title, startDtD/endDtD=YYYY-MM-DD)
  article   /kor/article/ATCL3f49a5a8c/{id}/view
  file      /attach/down/{h1}/{h2}/{h3}             (h1..h3: 12, 12 and 16 hex digits)
  preview   /attach/viewer/{h1}/{h2}/{h3}           (HTML, not the file)
  error     /error/500                              (200, an HTML error page: what the
                                                     quirk's redirect lands on)
  robots    Disallow: /kor/member/

List markup (``table.board-list tbody tr``)::

  <table class="board-list"><tbody>
  <tr><td class="num">13</td>
      <td class="subject"><a href="javascript:article.view('171830');"><i>TITLE</i></a></td>
      <td class="dept">입지총괄과</td><td>2026-08-05</td><td class="hit">532</td></tr>

Article markup::

  <div class="view-head"><h3 class="title">TITLE</h3><ul class="info">
    <li>담당부서 <span>DEPT</span></li><li>등록일 <span>YYYY-MM-DD</span></li>
    <li>조회 <span>N</span></li></ul></div>
  <div class="view-cont"><p>…</p>…</div>
  <div class="detail-info"><ul><li class="info-down">
    <a href="javascript:location.href='/attach/down/{h1}/{h2}/{h3}'">
      2026-571_NAME(산업통상부).pdf [47.9 KB]</a>
    <a href="/attach/viewer/{h1}/{h2}/{h3}">미리보기</a></li></ul></div>

Releases marked ``body_in_attachment`` have only a pointer to the file in ``.view-cont``
(the text is in the HWP attachment). Noise: the list's ``td.hit`` counters, footer date,
banner order and ``sid=`` tokens on navigation/pagination links. Under the ``quirks``
fault: every second request is reset; one in four downloads is a 302 to ``/error/500``.
"""

from __future__ import annotations

import re
import zlib
from datetime import date

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import RESET, Request, Response, redirect
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html, size_label

BOARD = "/kor/article/ATCL3f49a5a8c"
_VIEW = re.compile(r"/kor/article/ATCL3f49a5a8c/(\d+)/view")
_FILE = re.compile(r"/attach/(down|viewer)/([0-9a-f]{12})/([0-9a-f]{12})/([0-9a-f]{16})")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class Motir(Site):
    host = "www.motir.go.kr"
    token_style = "sid"
    robots_disallow = ("/kor/member/",)
    entry_paths = (f"{BOARD}?pageIndex=1",)
    chrome = Chrome(
        name="산업통상부",
        nav=(
            ("보도·참고자료", BOARD),
            ("정책정보", "/kor/contents/policy"),
            ("알림·소식", "/kor/contents/news"),
        ),
        address="(30118) 세종특별자치시 한누리대로 402 정부세종청사 13동 산업통상부",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{BOARD}/{item.id}/view"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == BOARD:
            return self.list_page(request, ctx)
        if match := _VIEW.fullmatch(request.path):
            return self.article(ctx, match.group(1))
        if match := _FILE.fullmatch(request.path):
            key = "".join(match.groups()[1:])
            found = self.board.find_attachment(ctx.state, lambda _, att: att.key == key)
            if found is None:
                return self.not_found(ctx)
            item, attachment = found
            if match.group(1) == "viewer":
                return self.viewer(ctx, attachment)
            return self.file(item, attachment)
        if request.path == "/error/500":
            content = (
                '<div class="error"><h2>시스템 오류</h2><p>잠시 후 다시 시도해 주십시오.</p></div>'
            )
            return self.render(ctx, "오류", content, kind="error")
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    @property
    def redirected_once(self) -> set[str]:
        """Downloads already sent to /error/500: asking again gets the file, as on the site."""
        if not hasattr(self, "_redirected_once"):
            self._redirected_once: set[str] = set()
        return self._redirected_once

    def quirk(self, request: Request, count: int) -> Response | None:
        if count % 2 == 1:
            return RESET
        path = request.path
        first_time = path not in self.redirected_once
        if path.startswith("/attach/down/") and _one_in_four(path) and first_time:
            self.redirected_once.add(path)
            return redirect("/error/500")
        return None

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        keyword = request.arg("searchKeyword").strip()
        start, end = _day(request.arg("startDtD")), _day(request.arg("endDtD"))
        try:
            size = min(100, max(1, int(request.arg("rowPageC", str(self.page_size)))))
        except ValueError:
            size = self.page_size

        def keep(item: Item) -> bool:
            return (
                (not keyword or keyword in item.title)
                and (start is None or start <= item.day)
                and (end is None or item.day <= end)
            )

        page = self.board.page(ctx.state, request.page_number("pageIndex"), size, keep)
        rows = (
            ""
            if ctx.empty_list
            else "\n".join(
                f'<tr><td class="num">{page.row_number(index)}</td>'
                f'<td class="subject"><a href="javascript:article.view(\'{item.id}\');">'
                f"<i>{esc(item.title)}</i></a></td>"
                f'<td class="dept">{esc(item.dept)}</td><td>{item.day.isoformat()}</td>'
                f'<td class="hit">{item.list_views}</td></tr>'
                for index, item in enumerate(page.items)
            )
        )
        params = {"searchKeyword": keyword} if keyword else {}
        content = f"""<div class="sub-content">
<h2 class="page-title">보도·참고자료</h2>
<form id="searchForm" action="{BOARD}" method="get">
<input type="text" name="searchKeyword" value="{esc(keyword)}" title="검색어">
<button type="submit">검색</button></form>
<p class="total">전체 <strong>{0 if ctx.empty_list else page.total}</strong>건</p>
<table class="{ctx.cls("board-list")}">
<caption>보도·참고자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>등록일</th><th>조회</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{self.pagination(ctx, BOARD, params, "pageIndex", page)}
</div>"""
        return self.render(ctx, "보도·참고자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<li class="info-down"><a href="javascript:location.href='
            f"'/attach/down/{att.key[:12]}/{att.key[12:24]}/{att.key[24:40]}'\">"
            f"{esc(att.name)} [{size_label(len(att.data))}]</a> "
            f'<a href="/attach/viewer/{att.key[:12]}/{att.key[12:24]}/{att.key[24:40]}">'
            "미리보기</a></li>"
            for att in item.attachments
        )
        body = (
            "<p>본 보도자료는 첨부파일을 참고하시기 바랍니다.</p>"
            if item.body_in_attachment
            else paragraphs_html(item.paragraphs)
        )
        content = f"""<div class="sub-content">
<h2 class="page-title">보도·참고자료</h2>
<div class="board-view">
<div class="view-head"><h3 class="title">{esc(item.title)}</h3><ul class="info">
<li>담당부서 <span>{esc(item.dept)}</span></li><li>등록일 <span>{item.day.isoformat()}</span></li>
<li>조회 <span>{item.page_views}</span></li></ul></div>
<div class="view-cont">
{body}
</div>
<div class="detail-info"><ul>
{files}
</ul></div>
<div class="btn-area"><a class="btn-list" href="{BOARD}">목록</a></div>
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)


def _one_in_four(path: str) -> bool:
    return zlib.crc32(path.encode()) % 4 == 0
