"""apis.data.go.kr — the press-release open API (정책브리핑 보도자료): korea.kr's releases.

URL
  /1371000/pressReleaseService/pressReleaseList?serviceKey=K&startDate=YYYYMMDD
      &endDate=YYYYMMDD&pageNo=N&numOfRows=M     (numOfRows default 10, at most 100)

Answer (``text/xml``, UTF-8, HTTP 200 even for errors, as data.go.kr does)::

  <response><header><resultCode>0</resultCode><resultMsg>NORMAL SERVICE.</resultMsg></header>
  <body><NewsItem><NewsItemId>156737804</NewsItemId><Title>…</Title>
    <MinisterCode>1613000</MinisterCode><ApproveDate>07/30/2026 14:00:00</ApproveDate>
    <ModifyDate>07/30/2026 14:00:00</ModifyDate>
    <OriginalUrl>https://www.korea.kr/briefing/pressReleaseView.do?newsId=156737804</OriginalUrl>
    <GroupingCode>MOLIT</GroupingCode><SubTitle1>…</SubTitle1><SubTitle2/><SubTitle3/>
    <DataContents><![CDATA[<p>…</p>]]></DataContents>
    <FileName>a.hwpx|b.pdf</FileName><FileUrl>https://www.korea.kr/common/download.do?fileId=…&amp;tblKey=GMN|…</FileUrl>
  </NewsItem>…<numOfRows>10</numOfRows><pageNo>1</pageNo><totalCount>3</totalCount></body></response>

Errors (no ``<body>``): missing or empty serviceKey → ``30`` "SERVICE KEY IS NOT REGISTERED
ERROR."; missing or malformed dates, or endDate before startDate → ``10`` "INVALID REQUEST
PARAMETER ERROR."; a window where endDate − startDate is more than 3 days → ``10`` with the
message "INVALID REQUEST PARAMETER ERROR. (조회기간은 3일 이내로 입력하세요.)".
Any other path → 404. ModifyDate is the time of the release's last edit in the timeline.
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
            return error("30", "SERVICE KEY IS NOT REGISTERED ERROR.")
        start, end = _api_date(request.arg("startDate")), _api_date(request.arg("endDate"))
        if start is None or end is None or end < start:
            return error("10", "INVALID REQUEST PARAMETER ERROR.")
        if end - start > MAX_WINDOW:
            return error(
                "10", "INVALID REQUEST PARAMETER ERROR. (조회기간은 3일 이내로 입력하세요.)"
            )
        try:
            rows = min(100, max(1, int(request.arg("numOfRows", "10"))))
            number = max(1, int(request.arg("pageNo", "1")))
        except ValueError:
            return error("10", "INVALID REQUEST PARAMETER ERROR.")
        page = self.releases.page(ctx.state, start, end, number, rows)
        items = "".join(self.news_item(item) for item in page.items)
        text = (
            f"{_XML_HEAD}<response><header><resultCode>0</resultCode>"
            "<resultMsg>NORMAL SERVICE.</resultMsg></header><body>"
            f"{items}<numOfRows>{rows}</numOfRows><pageNo>{number}</pageNo>"
            f"<totalCount>{page.total}</totalCount></body></response>"
        )
        return xml_document(text, kind="api")

    def news_item(self, item: Item) -> str:
        file_urls = [
            self.portal.origin + self.portal.download_href(self.releases.file_id(att))
            for att in item.attachments
        ]
        if item.body_in_attachment:
            contents = '<p class="remark">본 자료는 첨부파일을 참고하시기 바랍니다.</p>'
        else:
            contents = paragraphs_html(item.paragraphs)
        subtitles = [*item.subtitle.splitlines(), "", "", ""][:3]
        if not any(subtitles):
            subtitles[0] = item.summary
        stamp = "%m/%d/%Y %H:%M:%S"
        return (
            f"<NewsItem><NewsItemId>{item.id}</NewsItemId><Title>{_x(item.title)}</Title>"
            f"<MinisterCode>{_x(item.minister_code)}</MinisterCode>"
            f"<ApproveDate>{item.when.strftime(stamp)}</ApproveDate>"
            f"<ModifyDate>{item.modified.strftime(stamp)}</ModifyDate>"
            f"<OriginalUrl>{_x(self.portal.article_url(item))}</OriginalUrl>"
            f"<GroupingCode>{_x(item.grouping_code)}</GroupingCode>"
            + "".join(
                f"<SubTitle{index}>{_x(text)}</SubTitle{index}>"
                for index, text in enumerate(subtitles, start=1)
            )
            + f"<DataContents>{_cdata(contents)}</DataContents>"
            f"<FileName>{_x('|'.join(att.name for att in item.attachments))}</FileName>"
            f"<FileUrl>{_x('|'.join(file_urls))}</FileUrl></NewsItem>"
        )
