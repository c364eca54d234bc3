"""www.mss.go.kr — 중소벤처기업부 (MSS) press board ``cbIdx=86`` and its RSS feed; UTF-8.

After ``sources.md`` (2nd edition) and ``mss-list/-detail.skeleton.html``:

URLs
  list      /site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=N   (other cbIdx: 404)
  article   /site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=N
  file      /common/board/Download.do?bcIdx=N&cbIdx=86&streFileNm={uuid}.{ext}
  feed      /rss/smba/board/86.do  (RSS 2.0; pubDate compact ``YYYYMMDDHHMMSS``, KST)

List: columns 번호 | 제목 | 담당부서 (``td.cd_subject``) | 첨부 | 등록일 ``YYYY.MM.DD`` | 조회,
plus a hidden mobile cell repeating the title. The id is only in the ``<tr>``'s
``onclick="doBbsFView('86','ID','16010100','ID');return false;"``; the title link is
``href="#view"`` with no onclick. Article: a bare ``div.board_view > h4`` title, ``th``/``td``
field pairs, the body **HTML-escaped inside a hidden** ``<textarea id="editContents">``,
files under ``td.file_list ul li`` (``span.name`` with ``<em>[size]</em>``, ``div.link a``:
바로보기 is a script, 내려받기 the download), ``og:title`` = "중소벤처기업부" only.
Withdrawn releases leave the list and the feed, and their pages answer 404.
"""

from __future__ import annotations

import uuid

from zonewatch.replay.board import (
    BoardSite,
    BoardSource,
    Description,
    Feed,
    Files,
    Markup,
    Route,
    body_lines,
)
from zonewatch.replay.content import Attachment, Catalog, Item
from zonewatch.replay.pages import Chrome

LIST = "/site/smba/ex/bbs/List.do"

LIST_PAGE = """<div id="contents_inner">
<div class="board_list$renewal">
<table>
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>첨부</th><th>등록일</th><th>조회</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
</div>
$pager
</div>"""

ROW = (
    (
        '<tr class="" style="cursor: pointer;"'
        " onclick=\"doBbsFView('86','$id','16010100','$id');return false;\" title=\"$title\">\n"
    )
    + """<td>$n</td>
<td class="subject"><a class="pc-detail" href="#view" title="$title">$title</a></td>
<td class="cd_subject"><span>$dept</span></td>
<td class="attached-files">$list_files</td>
<td>$date</td>
<td>$views</td>
<td class="mobile"><a href="#">$title</a></td>
</tr>"""
)

LIST_FILE = """<a href="#" class="attach-file $ext" role="button"><img alt="첨부파일"></a>
<span class="single-file" style="display:none" data-href="$href"></span>"""

ARTICLE = """<div id="contents_inner"><div class="board_view">
<h4>$title</h4>
<table><tbody>
<tr class="web">$fields</tr>
<tr class="m-block"><td colspan="8" class="contents_box">
<div class="view_contents"><div class="txt-area">
<textarea id="editContents" style="display: none;">$body_escaped</textarea>
<iframe class="iframeRes" src="/cmm/contents.jsp"></iframe></div></div></td></tr>
<tr><th scope="row">첨부파일</th><td colspan="7" class="file_list"><ul>
$files
</ul></td></tr>
</tbody></table>
</div></div>"""

FILE = """<li>
<div class="info"><span class="file_icon $ext">$ext 파일</span>
<span class="name">$name <em>[$size2]</em></span></div>
<div class="link">
<a href="javascript:void(0);" onclick='openpage("$id","86","$stored","$name","$ext","image");'
 class="btn type_link">바로보기</a>
<a href="$href" class="btn type_down">내려받기</a>
</div></li>"""


def stored(item: Item, attachment: Attachment) -> dict[str, str]:
    """The server-side file name: a UUID plus the extension."""
    extension = attachment.name.rsplit(".", 1)[-1].lower()
    return {"stored": f"{uuid.UUID(attachment.key[:32])}.{extension}"}


DESCRIPTION = Description(
    host="www.mss.go.kr",
    chrome=Chrome(
        name="중소벤처기업부",
        nav=(
            ("보도자료", f"{LIST}?cbIdx=86"),
            ("사업공고", f"{LIST}?cbIdx=310"),
            ("RSS", "/rss/smba/board/86.do"),
        ),
        address="(30121) 세종특별자치시 가름로 180 중소벤처기업부",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        field='<th scope="row">$label</th><td>$value</td>',
        file=FILE,
        list_file=LIST_FILE,
        head='<meta property="og:title" content="$og">',
    ),
    list_route=Route(LIST + "?cbIdx=86&pageIndex={page}"),
    article_route=Route("/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx={id}"),
    files=Files(
        download=Route("/common/board/Download.do?bcIdx={id}&cbIdx=86&streFileNm={stored}"),
        values=stored,
    ),
    feed=Feed(
        path="/rss/smba/board/86.do",
        title="중소벤처기업부 보도자료",
        link=f"{LIST}?cbIdx=86",
        description="중소벤처기업부 보도자료 RSS",
        language="ko",
        pub_date=lambda item: item.when.strftime("%Y%m%d%H%M%S"),
    ),
    token_style="jsessionid",
    date_format="%Y.%m.%d",
    fields=(("담당부서", "dept"), ("등록일", "date")),
    body=body_lines,
    og_title="중소벤처기업부",
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
