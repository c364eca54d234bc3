"""info.daegu.go.kr — 대구광역시 news room (보도자료, mkey 26); https, UTF-8.

After ``sources.md`` (2nd edition) and ``daegu.skeleton.html``:

URLs (list links are relative, ``./mtnmain.php?…`` under ``/newshome/``)
  list      /newshome/mtnmain.php?mtnkey=scatelist&mkey=26&bpage=N   (``bpage``, not ``page``)
  article   /newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=N
  file      /enewspaper/file_download.php?filename=NAME&faid=FAID&in_cnt=1, linked as
            ``javascript:filedownload('NAME','FAID')``

List: a table ``#table_article table tr`` (번호 | 제목 | 첨부 | 등록일 ``YYYY-MM-DD``), the
header row included. Article: ``#article .title``, ``.stitle``, ``.info_wrap .info .date``,
``.info_wrap .dept dl`` (``dt``/``dd``: 담당부서, 담당자), body ``.article_view_content``,
files in ``#files``.
"""

from __future__ import annotations

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Catalog, number_from
from zonewatch.replay.pages import Chrome

SCRIPT = "/newshome/mtnmain.php"

LIST_PAGE = """<div id="news_wrap">
<h3 class="cate_title">보도자료</h3>
<div id="table_article$renewal"><table>
<tr><th>번호</th><th>제목</th><th>첨부</th><th>등록일</th></tr>
$rows
</table></div>
$pager
</div>"""

ROW = (
    "<tr><td>$n</td>\n<td>"
    '<a href="./mtnmain.php?mtnkey=articleview&amp;mkey=scatelist&amp;mkey2=26&amp;aid=$id'
    '&amp;bpage=$page&amp;stext=">$title</a></td>\n'
    "<td>$list_files</td>\n<td>$date</td></tr>"
)

ARTICLE = """<div id="article">
<div class="title">$title</div><div class="stitle">$subtitle</div>
<div class="info_wrap"><div class="info"><div class="section">보도자료</div>
<div class="date">$date</div></div>
<div class="dept"><dl>$fields</dl></div></div>
<div class="article_view_content">
$body
</div>
<div id="files">$files</div>
</div>
<script>
function filedownload(name, faid) {
  location.href = '/enewspaper/file_download.php?filename=' + encodeURIComponent(name)
    + '&faid=' + faid + '&in_cnt=1';
}
</script>"""

LINK = "<a href=\"javascript:filedownload('$js_name','$faid')\">$name</a>"

DESCRIPTION = Description(
    host="info.daegu.go.kr",
    chrome=Chrome(
        name="대구시 뉴스룸",
        nav=(
            ("보도자료", f"{SCRIPT}?mtnkey=scatelist&mkey=26"),
            ("시정뉴스", f"{SCRIPT}?mtnkey=scatelist&mkey=1"),
        ),
        address="(41911) 대구광역시 중구 공평로 88 대구광역시청",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        file=LINK,
        list_file=LINK.replace(">$name<", ">file<"),
    ),
    list_route=Route(SCRIPT + "?mtnkey=scatelist&mkey=26&bpage={page}"),
    article_route=Route(SCRIPT + "?mtnkey=articleview&mkey=scatelist&mkey2=26&aid={id}"),
    files=Files(
        download=Route("/enewspaper/file_download.php?filename={filename}&faid={faid}&in_cnt=1"),
        values=lambda item, att: {"filename": att.name, "faid": str(number_from(att.key, 5))},
    ),
    fields=(("담당부서", "dept"), ("담당자", "writer")),
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
