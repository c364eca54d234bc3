"""www.bjfez.go.kr — 부산진해경제자유구역청 (BJFEZ) press board ``B0000003``.

``sources.md`` (2nd edition) verifies the list URL and robots.txt ``Crawl-delay: 5``
(changeable with ``ReplayServer.set_crawl_delay``); the markup is **unverified** and keeps
its previous shape, including the encoding trap: the header lies
(``Content-Type: text/html; charset=ISO-8859-1``) while the bytes are CP949 and the page
says ``<meta charset="euc-kr">``.

URLs
  list      /portal/bbs/B0000003/list.do?pageIndex=N
  article   /portal/bbs/B0000003/view.do?nttId=N&menuNo=200066
  file      /cmm/fms/FileDown.do?atchFileId=FILE_{15 digits}&fileSn=K

List ``table.bbs_default.list tbody tr``; article links carry ``;jsessionid=`` (noise).
Article ``div.bbs_view h4.title``, ``ul.view_info li`` (``<span>작성일</span> …``),
``div.view_cont``, ``ul.file_list li a``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog, digest, number_from
from zonewatch.replay.messages import Charset
from zonewatch.replay.pages import Chrome

BASE = "/portal/bbs/B0000003"
LYING_CHARSET = Charset("cp949", "text/html; charset=ISO-8859-1", '<meta charset="euc-kr">')

LIST_PAGE = """<div id="contents">
<h3 class="sub_tit">보도자료</h3>
<table class="bbs_default list$renewal">
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>부서</th><th>작성일</th><th>조회</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
$pager
</div>"""

ROW = """<tr><td class="num">$n</td><td class="subject"><a href="$href_token">$title</a></td>
<td>$dept</td><td>$date</td><td>$views</td></tr>"""

ARTICLE = """<div id="contents">
<div class="bbs_view">
<h4 class="title">$title</h4>
<ul class="view_info">$fields</ul>
<div class="view_cont">
$body
</div>
<ul class="file_list">
$files
</ul>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.bjfez.go.kr",
    chrome=Chrome(
        name="부산진해경제자유구역청",
        nav=(
            ("보도자료", f"{BASE}/list.do"),
            ("투자환경", "/portal/contents.do?menuNo=200010"),
            ("청 소개", "/portal/contents.do?menuNo=200001"),
        ),
        address="(46726) 부산광역시 강서구 녹산산단321로 24-7 부산진해경제자유구역청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        field="<li><span>$label</span> $value</li>",
    ),
    list_route=Route(BASE + "/list.do?pageIndex={page}"),
    article_route=Route(BASE + "/view.do?nttId={id}&menuNo=200066"),
    files=Files(
        download=Route("/cmm/fms/FileDown.do?atchFileId={afid}&fileSn={sn}"),
        values=lambda item, att: {
            "afid": f"FILE_{number_from(digest(item.host, item.id), 15)}",
            "sn": str(att.sn),
        },
    ),
    charset=LYING_CHARSET,
    token_style="jsessionid",
    crawl_delay=5.0,
    fields=(("작성일", "date"), ("부서", "dept")),
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
