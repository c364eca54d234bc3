"""apis.data.go.kr — the press-release open API (정책브리핑 보도자료): korea.kr's releases.

After ``sources.md`` (2nd edition) and ``pressrelease-api.skeleton.xml``:

URL
  /1371000/pressReleaseService/pressReleaseList?serviceKey=K&startDate=YYYYMMDD
      &endDate=YYYYMMDD&pageNo=N&numOfRows=M     (numOfRows default 10, at most 100;
      ``pageNo`` is ignored, as reported: page 2 is page 1)

Answer (``text/xml``, UTF-8, HTTP 200 even for errors, as data.go.kr does)::

  <response><header><resultCode>0</resultCode><resultMsg>NORMAL_SERVICE</resultMsg></header>
  <body><NewsItem><NewsItemId/><ContentsStatus/><ModifyDate>MM/DD/YYYY HH:MM:SS</ModifyDate>
    <ApproveDate/><EmbargoDate/><MinisterCode>(the ministry's NAME)</MinisterCode>
    <GroupingCode/><Title><![CDATA[…]]></Title><SubTitle1-3/>
    <DataContents><![CDATA[<p>…</p>]]></DataContents><OriginalUrl/>
    <FileName>a.hwpx</FileName><FileUrl>…</FileUrl><FileName>b.pdf</FileName><FileUrl>…</FileUrl>
  </NewsItem>…<numOfRows/><pageNo/><totalCount/></body></response>

One ``FileName``/``FileUrl`` sibling pair per attachment. ``sources.md`` gives the three error
messages and result code 3 for "no data"; the other codes, ``INVALID_REQUEST_PARAMETER_ERROR``,
``NODATA_ERROR`` and the missing ``<body>`` below are **unverified** choices of this copy:
no or empty serviceKey → ``30 SERVICE_KEY_IS_NOT_REGISTERED_ERROR``; a missing
date → ``11 NO_MANDATORY_REQUEST_PARAMETERS_ERROR``; a malformed date or endDate before
startDate → ``10 INVALID_REQUEST_PARAMETER_ERROR``; a window over 3 days →
``THREE_DAYS_OVER_ERROR`` (its code is **unverified**: ``THREE_DAYS_OVER`` below); a window
with no release → ``3 NODATA_ERROR`` (an empty window, not a failure). Any other path → 404.
ModifyDate is the time of the release's last edit in the timeline; ContentsStatus
(**unverified** values) is ``U`` once edited, else ``I``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from zonewatch.replay.content import Item
from zonewatch.replay.messages import Request, Response, plain_text, xml_document
from zonewatch.replay.pages import Chrome, Ctx, Site, paragraphs_html
from zonewatch.replay.releases import ReleaseSource
from zonewatch.replay.site_korea import KoreaKr

PATH = "/1371000/pressReleaseService/pressReleaseList"
MAX_WINDOW = timedelta(days=3)
THREE_DAYS_OVER = "10"
"""The resultCode sent with THREE_DAYS_OVER_ERROR (unverified)."""
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def _api_date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def error(code: str, message: str) -> Response:
    text = (
        f"{_XML_HEAD}<response><header><resultCode>{code}</resultCode>"
        f"<resultMsg>{_x(message)}</resultMsg></header></response>"
    )
    return xml_document(text, kind="api")


class DataApi(Site):
    host = "apis.data.go.kr"
    entry_paths = (PATH,)
    chrome = Chrome(
        name="공공데이터포털 오픈API",
        nav=(("공공데이터포털", "https://www.data.go.kr/"),),
        address="(03171) 서울특별시 종로구 세종대로 209 한국지능정보사회진흥원",
    )

    def __init__(self, releases: ReleaseSource, portal: KoreaKr) -> None:
        self.releases = releases
        self.portal = portal

    def article_url(self, item: Item) -> str:
        return self.portal.article_url(item)

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path != PATH:
            return plain_text("API not found\n", status=404, kind="error")
        if not request.arg("serviceKey").strip():
            return error("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR")
        if not request.arg("startDate") or not request.arg("endDate"):
            return error("11", "NO_MANDATORY_REQUEST_PARAMETERS_ERROR")
        start, end = _api_date(request.arg("startDate")), _api_date(request.arg("endDate"))
        if start is None or end is None or end < start:
            return error("10", "INVALID_REQUEST_PARAMETER_ERROR")
        if end - start > MAX_WINDOW:
            return error(THREE_DAYS_OVER, "THREE_DAYS_OVER_ERROR")
        try:
            rows = min(100, max(1, int(request.arg("numOfRows", "10"))))
        except ValueError:
            return error("10", "INVALID_REQUEST_PARAMETER_ERROR")
        page = self.releases.page(ctx.state, start, end, 1, rows)
        if not page.items:
            return error("3", "NODATA_ERROR")
        items = "".join(self.news_item(item) for item in page.items)
        text = (
            f"{_XML_HEAD}<response><header><resultCode>0</resultCode>"
            "<resultMsg>NORMAL_SERVICE</resultMsg></header><body>"
            f"{items}<numOfRows>{rows}</numOfRows><pageNo>{_x(request.arg('pageNo', '1'))}"
            f"</pageNo><totalCount>{page.total}</totalCount></body></response>"
        )
        return xml_document(text, kind="api")

    def news_item(self, item: Item) -> str:
        if item.body_in_attachment:
            contents = '<p class="remark">본 자료는 첨부파일을 참고하시기 바랍니다.</p>'
        else:
            contents = paragraphs_html(item.paragraphs)
        subtitles = [*item.subtitle.splitlines(), "", "", ""][:3]
        if not any(subtitles):
            subtitles[0] = item.summary
        stamp = "%m/%d/%Y %H:%M:%S"
        files = "".join(
            f"<FileName>{_x(att.name)}</FileName>"
            f"<FileUrl>{_x(self.portal.origin + self.portal.download_href(att))}</FileUrl>"
            for att in item.attachments
        )
        return (
            f"<NewsItem><NewsItemId>{item.id}</NewsItemId>"
            f"<ContentsStatus>{'U' if item.modified > item.when else 'I'}</ContentsStatus>"
            f"<ModifyDate>{item.modified.strftime(stamp)}</ModifyDate>"
            f"<ApproveDate>{item.when.strftime(stamp)}</ApproveDate><EmbargoDate></EmbargoDate>"
            f"<MinisterCode>{_x(item.agency)}</MinisterCode>"
            f"<GroupingCode>{_x(item.grouping_code)}</GroupingCode>"
            f"<Title>{_cdata(item.title)}</Title>"
            + "".join(
                f"<SubTitle{index}>{_x(text)}</SubTitle{index}>"
                for index, text in enumerate(subtitles, start=1)
            )
            + f"<DataContents>{_cdata(contents)}</DataContents>"
            f"<OriginalUrl>{_x(self.portal.article_url(item))}</OriginalUrl>{files}</NewsItem>"
        )
