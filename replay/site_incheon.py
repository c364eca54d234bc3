"""www.incheon.go.kr — 인천광역시 press releases (menu IC010205); UTF-8.

After ``sources.md`` (2nd edition) and ``incheon.skeleton.html``:

URLs
  list      /IC010205?curPage=N
  article   /IC010205/view?repSeq=DOM_…   (list links add ``&curPage=N``, ignored)
  file      /comm/fileDownload.do?fileId={20 upper-case hex digits}   (**unverified**)

List items ``a[href*="/IC010205/view?repSeq="]`` with ``div.txt-area strong.subject`` and the
date as ``<dt>제공일자</dt><dd>YYYY-MM-DD</dd>``. Article body
``div.board-view-contents.cms_content`` (text with ``<br />``, no ``<p>``); the title and
field markup (``h3.board-view-title``, ``dl.board-view-info``) are **unverified**.
"""

from __future__ import annotations

from zonewatch.replay.board import (
    BoardSite,
    BoardSource,
    Description,
    Files,
    Markup,
    Route,
    body_lines,
)
from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Chrome

LIST_PAGE = """<div id="content">
<h3 class="content-title">보도자료</h3>
<div class="board-blog-list$renewal"><ul>
$rows
</ul></div>
$pager
</div>"""

ROW = """<li><a href="/IC010205/view?repSeq=$id&amp;curPage=$page">
<div class="txt-area"><strong class="subject">$title</strong>
<dl><dt>제공일자</dt><dd>$date</dd></dl></div></a></li>"""

ARTICLE = """<div id="content">
<div class="board-view">
<h3 class="board-view-title">$title</h3>
<dl class="board-view-info">$fields</dl>
<div class="board-view-contents cms_content">$body</div>
<ul class="board-view-file">
$files
</ul>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.incheon.go.kr",
    chrome=Chrome(
        name="인천광역시",
        nav=(("보도자료", "/IC010205"), ("인천소식", "/IC010201"), ("분야별정보", "/IC020000")),
        address="(21554) 인천광역시 남동구 정각로 29(구월동) 인천광역시청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
    ),
    list_route=Route("/IC010205?curPage={page}"),
    article_route=Route("/IC010205/view?repSeq={id}"),
    files=Files(
        download=Route("/comm/fileDownload.do?fileId={fileid}"),
        values=lambda item, att: {"fileid": att.key[:20].upper()},
    ),
    fields=(("제공일자", "date"), ("담당부서", "dept")),
    body=body_lines,
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
