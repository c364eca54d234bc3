"""www.kicox.or.kr — 한국산업단지공단 (KICOX) press board 1103; UTF-8; browsers only.

After ``sources.md`` (2nd edition) and ``kicox-list.skeleton.html``:

URLs
  list      /boardList/1103?pageIndex=N        (1016 notices, 1104 clarifications: 404 here)
  article   /boardDetail/1103?bbsSeq=N
  file      /fileDownload?fileSeq=FILEID&uuid=UUID   (**unverified**: the real page only has
            ``<button onclick="fnFileDownload('FILEID','UUID')">``; the page's script says
            where it goes, and ``FILES`` below is the one place to change it)

List ``table.board tbody tr``: title ``td.cont a[href="#none"]`` whose
``onClick="bbsArticleDet('ID')"`` is the only place of the id; date ``td.b_date``. Pinned
rows (``pinned: true`` in the samples, at most 8) repeat at the top of every page with a
공지 image in ``td.web``, and appear again in their place. Article: body
``div.detPage div.tbody``, ``og:title`` = "한국산업단지공단". A User-Agent that does not
start with ``Mozilla/5.0`` gets HTTP 400 (the WAF), unless the server runs with
``strict=False``.
"""

from __future__ import annotations

import uuid

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Attachment, Catalog, Item, number_from
from zonewatch.replay.pages import Chrome

LIST = "/boardList/1103"
FILES = Route("/fileDownload?fileSeq={fileid}&uuid={uuid}")

LIST_PAGE = """<div class="sub-container">
<h3 class="page-title">보도자료</h3>
<table class="board$renewal">
<caption>보도자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>등록일</th></tr></thead>
<tbody>
$pinned
$rows
</tbody>
</table>
$pager
</div>"""

ROW = """<tr><td class="web">$n</td>
<td class="cont"><a href="#none" onClick="bbsArticleDet('$id')">$title</a></td>
<td class="b_date">$date</td></tr>"""

PINNED_ROW = """<tr><td class="web"><img alt="공지"></td>
<td class="cont"><a href="#none" onClick="bbsArticleDet('$id')">$title</a></td>
<td class="b_date">$date</td></tr>"""

ARTICLE = """<div class="sub-container">
<div class="detPage">
<div class="thead"><p class="tit">$title</p><ul class="info">$fields</ul></div>
<div class="tbody">
$body
</div>
$files
</div>
<script>
function fnFileDownload(seq, id) { location.href = '/fileDownload?fileSeq=' + seq + '&uuid=' + id; }
</script>
</div>"""


def file_ids(item: Item, attachment: Attachment) -> dict[str, str]:
    return {
        "fileid": str(number_from(attachment.key, 6)),
        "uuid": str(uuid.UUID(attachment.key[:32])),
    }


DESCRIPTION = Description(
    host="www.kicox.or.kr",
    chrome=Chrome(
        name="한국산업단지공단",
        nav=(
            ("보도자료", LIST),
            ("공지사항", "/boardList/1016"),
            ("해명자료", "/boardList/1104"),
        ),
        address="(39247) 경상북도 김천시 혁신8로 14 한국산업단지공단",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        pinned_row=PINNED_ROW,
        article=ARTICLE,
        field="<li><span>$label</span> $value</li>",
        file="<button onclick=\"fnFileDownload('$fileid','$uuid')\">$name</button>",
        head='<meta id="ogTitle" property="og:title" content="$og"/>',
    ),
    list_route=Route(LIST + "?pageIndex={page}"),
    article_route=Route("/boardDetail/1103?bbsSeq={id}"),
    files=Files(download=FILES, values=file_ids),
    pinned=8,
    fields=(("등록일", "date"), ("조회", "views")),
    og_title="한국산업단지공단",
    browser_only="400",
)


def build(catalog: Catalog) -> BoardSite:
    return BoardSite(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
