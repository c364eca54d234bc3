"""www.dgfez.go.kr — 대구경북경제자유구역청 (DGFEZ) press board; a PHP site; UTF-8.

``sources.md`` (2nd edition) reports boards at ``/page.php?mnu_uid=319`` and ``321`` without
saying which holds press releases (319 is served here, **unverified**), 10-11 rows a page,
and that there is **no robots.txt** (404). The markup,
the paging parameter and the article form are **unverified**: the previous plausible shape
(a JavaScript link that POSTs a form) is kept, in the templates and routes below.

URLs
  list      /page.php?mnu_uid=319&page=N
  article   POST /page.php?mnu_uid=319 with form fields mode=view and seq=N
            (GET → 405, Allow: POST; unknown seq → 404)
  file      /page.php?mnu_uid=319&mode=download&seq=N&fno=K   (K from 1)

List ``table.board_list tbody tr``, link ``javascript:fn_view('N');`` filling
``form#viewForm``; article ``div.board_view h4.tit``, ``p.date`` (``YYYY.MM.DD``),
``div.view_txt``, ``ul.file li a``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Chrome

BOARD = "/page.php?mnu_uid=319"

LIST_PAGE = f"""<div id="content">
<h3 class="title">보도자료</h3>
<table class="board_list$renewal">
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>등록일</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
$pager
<form id="viewForm" method="post" action="{BOARD}">
<input type="hidden" name="mode" value="view"><input type="hidden" name="seq" value="">
</form>
<script>
function fn_view(seq) {{
  var f = document.getElementById('viewForm'); f.seq.value = seq; f.submit();
}}
</script>
</div>"""

ROW = """<tr><td>$n</td><td class="title"><a href="javascript:fn_view('$id');">$title</a></td>
<td>$date</td></tr>"""

ARTICLE = """<div id="content">
<div class="board_view">
<h4 class="tit">$title</h4>
<p class="date">$date</p>
<div class="view_txt">
$body
</div>
<ul class="file">
$files
</ul>
</div>
</div>"""

DESCRIPTION = Description(
    host="www.dgfez.go.kr",
    chrome=Chrome(
        name="대구경북경제자유구역청",
        nav=(
            ("보도자료", BOARD),
            ("게시판", "/page.php?mnu_uid=321"),
            ("투자 안내", "/page.php?mnu_uid=200"),
        ),
        address="(42700) 대구광역시 달서구 성서공단로 11길 32 대구경북경제자유구역청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
    ),
    list_route=Route(BOARD + "&page={page}"),
    article_route=Route(BOARD + "&mode=view&seq={id}"),
    files=Files(
        download=Route(BOARD + "&mode=download&seq={id}&fno={no}"),
        values=lambda item, att: {"no": str(att.sn + 1)},
    ),
    robots="missing",
    date_format="%Y.%m.%d",
    article_method="POST",
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
