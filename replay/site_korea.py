"""www.korea.kr — 대한민국 정책브리핑 press releases of every ministry; UTF-8; browsers only.

After ``sources.md`` (2nd edition) and ``korea-kr.skeleton.html``:

URLs
  list      /briefing/pressReleaseList.do?startDate=YYYY-MM-DD&endDate=YYYY-MM-DD&pageIndex=N
            (dates optional; when given, only releases published in the window)
  article   /briefing/pressReleaseView.do?newsId=N
  file      /common/download.do?fileId=N&tblKey=GMN
  viewer    /common/docViewer.do?fileId=N&tblKey=GMN   (HTML of the file's text)
  gone      /rss/pressrelease.xml, /rss/dept_*.xml → 404 (reported shut down mid-2026)

List: ``div.list_type ul li a[href*="pressReleaseView.do?newsId="]`` with ``span.text strong``,
``span.lead`` and ``span.source span`` × 2 (``YYYY.MM.DD``, agency); a filter block before
``div.list_type`` also holds a newsId link (scope to ``div.list_type``). Article inside
``div.article_wrap``; files in ``div.filedown dl dd p``: a download and a viewer link per
file, the download repeated. Releases marked ``body_in_attachment`` have only a viewer
iframe and a remark. The article's title and body elements (``div.article_head h1.title``,
``div.article_body div.view_cont``) are **unverified** choices of this copy, as is
``article:published_time``. A User-Agent that does not
start with ``Mozilla/5.0`` has its connection dropped, unless ``strict=False``. In corpus
mode the same shapes serve the corpus (newsId = corpus id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from zonewatch.replay.board import BoardSite, Description, Files, Markup, Route
from zonewatch.replay.content import Attachment, Item, Page
from zonewatch.replay.messages import Request
from zonewatch.replay.pages import Chrome, Ctx, esc
from zonewatch.replay.releases import ReleaseSource

LIST = "/briefing/pressReleaseList.do"
VIEW = "/briefing/pressReleaseView.do"

LIST_PAGE = f"""<div class="sub_contents">
<h2 class="tit">보도자료</h2>
<div class="sch_result"><p class="total">총 <strong>$total</strong>건</p>
<div class="filter_ui">
<a href="{VIEW}?newsId=$pick&amp;pageIndex=1">많이 본 보도자료</a></div></div>
<div class="list_type$renewal"><ul>
$rows
</ul></div>
$pager
</div>"""

ROW = (
    (
        f'<li><a href="{VIEW}?newsId=$id&amp;pageIndex=$page&amp;repCodeType=&amp;repCode='
        '&amp;startDate=$start&amp;endDate=$end&amp;srchWord=&amp;period=">\n'
    )
    + """<span class="text"><strong>$title</strong><span class="lead">$summary</span>
<span class="source"><span>$date</span><span>$agency</span></span></span></a></li>"""
)

ARTICLE = """<div class="sub_contents">
<div class="article_wrap">
<div class="article_head"><h1 class="title">$title</h1>
<p class="info"><span class="date">$date</span><span class="dept">$agency</span></p></div>
<div class="article_body"><div class="view_cont">
$body
</div></div>
<div class="filedown"><dl><dt>첨부파일</dt><dd>
$files
</dd></dl></div>
</div>
</div>"""

FILE = """<p><span><a href="$href"><img alt="$kind_alt">$name</a></span>
<span><a class="view" href="$viewer">바로보기</a>
<a class="down" href="$href">내려받기</a></span></p>"""

HEAD = """<meta property="og:title" content="$og">
<meta property="og:url" content="$url">
<meta property="article:published_time" content="$published">"""

DOWNLOAD = Route("/common/download.do?fileId={fileid}&tblKey=GMN")
VIEWER = Route("/common/docViewer.do?fileId={fileid}&tblKey=GMN")


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Releases:
    """The releases (samples or corpus) as a board source, filtered by the list's dates."""

    releases: ReleaseSource

    def page(self, state: int, number: int, size: int, request: Request) -> Page:
        start, end = parse_day(request.arg("startDate")), parse_day(request.arg("endDate"))
        return self.releases.page(state, start, end, number, size)

    def item(self, state: int, item_id: str) -> Item | None:
        return self.releases.get(state, item_id)

    def pairs(self, state: int) -> Iterable[tuple[Item, Attachment]]:
        return ()


DESCRIPTION = Description(
    host="www.korea.kr",
    chrome=Chrome(
        name="대한민국 정책브리핑",
        nav=(
            ("보도자료", LIST),
            ("정책뉴스", "/news/policyNewsList.do"),
            ("브리핑룸", "/briefing/briefingList.do"),
        ),
        address="(30107) 세종특별자치시 갈매로 388 문화체육관광부 국민소통실",
    ),
    markup=Markup(list_page=LIST_PAGE, row=ROW, article=ARTICLE, file=FILE, head=HEAD),
    list_route=Route(LIST + "?pageIndex={page}"),
    article_route=Route(VIEW + "?newsId={id}"),
    files=Files(download=DOWNLOAD, viewer=VIEWER, values=lambda item, att: {}),
    date_format="%Y.%m.%d",
    browser_only="reset",
)


class KoreaKr(BoardSite):
    """korea.kr: file ids come from the release source, so files resolve through it."""

    HOST = DESCRIPTION.host

    def __init__(self, releases: ReleaseSource, *, strict: bool = True) -> None:
        super().__init__(DESCRIPTION, Releases(releases), strict=strict)
        self.releases = releases

    def file_values(self, item: Item, attachment: Attachment) -> dict[str, str]:
        file_id = str(self.releases.file_id(attachment))
        return {
            "fileid": file_id,
            "href": DOWNLOAD.href({"fileid": file_id}),
            "viewer": VIEWER.href({"fileid": file_id}),
        }

    def download_href(self, attachment: Attachment) -> str:
        """The download path of a file (the open API's ``FileUrl`` points here)."""
        return DOWNLOAD.href({"fileid": str(self.releases.file_id(attachment))})

    def find_attachment(
        self, state: int, captured: Mapping[str, str], route: Route
    ) -> tuple[Item, Attachment] | None:
        try:
            return self.releases.attachment(state, int(captured.get("fileid", "")))
        except ValueError:
            return None

    def article_body(self, item: Item) -> str:
        if not (item.body_in_attachment and item.attachments):
            return super().article_body(item)
        viewer = self.file_values(item, item.attachments[0])["viewer"]
        return (
            f'<iframe src="{esc(viewer)}" title="첨부파일 미리보기" width="100%" height="800">'
            "</iframe>\n"
            '<p class="remark">본 자료는 문서뷰어로 제공되며, 자세한 내용은 '
            "첨부파일을 참고하시기 바랍니다.</p>"
        )

    def list_values(
        self, request: Request, ctx: Ctx, captured: Mapping[str, str]
    ) -> dict[str, str]:
        """The date window (repeated in every item link) and the filter block's pick."""
        newest = self.releases.page(ctx.state, None, None, 1, 1).items
        return {
            "start": esc(request.arg("startDate")),
            "end": esc(request.arg("endDate")),
            "pick": newest[0].id if newest else "",
        }
