"""www.mss.go.kr — 중소벤처기업부 (MSS) press board ``cbIdx=86`` and its RSS feed; UTF-8.

URLs
  list      /site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=N   (other cbIdx: 404)
  article   /site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=N
  file      /common/board/Download.do?bcIdx=N&cbIdx=86&streFileNm={uuid}.{ext}
  preview   /common/viewer.do?atchFileId={uuid}&bcIdx=N   (HTML; skip it)
  feed      /rss/smba/board/86.do  (RSS 2.0, UTF-8, ETag/Last-Modified, 304)

List markup (``#contents_inner > div > table > tbody > tr``; dept 3rd cell, writer 4th,
date 5th as YYYY.MM.DD)::

  <div id="contents_inner"><div><table><tbody>
  <tr><td>11</td><td class="subject"><a href="#"
      onclick="doBbsFView('86','1070026','16010100','1070026');return false;">TITLE</a></td>
    <td>DEPT</td><td>WRITER</td><td>2026.08.06</td>
    <td class="attached-files"><a
      href="/common/board/Download.do?bcIdx=1070026&amp;cbIdx=86&amp;streFileNm={uuid}.hwpx">
      file</a></td></tr>

Article markup::

  <div class="board_view"><h3 class="title">TITLE</h3><p class="period">2026.08.06</p>
    <p class="dept">DEPT</p><div class="view_cont"><p>…</p></div>
    <ul class="file_list"><li><span class="name">NAME.hwpx [1.2 MB]</span>
      <span class="link"><a href="/common/board/Download.do?…">다운로드</a>
      <a href="/common/viewer.do?…">바로보기</a></span></li></ul></div>

Feed items: ``title``, ``link`` (https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=N),
``description`` (an escaped HTML summary) and ``pubDate`` in the quirky zone-less form
``2026-08-06 00:00:00.0`` (KST). The feed has no noise: it changes only with its items.
Withdrawn releases leave the list and the feed, and their pages answer 404.
"""

from __future__ import annotations

import uuid
from email.utils import format_datetime
from xml.sax.saxutils import escape

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response, xml_document
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html, size_label

LIST = "/site/smba/ex/bbs/List.do"
VIEW = "/site/smba/ex/bbs/View.do"
DOWNLOAD = "/common/board/Download.do"
VIEWER = "/common/viewer.do"
FEED = "/rss/smba/board/86.do"
BOARD_ID = "86"


def file_uuid(key: str) -> str:
    return str(uuid.UUID(key[:32]))


def stored_name(key: str, name: str) -> str:
    """The server-side file name the board stores a file under: a UUID plus the extension."""
    return f"{file_uuid(key)}.{name.rsplit('.', 1)[-1].lower()}"


class Mss(Site):
    host = "www.mss.go.kr"
    entry_paths = (f"{LIST}?cbIdx=86&pageIndex=1", FEED)
    chrome = Chrome(
        name="중소벤처기업부",
        nav=(
            ("보도자료", f"{LIST}?cbIdx=86"),
            ("사업공고", f"{LIST}?cbIdx=310"),
            ("RSS", FEED),
        ),
        address="(30121) 세종특별자치시 가름로 180 중소벤처기업부",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?cbIdx={BOARD_ID}&bcIdx={item.id}"

    def download_href(self, item: Item, key: str, name: str) -> str:
        return f"{DOWNLOAD}?bcIdx={item.id}&cbIdx={BOARD_ID}&streFileNm={stored_name(key, name)}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        board_ok = request.arg("cbIdx") == BOARD_ID
        if request.path == LIST and board_ok:
            return self.list_page(request, ctx)
        if request.path == VIEW and board_ok:
            return self.article(ctx, request.arg("bcIdx"))
        if request.path == DOWNLOAD:
            found = self.board.find_attachment(
                ctx.state,
                lambda item, att: (
                    item.id == request.arg("bcIdx")
                    and stored_name(att.key, att.name) == request.arg("streFileNm")
                ),
            )
            return self.not_found(ctx) if found is None else self.file(*found)
        if request.path == VIEWER:
            found = self.board.find_attachment(
                ctx.state, lambda _, att: file_uuid(att.key) == request.arg("atchFileId")
            )
            return self.not_found(ctx) if found is None else self.viewer(ctx, found[1])
        if request.path == FEED:
            return self.feed(ctx)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("pageIndex"), self.page_size)
        rows = []
        for index, item in enumerate(() if ctx.empty_list else page.items):
            files = "".join(
                f'<a href="{esc(self.download_href(item, att.key, att.name))}">file</a>'
                for att in item.attachments
            )
            rows.append(
                f"<tr><td>{page.row_number(index)}</td>"
                f'<td class="subject"><a href="#" onclick="doBbsFView(\'{BOARD_ID}\',\'{item.id}\','
                f"'16010100','{item.id}');return false;\">{esc(item.title)}</a></td>"
                f"<td>{esc(item.dept)}</td><td>{esc(item.writer)}</td>"
                f"<td>{item.day.strftime('%Y.%m.%d')}</td>"
                f'<td class="attached-files">{files}</td></tr>'
            )
        content = f"""<div id="contents_inner">
<div class="{ctx.cls("board_list")}">
<table>
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>작성자</th><th>등록일</th><th>첨부</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</div>
{self.pagination(ctx, LIST, {"cbIdx": BOARD_ID}, "pageIndex", page)}
<form name="viewForm" method="post" action="{VIEW}">
<input type="hidden" name="cbIdx" value="{BOARD_ID}"></form>
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        files = "\n".join(
            f'<li><span class="name">{esc(att.name)} [{size_label(len(att.data))}]</span>'
            f'<span class="link"><a href="{esc(self.download_href(item, att.key, att.name))}">'
            f"다운로드</a> "
            f'<a href="{VIEWER}?atchFileId={file_uuid(att.key)}&amp;bcIdx={item.id}">'
            "바로보기</a></span></li>"
            for att in item.attachments
        )
        content = f"""<div id="contents_inner">
<div class="board_view">
<h3 class="title">{esc(item.title)}</h3>
<p class="period">{item.day.strftime("%Y.%m.%d")}</p>
<p class="dept">{esc(item.dept)}</p>
<div class="view_cont">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="file_list">
{files}
</ul>
</div>
<div class="btn_area"><a href="{LIST}?cbIdx={BOARD_ID}" class="btn_list">목록</a></div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)

    def feed(self, ctx: Ctx) -> Response:
        items = self.board.items(ctx.state)
        entries = "\n".join(
            f"<item><title>{escape(item.title)}</title>"
            f"<link>{escape(self.article_url(item))}</link>"
            f"<description>{escape(f'<p>{esc(item.summary)}</p>')}</description>"
            f"<pubDate>{item.day.isoformat()} 00:00:00.0</pubDate></item>"
            for item in items[:20]
        )
        newest = max((item.modified for item in items), default=None)
        built = format_datetime(newest) if newest else ""
        text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>중소벤처기업부 보도자료</title>
<link>{self.origin}{LIST}?cbIdx={BOARD_ID}</link>
<description>중소벤처기업부 보도자료 RSS</description>
<language>ko</language>
<lastBuildDate>{built}</lastBuildDate>
{entries}
</channel>
</rss>
"""
        return xml_document(text, kind="feed", modified=newest)
