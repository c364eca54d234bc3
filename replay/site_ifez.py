"""www.ifez.go.kr — 인천경제자유구역청 (IFEZ) press board ``noti03``; served as EUC-KR.

``sources.md`` (2nd edition) verifies the URLs, the rows ``#real_contents … table tbody tr``
with the title link in the 3rd cell, and the attachment form; the detail markup and the
page encoding are **unverified** and keep their previous shape: the header says
``text/html; charset=EUC-KR`` and so does the meta tag, but the bytes are CP949 (one
release contains 똠, which strict EUC-KR cannot decode).

URLs
  list      /main/pst/list.do?pst_id=noti03&page=N
  article   /main/pst/view.do?pst_id=noti03&pst_sn=N
  file      /other/attach/process.file.do?TP=dn&key={32hex}&sn=K   (K from 0)

List: 번호 | 분류 | 제목 (link) | 부서 | 작성일 ``YYYY.MM.DD`` | 조회. Article:
``div.board-view h3.title``, ``ul.info li`` ("작성일 …", "부서 …"), body
``div.view-content`` exported from HWP (numbers split across spans), ``div.file a``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog, digest
from zonewatch.replay.messages import EUC_KR
from zonewatch.replay.pages import Chrome, hwp_export_html

LIST_PAGE = """<div id="real_contents">
<h3 class="con_tit">보도자료</h3>
<div class="board$renewal">
<table>
<caption>보도자료 게시판</caption>
<thead><tr><th>번호</th><th>분류</th><th>제목</th><th>부서</th><th>작성일</th><th>조회</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
</div>
$pager
</div>"""

ROW = """<tr><td>$n</td><td>$category</td>
<td class="subject"><a href="$href">$title</a></td>
<td>$dept</td><td>$date</td><td>$views</td></tr>"""

ARTICLE = """<div id="real_contents">
<div class="board-view">
<h3 class="title">$title</h3>
<ul class="info">$fields</ul>
<div class="view-content">
$body
</div>
<div class="file">$files</div>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.ifez.go.kr",
    chrome=Chrome(
        name="인천경제자유구역청",
        nav=(
            ("보도자료", "/main/pst/list.do?pst_id=noti03"),
            ("투자안내", "/main/content/invest.do"),
            ("IFEZ 소개", "/main/content/intro.do"),
        ),
        address="(22004) 인천광역시 연수구 센트럴로 263 G-Tower 인천경제자유구역청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        field="<li>$label $value</li>",
        file='<a href="$href">$name</a>',
    ),
    list_route=Route("/main/pst/list.do?pst_id=noti03&page={page}"),
    article_route=Route("/main/pst/view.do?pst_id=noti03&pst_sn={id}"),
    files=Files(
        download=Route("/other/attach/process.file.do?TP=dn&key={key}&sn={sn}"),
        values=lambda item, att: {"key": digest(att.key, "ifez")[:32], "sn": str(att.sn)},
    ),
    charset=EUC_KR,
    token_style="jsessionid",
    date_format="%Y.%m.%d",
    fields=(("작성일", "date"), ("부서", "dept")),
    body=lambda item: hwp_export_html(item.paragraphs),
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
