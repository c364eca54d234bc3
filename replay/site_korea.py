"""www.korea.kr — 대한민국 정책브리핑 press releases of every ministry; UTF-8.

URLs
  list      /briefing/pressReleaseList.do?startDate=YYYY-MM-DD&endDate=YYYY-MM-DD&pageIndex=N
            (dates optional; when given, only releases published in the window)
  article   /briefing/pressReleaseView.do?newsId=N
  file      /common/download.do?fileId=N&tblKey=GMN
  viewer    /docViewer/skin/doc.html?fn={fileId}&rs=/docViewer/result/  (HTML of the file text)
  gone      /rss/pressrelease.xml, /rss/dept_*.xml → 404 (shut down 2026-07-01)

List markup (``div.list_type ul li``)::

  <div class="list_type"><ul>
  <li><a href="/briefing/pressReleaseView.do?newsId=156737804">
    <span class="text"><strong>TITLE</strong><span class="lead">SUMMARY</span></span>
    <span class="source"><span>2026-07-30</span><span>국토교통부</span></span></a></li>

Article markup::

  <head>… <meta property="og:title" content="TITLE">
          <meta property="article:published_time" content="2026-07-30T14:00:00+09:00"> …
  <div class="article_head"><h1 class="title">TITLE</h1>
    <p class="info"><span class="date">2026.07.30</span><span class="dept">AGENCY</span></p></div>
  <div class="article_body"><div class="view_cont"><p>…</p></div></div>
  <div class="file_down"><ul>
    <li><a href="/common/download.do?fileId=N&amp;tblKey=GMN">NAME.hwpx</a></li></ul></div>

Releases marked ``body_in_attachment`` have in ``.view_cont`` only
``<iframe src="/docViewer/skin/doc.html?fn=N&rs=/docViewer/result/"></iframe>`` and
``<p class="remark">본 자료는 … 첨부파일을 참고하시기 바랍니다.</p>``. In corpus mode the same
shapes serve the corpus (newsId = corpus id). Noise: list footer date, banners, ``sid=`` tokens.
"""

from __future__ import annotations

from datetime import date

from zonewatch.replay.content import Item
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html
from zonewatch.replay.releases import ReleaseSource

LIST = "/briefing/pressReleaseList.do"
VIEW = "/briefing/pressReleaseView.do"
DOWNLOAD = "/common/download.do"
VIEWER = "/docViewer/skin/doc.html"


def parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class KoreaKr(Site):
    host = "www.korea.kr"
    token_style = "sid"
    entry_paths = (f"{LIST}?pageIndex=1",)
    chrome = Chrome(
        name="대한민국 정책브리핑",
        nav=(
            ("보도자료", LIST),
            ("정책뉴스", "/news/policyNewsList.do"),
            ("브리핑룸", "/briefing/briefingList.do"),
        ),
        address="(30107) 세종특별자치시 갈매로 388 문화체육관광부 국민소통실",
    )

    def __init__(self, releases: ReleaseSource) -> None:
        self.releases = releases

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?newsId={item.id}"

    def download_href(self, file_id: int) -> str:
        return f"{DOWNLOAD}?fileId={file_id}&tblKey=GMN"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == LIST:
            return self.list_page(request, ctx)
        if request.path == VIEW:
            return self.article(ctx, request.arg("newsId"))
        if request.path in (DOWNLOAD, VIEWER):
            try:
                file_id = int(request.arg("fileId") or request.arg("fn"))
            except ValueError:
                return self.not_found(ctx)
            found = self.releases.attachment(ctx.state, file_id)
            if found is None:
                return self.not_found(ctx)
            return self.file(*found) if request.path == DOWNLOAD else self.viewer(ctx, found[1])
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        start, end = parse_day(request.arg("startDate")), parse_day(request.arg("endDate"))
        page = self.releases.page(
            ctx.state, start, end, request.page_number("pageIndex"), self.page_size
        )
        rows = "\n".join(
            f'<li><a href="{VIEW}?newsId={item.id}"><span class="text">'
            f'<strong>{esc(item.title)}</strong><span class="lead">{esc(item.summary)}</span>'
            f'</span><span class="source"><span>{item.day.isoformat()}</span>'
            f"<span>{esc(item.agency)}</span></span></a></li>"
            for item in (() if ctx.empty_list else page.items)
        )
        params = {
            name: value
            for name, value in (
                ("startDate", request.arg("startDate")),
                ("endDate", request.arg("endDate")),
            )
            if value
        }
        content = f"""<div class="sub_contents">
<h2 class="tit">보도자료</h2>
<p class="total">총 <strong>{0 if ctx.empty_list else page.total}</strong>건</p>
<div class="{ctx.cls("list_type")}">
<ul>
{rows}
</ul>
</div>
{self.pagination(ctx, LIST, params, "pageIndex", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, news_id: str) -> Response:
        item = self.releases.get(ctx.state, news_id)
        if item is None:
            return self.not_found(ctx)
        file_ids = [self.releases.file_id(att) for att in item.attachments]
        if item.body_in_attachment and file_ids:
            body = (
                f'<iframe src="{VIEWER}?fn={file_ids[0]}&amp;rs=/docViewer/result/" '
                'title="첨부파일 미리보기" width="100%" height="800"></iframe>\n'
                '<p class="remark">본 자료는 문서뷰어로 제공되며, 자세한 내용은 '
                "첨부파일을 참고하시기 바랍니다.</p>"
            )
        else:
            body = paragraphs_html(item.paragraphs)
        files = "\n".join(
            f'<li><a href="{esc(self.download_href(file_id))}">{esc(att.name)}</a></li>'
            for file_id, att in zip(file_ids, item.attachments, strict=True)
        )
        head = (
            f'<meta property="og:title" content="{esc(item.title)}">\n'
            f'<meta property="og:url" content="{esc(self.article_url(item))}">\n'
            f'<meta property="article:published_time" content="{item.when.isoformat()}">'
        )
        content = f"""<div class="sub_contents">
<div class="article_head"><h1 class="title">{esc(item.title)}</h1>
<p class="info"><span class="date">{item.day.strftime("%Y.%m.%d")}</span>
<span class="dept">{esc(item.agency)}</span></p></div>
<div class="article_body"><div class="view_cont">
{body}
</div></div>
<div class="file_down"><ul>
{files}
</ul></div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", head=head, modified=item)
