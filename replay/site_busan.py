"""www.busan.go.kr — 부산광역시 press releases (보도자료); UTF-8; the text is in the PDF.

After ``sources.md`` (2nd edition):

URLs
  list      /nbtnewsBU?curPage=N   (static HTML)
  article   /nbtnewsBU/{nttNo}
  file      /comm/getFile?srvcId=BBSTY3&upperNo={nttNo}&fileTy=ATTACH&fileNo=K   (K from 1)

List ``.boardTextGallery a.item[href]``, ``.bTitle``, ``.writer`` = "부서 | 작성자 | 전화 |
YYYY-MM-DD", summary ``.tgTxt .txtL``. Article: title ``.form-data-subject strong``
(``og:title`` is "TITLE : 부산소식"), fields as ``dt``/``dd`` pairs of ONE
``dl.form-data-info`` (select by label), body ``.inner-content`` holding only the "◈"
summary; the release is in the attached PDF, linked from ``ul.attfiles``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Chrome, esc

LIST_PAGE = """<div id="contents">
<h3 class="contTitle">보도자료</h3>
<div class="boardTextGallery$renewal">
$rows
</div>
$pager
</div>"""

ROW = """<a class="item" href="$href"><p class="bTitle">$title</p>
<p class="writer">$dept | $writer | $phone | $date</p>
<div class="tgTxt"><p class="txtL">$summary</p></div></a>"""

ARTICLE = """<div id="contents">
<div class="boardView">
<div class="form-data-subject"><strong>$title</strong></div>
<dl class="form-data-info">$fields</dl>
<div class="inner-content">$body</div>
<ul class="attfiles">
$files
</ul>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.busan.go.kr",
    chrome=Chrome(
        name="부산광역시",
        nav=(("보도자료", "/nbtnewsBU"), ("시정소식", "/news"), ("분야별 정보", "/depart")),
        address="(47545) 부산광역시 연제구 중앙대로 1001(연산동) 부산광역시청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        head='<meta property="og:title" content="$title : 부산소식">',
    ),
    list_route=Route("/nbtnewsBU?curPage={page}"),
    article_route=Route("/nbtnewsBU/{id}"),
    files=Files(
        download=Route("/comm/getFile?srvcId=BBSTY3&upperNo={id}&fileTy=ATTACH&fileNo={no}"),
        values=lambda item, att: {"no": str(att.sn + 1)},
    ),
    fields=(
        ("부서명", "dept"),
        ("작성자", "writer"),
        ("전화번호", "phone"),
        ("작성일", "iso"),
        ("조회수", "views"),
        ("부제목", "subtitle"),
        ("공공누리", "kogl"),
    ),
    body=lambda item: f"◈ {esc(item.summary)}",
    constants={"kogl": "제1유형: 출처표시"},
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
