"""www.gfez.go.kr — 광양만권경제자유구역청 (GFEZ) notices board ``bCd=notice``; UTF-8.

``sources.md`` (2nd edition) verifies the list URL and that robots.txt allows crawling; the
markup is **unverified** and keeps its previous shape.

URLs
  list      /bbs/content/list.do?bCd=notice&page=N     (other bCd: 404)
  article   /bbs/content/view.do?bCd=notice&seq=N
  file      /bbs/content/download.do?bCd=notice&seq=N&fileNo=K   (K from 1)

List ``table.tbl_list tbody tr`` (``td.tit a``); article ``div.view_wrap h3.view_tit``,
``div.view_info span.date``, ``div.view_con``, ``div.view_file a``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Chrome

BASE = "/bbs/content"

LIST_PAGE = """<div class="content">
<h3 class="cont_tit">공지사항</h3>
<table class="tbl_list$renewal">
<caption>공지사항 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>등록일</th><th>조회수</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
$pager
</div>"""

ROW = """<tr><td>$n</td><td class="tit"><a href="$href">$title</a></td>
<td>$date</td><td>$views</td></tr>"""

ARTICLE = """<div class="content">
<div class="view_wrap">
<h3 class="view_tit">$title</h3>
<div class="view_info"><span class="date">$date</span></div>
<div class="view_con">
$body
</div>
<div class="view_file">$files</div>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.gfez.go.kr",
    chrome=Chrome(
        name="광양만권경제자유구역청",
        nav=(
            ("공지사항", f"{BASE}/list.do?bCd=notice"),
            ("투자정보", "/contents/invest.do"),
            ("지구 안내", "/contents/district.do"),
        ),
        address="(57764) 전라남도 광양시 광양읍 인덕로 1100 광양만권경제자유구역청",
    ),
    markup=Markup(list_page=LIST_PAGE, row=ROW, article=ARTICLE, file='<a href="$href">$name</a>'),
    list_route=Route(BASE + "/list.do?bCd=notice&page={page}"),
    article_route=Route(BASE + "/view.do?bCd=notice&seq={id}"),
    files=Files(
        download=Route(BASE + "/download.do?bCd=notice&seq={id}&fileNo={no}"),
        values=lambda item, att: {"no": str(att.sn + 1)},
    ),
    token_style="jsessionid",
    heading="공지사항",
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
