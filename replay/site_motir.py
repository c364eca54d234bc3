"""www.motir.go.kr — 산업통상부 (MOTIR) press board ``ATCL3f49a5a8c``; UTF-8.

After ``sources.md`` (2nd edition) and ``motir-list/-detail.skeleton.html``:

URLs
  list      /kor/article/ATCL3f49a5a8c?pageIndex=N  (also rowPageC=page size,
            searchKeyword=words in the title, startDtD/endDtD=YYYY-MM-DD)
  article   /kor/article/ATCL3f49a5a8c/{id}/view
  file      /attach/down/{32hex}/{32hex}/{32hex}    → always 302 to /error/500, as in 2026
            (``ReplayServer(strict=False)`` serves the file instead)
  preview   /attach/viewer/{32hex}/{32hex}/{32hex}  (HTML, the file's text)
  error     /error/500                              (200, an HTML error page)

List: ``div.board-tbl.board-list table tbody tr``; the id only in
``td.ta-l div.board-link a[href="javascript:article.view('ID');"]``, title in ``<i>``, a
"new" badge in the same cell on recent rows; department, date and views are plain cells.
Article: ``div.board-detail``, title ``div.detail-tit span``, ``div.detail-info li`` pairs
``<em>LABEL</em><span>VALUE</span>``, files in ``li.info-down``, body ``div.detail-cont``
(HWP export: numbers split across spans), ``og:title`` = "산업통상부" only.
Under the ``quirks`` fault every second request is reset (the firewall).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from zonewatch.replay.board import BoardSite, BoardSource, Description, Files, Markup, Route
from zonewatch.replay.content import Attachment, Catalog, Item, digest
from zonewatch.replay.messages import RESET, Request, Response
from zonewatch.replay.pages import Chrome, hwp_export_html

BOARD = "/kor/article/ATCL3f49a5a8c"

LIST_PAGE = f"""<article id="cont-body">
<div class="board-top"><div class="board-count"><span>전체<i>$total</i>건</span></div>
<form id="searchForm" action="{BOARD}" method="get">
<input type="text" name="searchKeyword" title="검색어">
<button type="submit">검색</button></form></div>
<div class="board-tbl board-list$renewal mo_table">
<table>
<caption>보도·참고자료 목록</caption>
<thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>등록일</th><th>조회수</th><th>첨부파일</th></tr></thead>
<tbody>
$rows
</tbody>
</table>
</div>
$pager
</article>"""

ROW = """<tr>
<td>$n</td>
<td class="ta-l"><div class="board-link">
<a href="javascript:article.view('$id');"><i>$title</i></a>$badge</div></td>
<td>$dept</td>
<td>$date</td>
<td>$views</td>
<td>$list_files</td>
</tr>"""

ARTICLE = f"""<article id="cont-body">
<div class="board-detail">
<div class="detail-tit"><span>$title</span></div>
<div class="detail-info"><ul>
$fields
<li class="info-down"><em>첨부파일</em><p>
$files
</p></li>
</ul></div>
<div class="detail-cont">
$body
</div>
</div>
<div class="board-nav"><ul>$prev</ul></div>
<div class="btn-area"><a class="btn-list" href="{BOARD}">목록</a></div>
</article>"""

FILE = """<span><i><img alt="$kind_alt"></i>
<a href="javascript:location.href='$href'">$name [$size]</a>
<a href='$viewer' class="ico-magnifier"><i>바로보기</i></a></span>"""


def hashes(item: Item, attachment: Attachment) -> dict[str, str]:
    """Three 32-hex segments, stable across revisions of the file (so the URL stays)."""
    return {f"h{n}": digest(attachment.key, str(n))[:32] for n in (1, 2, 3)}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def search(request: Request) -> Callable[[Item], bool]:
    """The board's search form: title words and a date window."""
    keyword = request.arg("searchKeyword").strip()
    start, end = _day(request.arg("startDtD")), _day(request.arg("endDtD"))
    return lambda item: (
        (not keyword or keyword in item.title)
        and (start is None or start <= item.day)
        and (end is None or item.day <= end)
    )


def firewall(request: Request, count: int) -> Response | None:
    """About half of all connections are reset."""
    return RESET if count % 2 == 1 else None


DESCRIPTION = Description(
    host="www.motir.go.kr",
    chrome=Chrome(
        name="산업통상부",
        nav=(
            ("보도·참고자료", BOARD),
            ("정책정보", "/kor/contents/policy"),
            ("알림·소식", "/kor/contents/news"),
        ),
        address="(30118) 세종특별자치시 한누리대로 402 정부세종청사 13동 산업통상부",
    ),
    markup=Markup(
        list_page=LIST_PAGE,
        row=ROW,
        article=ARTICLE,
        field="<li><em>$label</em><span>$value</span></li>",
        file=FILE,
        list_file='<a href="/attach/down/$h1/$h2"><img alt="$kind_alt"></a>',  # 2 segments on lists
        head='<meta property="og:title" content="$og">',
        list_head='<meta property="og:title" content="산업통상부">',
        badge='<span class="badge-new"><i><img alt="새글"></i></span>',
        prev=(
            "<li><em><i>이전글</i></em><span>"
            "<a href=\"javascript:article.view('$id');\"><i>$title</i></a></span></li>"
        ),
    ),
    list_route=Route(BOARD + "?pageIndex={page}"),
    article_route=Route(BOARD + "/{id}/view"),
    files=Files(
        download=Route("/attach/down/{h1}/{h2}/{h3}"),
        viewer=Route("/attach/viewer/{h1}/{h2}/{h3}"),
        values=hashes,
        fails_to="/error/500",
    ),
    robots_disallow=("/kor/member/",),
    fields=(
        ("담당자", "writer"),
        ("담당부서", "dept"),
        ("연락처", "phone"),
        ("등록일", "date"),
        ("조회수", "views"),
    ),
    body=lambda item: hwp_export_html(item.paragraphs, style=None),
    og_title="산업통상부",
    heading="보도·참고자료",
    size_param="rowPageC",
    quirk=firewall,
    error_paths=("/error/500",),
)


def build(catalog: Catalog, *, strict: bool = True) -> BoardSite:
    source = BoardSource(catalog.board(DESCRIPTION.host), keep=search)
    return BoardSite(DESCRIPTION, source, strict=strict)
