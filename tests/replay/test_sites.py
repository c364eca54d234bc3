"""Every site's list and article pages match the selectors documented in its module."""

from __future__ import annotations

import http.client
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from lxml import html as lxml_html

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DOTTED = re.compile(r"^\d{4}\.\d{2}\.\d{2}$")


def _text(element: object) -> str:
    return str(element.text_content()).strip()  # type: ignore[attr-defined]


def test_motir(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex=1")
    assert page.status == 200
    assert page.header("Content-Type") == "text/html; charset=UTF-8"
    tree = page.html()
    assert not tree.cssselect("table.board-list, td.subject, td.dept")
    rows = tree.cssselect("div.board-tbl.board-list table tbody tr")
    assert len(rows) == 10
    cells = rows[0].cssselect("td")
    assert _text(cells[0]) == "13"
    link = rows[0].cssselect("td.ta-l div.board-link a")[0]
    assert re.fullmatch(r"javascript:article\.view\('\d{6}'\);", link.get("href"))
    assert link.cssselect("i")[0].text
    assert _text(cells[2])
    assert DATE.match(_text(cells[3]))
    assert _text(cells[4]).isdigit()

    article = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
    tree = article.html()
    assert not tree.cssselect("div.view-head, h3.title, div.view-cont")
    meta = tree.cssselect('meta[property="og:title"]')[0]
    assert meta.get("content") == "산업통상부"
    detail = tree.cssselect("div.board-detail")[0]
    assert _text(detail.cssselect("div.detail-tit span")[0]) == "산업단지 대개조 2차 지역 선정 결과"
    fields = {
        _text(li.cssselect("em")[0]): _text(li.cssselect("span")[0])
        for li in detail.cssselect("div.detail-info li:not(.info-down)")
    }
    assert fields["담당부서"] == "산업입지정책과"
    assert fields["등록일"] == "2026-08-05"
    assert fields["조회수"] == "1280"
    assert list(fields) == ["담당자", "담당부서", "연락처", "등록일", "조회수"]
    assert "국비 1,800억 원" in _text(detail.cssselect("div.detail-cont")[0])
    links = detail.cssselect("li.info-down a")
    assert re.fullmatch(
        r"javascript:location\.href='/attach/down/[0-9a-f]{32}/[0-9a-f]{32}/[0-9a-f]{32}'",
        links[0].get("href"),
    )
    assert re.fullmatch(r"2026-571_.*\(산업통상부\)\.pdf \[\d+\.\d KB\]", _text(links[0]))
    assert re.fullmatch(
        r"/attach/viewer/[0-9a-f]{32}/[0-9a-f]{32}/[0-9a-f]{32}", links[1].get("href")
    )
    viewer = fetch(replay_server, "www.motir.go.kr", links[1].get("href"))
    assert viewer.status == 200
    assert "국비 1,800억 원" in viewer.text()
    previous = tree.cssselect("div.board-nav li span a")[0].get("href")
    assert re.fullmatch(r"javascript:article\.view\('\d{6}'\);", previous)


def test_motir_release_only_in_attachment(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171839/view").html()
    assert "첨부파일을 참고" in _text(tree.cssselect("div.detail-cont")[0])
    assert _text(tree.cssselect("li.info-down a")[0]).startswith("2026-580_")


def test_mss(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=1")
    rows = page.html().cssselect("#contents_inner > div > table > tbody > tr")
    assert len(rows) == 10
    match = re.fullmatch(
        r"doBbsFView\('86','(\d+)','16010100','\1'\);return false;", rows[0].get("onclick")
    )
    assert match is not None
    link = rows[0].cssselect("td.subject a")[0]
    assert link.get("href") == "#view"
    assert link.get("onclick") is None
    assert _text(rows[0].cssselect("td.cd_subject")[0])
    cells = rows[0].cssselect("td")
    assert DOTTED.match(_text(cells[4]))
    assert _text(cells[5]).isdigit()
    hidden = rows[0].cssselect("td.attached-files span.single-file")
    assert hidden[0].get("data-href").startswith("/common/board/Download.do?bcIdx=")

    view = fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070012")
    tree = view.html()
    assert tree.cssselect('meta[property="og:title"]')[0].get("content") == "중소벤처기업부"
    assert _text(tree.cssselect("div.board_view > h4")[0]).startswith("글로벌 혁신특구 2차")
    labels = [_text(th) for th in tree.cssselect("div.board_view tr.web th")]
    values = [_text(td) for td in tree.cssselect("div.board_view tr.web td")]
    assert dict(zip(labels, values, strict=True)) == {
        "담당부서": "지역혁신정책과",
        "등록일": "2026.07.22",
    }
    textarea = tree.cssselect("div.view_contents textarea#editContents")[0]
    assert textarea.get("style") == "display: none;"
    assert "&lt;br /&gt;" in view.text()  # escaped HTML, unescaped once by the parser
    body = lxml_html.fromstring(f"<div>{textarea.text}</div>")
    assert "대구 AI로봇" in _text(body)
    assert body.cssselect("br")
    names = [_text(name) for name in tree.cssselect("td.file_list li span.name")]
    assert re.fullmatch(r".+\.hwpx \[[\d,]+\.\d\d KB\]", names[0])
    links = tree.cssselect("td.file_list li div.link a")
    assert [_text(link) for link in links] == ["바로보기", "내려받기", "바로보기", "내려받기"]
    download = fetch(replay_server, "www.mss.go.kr", links[1].get("href"))
    assert download.status == 200
    assert download.header("Content-Type") == "application/hwp+zip"


def test_korea_kr(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseList.do?pageIndex=1")
    tree = page.html()
    assert tree.cssselect('div.sch_result a[href*="pressReleaseView.do?newsId="]')
    items = tree.cssselect("div.list_type ul li")
    assert len(items) == 10
    link = items[0].cssselect('a[href*="pressReleaseView.do?newsId="]')[0]
    assert re.match(r"/briefing/pressReleaseView\.do\?newsId=\d+&pageIndex=1&", link.get("href"))
    assert _text(link.cssselect("span.text strong")[0])
    assert _text(link.cssselect("span.lead")[0])
    date, agency = (_text(span) for span in link.cssselect("span.source span"))
    assert DOTTED.match(date)
    assert agency

    tree = fetch(
        replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737804"
    ).html()
    meta = {m.get("property"): m.get("content") for m in tree.cssselect("meta[property]")}
    assert meta["og:title"] == "국가첨단산업단지 15곳 추진 현황 점검 회의 개최"
    assert meta["article:published_time"] == "2026-07-30T14:00:00+09:00"
    wrap = tree.cssselect("div.article_wrap")[0]
    assert "15곳" in _text(wrap.cssselect(".view_cont")[0])
    links = [a.get("href") for a in wrap.cssselect("div.filedown dl dd p a")]
    file_ids = {re.search(r"fileId=(\d+)", href).group(1) for href in links}  # type: ignore[union-attr]
    assert len(file_ids) == 1
    assert links[0].startswith("/common/download.do?fileId=")
    assert links[0].endswith("&tblKey=GMN")
    assert links[1].startswith("/common/docViewer.do?fileId=")


def test_korea_kr_viewer_only_article(replay_server: ReplayServer) -> None:
    tree = fetch(
        replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737905"
    ).html()
    body = tree.cssselect(".article_wrap .view_cont")[0]
    assert body.cssselect("iframe")[0].get("src").startswith("/common/docViewer.do?fileId=")
    assert "첨부파일을 참고하시기 바랍니다" in _text(body.cssselect("p.remark")[0])
    assert not body.cssselect("p:not(.remark)")
    viewer = fetch(replay_server, "www.korea.kr", body.cssselect("iframe")[0].get("src"))
    assert "1,000억 원" in viewer.text()


def test_korea_kr_date_filter(replay_server: ReplayServer) -> None:
    path = "/briefing/pressReleaseList.do?startDate=2026-07-27&endDate=2026-07-30&pageIndex=1"
    items = fetch(replay_server, "www.korea.kr", path).html().cssselect("div.list_type li")
    dates = [_text(item.cssselect("span.source span")[0]) for item in items]
    assert dates == ["2026.07.30", "2026.07.29", "2026.07.28", "2026.07.27"]
    assert "startDate=2026-07-27" in items[0].cssselect("a")[0].get("href")


def test_browser_only_sites_refuse_other_user_agents(replay_server: ReplayServer) -> None:
    robot = {"User-Agent": "zonewatch/0.1 (+https://example.invalid/)"}
    assert fetch(replay_server, "www.kicox.or.kr", "/boardList/1103", headers=robot).status == 400
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseList.do", headers=robot)
    assert fetch(replay_server, "www.mss.go.kr", "/", headers=robot).status == 200
    with ReplayServer(strict=False) as lenient:
        assert fetch(lenient, "www.kicox.or.kr", "/boardList/1103", headers=robot).status == 200


@pytest.mark.parametrize(
    ("lang", "labels"), [("ko", ["등록일", "조회수"]), ("en", ["Registered", "Views"])]
)
def test_fez(replay_server: ReplayServer, lang: str, labels: list[str]) -> None:
    page = fetch(replay_server, "www.fez.go.kr", f"/portal/{lang}/bbs/news/list.do?page=1")
    items = page.html().cssselect("ul.news-list li a")
    assert items
    href = items[0].get("href")
    assert re.fullmatch(
        rf"/portal/{lang}/bbs/news/view\.do;jsessionid=[0-9A-F]{{32}}\?nttId=\d+", href
    )
    assert DOTTED.match(_text(items[0].cssselect("span.date")[0]))
    view = fetch(replay_server, "www.fez.go.kr", href).html()
    assert [_text(dt) for dt in view.cssselect(".bbs-view dl.info dt")] == labels
    assert _text(view.cssselect(".bbs-view h4.tit")[0]) == _text(
        items[0].cssselect("strong.tit")[0]
    )
    files = view.cssselect(".bbs-view ul.attach li a")
    if files:
        assert fetch(replay_server, "www.fez.go.kr", files[0].get("href")).status == 200
    if lang == "en":
        assert (
            "Songdo"
            in fetch(replay_server, "www.fez.go.kr", "/portal/en/bbs/news/view.do?nttId=518").text()
        )


def test_ifez(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.ifez.go.kr", "/main/pst/list.do?pst_id=noti03&page=1")
    rows = page.html("cp949").cssselect("#real_contents div.board table tbody tr")
    assert len(rows) == 10
    cells = rows[0].cssselect("td")
    link = cells[2].cssselect("a")[0]
    assert re.fullmatch(r"/main/pst/view\.do\?pst_id=noti03&pst_sn=\d+", link.get("href"))
    assert DOTTED.match(_text(cells[4]))
    view = fetch(replay_server, "www.ifez.go.kr", "/main/pst/view.do?pst_id=noti03&pst_sn=669391")
    tree = view.html("cp949")
    assert [_text(li) for li in tree.cssselect(".board-view ul.info li")] == [
        "작성일 2026.07.28",
        "부서 바이오헬스과",
    ]
    paragraphs = tree.cssselect(".board-view .view-content p.HStyle0")
    joined = " ".join(_text(p) for p in paragraphs)
    assert "597억 원" in joined
    assert "1,234억 원" in joined
    raw = view.text("cp949")
    assert "1,234억" not in raw
    file_link = tree.cssselect(".board-view div.file a")[0].get("href")
    assert re.fullmatch(r"/other/attach/process\.file\.do\?TP=dn&key=[0-9a-f]{32}&sn=\d", file_link)
    assert fetch(replay_server, "www.ifez.go.kr", file_link).status == 200


def test_bjfez(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.bjfez.go.kr", "/portal/bbs/B0000003/list.do?pageIndex=1")
    rows = page.html("cp949").cssselect("table.bbs_default.list tbody tr")
    assert len(rows) == 7
    link = rows[0].cssselect("td.subject a")[0]
    assert re.fullmatch(
        r"/portal/bbs/B0000003/view\.do;jsessionid=[0-9A-F]{32}\?nttId=\d+&menuNo=200066",
        link.get("href"),
    )
    tree = fetch(replay_server, "www.bjfez.go.kr", link.get("href")).html("cp949")
    assert _text(tree.cssselect(".bbs_view h4.title")[0]) == _text(link)
    assert _text(tree.cssselect(".bbs_view ul.view_info li")[0]).startswith("작성일")


def test_gfez(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.gfez.go.kr", "/bbs/content/list.do?bCd=notice&page=1")
    rows = page.html().cssselect("table.tbl_list tbody tr")
    assert len(rows) == 6
    link = rows[-1].cssselect("td.tit a")[0]
    assert link.get("href") == "/bbs/content/view.do?bCd=notice&seq=315"
    tree = fetch(replay_server, "www.gfez.go.kr", link.get("href")).html()
    assert _text(tree.cssselect(".view_wrap .view_info span.date")[0]) == "2026-07-22"
    download = tree.cssselect(".view_wrap .view_file a")[0].get("href")
    assert download == "/bbs/content/download.do?bCd=notice&seq=315&fileNo=1"
    assert (
        fetch(replay_server, "www.gfez.go.kr", download).header("Content-Type") == "application/pdf"
    )


def test_dgfez_post_form(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.dgfez.go.kr", "/page.php?mnu_uid=319&page=1").html()
    rows = tree.cssselect("table.board_list tbody tr")
    href = rows[0].cssselect("td.title a")[0].get("href")
    seq = re.fullmatch(r"javascript:fn_view\('(\d+)'\);", href).group(1)  # type: ignore[union-attr]
    form = tree.cssselect("form#viewForm")[0]
    assert form.get("method") == "post"
    assert form.get("action") == "/page.php?mnu_uid=319"
    fields = {field.get("name"): field.get("value") for field in form.cssselect("input")}
    assert fields == {"mode": "view", "seq": ""}
    assert fetch(replay_server, "www.dgfez.go.kr", "/page.php?mnu_uid=319&mode=view").status == 405
    post = fetch(
        replay_server,
        "www.dgfez.go.kr",
        "/page.php?mnu_uid=319",
        method="POST",
        body=f"mode=view&seq={seq}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    view = post.html()
    assert _text(view.cssselect(".board_view h4.tit")[0]) == _text(
        rows[0].cssselect("td.title a")[0]
    )
    assert DOTTED.match(_text(view.cssselect(".board_view p.date")[0]))
    missing = fetch(
        replay_server,
        "www.dgfez.go.kr",
        "/page.php?mnu_uid=319",
        method="POST",
        body=b"mode=view&seq=1",
    )
    assert missing.status == 404
    assert fetch(replay_server, "www.dgfez.go.kr", "/robots.txt").status == 404


def test_kicox(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.kicox.or.kr", "/boardList/1103?pageIndex=1").html()
    rows = tree.cssselect("table.board tbody tr")
    pinned = [row for row in rows if row.cssselect("td.web img")]
    assert len(pinned) == 2
    assert len(rows) == 2 + 7  # the pinned rows, then every row in its place
    link = rows[0].cssselect("td.cont a")[0]
    assert link.get("href") == "#none"
    seq = re.fullmatch(r"bbsArticleDet\('(\d+)'\)", link.get("onclick")).group(1)  # type: ignore[union-attr]
    assert DATE.match(_text(rows[0].cssselect("td.b_date")[0]))
    article = fetch(replay_server, "www.kicox.or.kr", f"/boardDetail/1103?bbsSeq={seq}").html()
    assert article.cssselect("meta#ogTitle")[0].get("content") == "한국산업단지공단"
    assert _text(article.cssselect("div.detPage div.tbody")[0])
    with_file = fetch(replay_server, "www.kicox.or.kr", "/boardDetail/1103?bbsSeq=49620").html()
    button = with_file.cssselect("div.detPage button")[0]
    file_id, uuid = re.fullmatch(  # type: ignore[union-attr]
        r"fnFileDownload\('(\d+)','([0-9a-f-]{36})'\)", button.get("onclick")
    ).groups()
    assert button.get("href") is None
    download = f"/fileDownload?fileSeq={file_id}&uuid={uuid}"
    assert fetch(replay_server, "www.kicox.or.kr", download).status == 200
    assert fetch(replay_server, "www.kicox.or.kr", "/boardList/1016").status == 404


def test_busan(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.busan.go.kr", "/nbtnewsBU?curPage=1").html()
    items = tree.cssselect(".boardTextGallery a.item")
    assert len(items) == 10
    writer = _text(items[0].cssselect(".writer")[0]).split(" | ")
    assert len(writer) == 4
    assert DATE.match(writer[3])
    assert _text(items[0].cssselect(".tgTxt .txtL")[0])
    view = fetch(replay_server, "www.busan.go.kr", items[-1].get("href")).html()
    title = _text(view.cssselect(".form-data-subject strong")[0])
    og = view.cssselect('meta[property="og:title"]')[0].get("content")
    assert og == f"{title} : 부산소식"
    info = view.cssselect("dl.form-data-info")
    assert len(info) == 1
    pairs = dict(
        zip(
            (_text(dt) for dt in info[0].cssselect("dt")),
            (_text(dd) for dd in info[0].cssselect("dd")),
            strict=True,
        )
    )
    assert DATE.match(pairs["작성일"])
    assert _text(view.cssselect(".inner-content")[0]).startswith("◈ ")
    link = view.cssselect("ul.attfiles a")[0].get("href")
    assert re.fullmatch(r"/comm/getFile\?srvcId=BBSTY3&upperNo=\d+&fileTy=ATTACH&fileNo=1", link)
    assert fetch(replay_server, "www.busan.go.kr", link).body.startswith(b"%PDF")


def test_incheon(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.incheon.go.kr", "/IC010205?curPage=1").html()
    items = tree.cssselect('a[href*="/IC010205/view?repSeq="]')
    href = items[1].get("href")
    assert href == "/IC010205/view?repSeq=DOM_0000000014462863&curPage=1"
    assert [_text(dt) for dt in items[1].cssselect("div.txt-area dl dt")] == ["제공일자"]
    assert _text(items[1].cssselect("div.txt-area dl dd")[0]) == "2026-08-03"
    view = fetch(replay_server, "www.incheon.go.kr", href).html()
    assert _text(view.cssselect(".board-view h3.board-view-title")[0]) == _text(
        items[1].cssselect("strong.subject")[0]
    )
    body = view.cssselect("div.board-view-contents.cms_content")[0]
    assert _text(body)
    assert not body.cssselect("p")
    file_link = view.cssselect("ul.board-view-file li a")[0].get("href")
    assert fetch(replay_server, "www.incheon.go.kr", file_link).status == 200


def test_daegu(replay_server: ReplayServer) -> None:
    page = fetch(
        replay_server, "info.daegu.go.kr", "/newshome/mtnmain.php?mtnkey=scatelist&mkey=26&bpage=1"
    )
    rows = page.html().cssselect("#table_article table tr")
    assert [_text(th) for th in rows[0].cssselect("th")] == ["번호", "제목", "첨부", "등록일"]
    rows = rows[1:]
    assert len(rows) == 6
    href = rows[0].cssselect("td")[1].cssselect("a")[0].get("href")
    assert re.fullmatch(
        r"\./mtnmain\.php\?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=\d+&bpage=1&stext=",
        href,
    )
    assert DATE.match(_text(rows[0].cssselect("td")[3]))
    view = fetch(replay_server, "info.daegu.go.kr", "/newshome/" + href.removeprefix("./"))
    article = view.html().cssselect("#article")[0]
    assert _text(article.cssselect(".title")[0]) == _text(rows[0].cssselect("td a")[0])
    assert DATE.match(_text(article.cssselect(".info_wrap .info .date")[0]))
    assert [_text(dt) for dt in article.cssselect(".info_wrap .dept dl dt")] == [
        "담당부서",
        "담당자",
    ]
    assert _text(article.cssselect(".article_view_content")[0])
    withfile = fetch(
        replay_server,
        "info.daegu.go.kr",
        "/newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=12340",
    ).html()
    call = withfile.cssselect("#files a")[0].get("href")
    name, faid = re.fullmatch(r"javascript:filedownload\('(.+)','(\d+)'\)", call).groups()  # type: ignore[union-attr]
    download = f"/enewspaper/file_download.php?filename={quote(name)}&faid={faid}&in_cnt=1"
    assert fetch(replay_server, "info.daegu.go.kr", download).status == 200


def test_korea_net_article(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.korea.net", "/NewsFocus/policies/view?articleId=270133").html()
    assert "USD 1.94 billion" in _text(tree.cssselect("div.view-content")[0])


MULTI_PAGE = [
    ("www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex={}", "div.board-list tbody tr", 13),
    ("www.mss.go.kr", "/site/smba/ex/bbs/List.do?cbIdx=86&pageIndex={}", "td.subject a", 11),
    ("www.korea.kr", "/briefing/pressReleaseList.do?pageIndex={}", "div.list_type li", 12),
    ("www.busan.go.kr", "/nbtnewsBU?curPage={}", ".boardTextGallery a.item", 11),
]


@pytest.mark.parametrize(("host", "template", "selector", "total"), MULTI_PAGE)
def test_pagination(
    replay_server: ReplayServer, host: str, template: str, selector: str, total: int
) -> None:
    pages = [
        fetch(replay_server, host, template.format(number)).html().cssselect(selector)
        for number in (1, 2, 3)
    ]
    assert [len(rows) for rows in pages] == [10, total - 10, 0]
    seen = {_text(row) for rows in pages for row in rows}
    assert len(seen) == total


def test_ifez_second_page(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.ifez.go.kr", "/main/pst/list.do?pst_id=noti03&page=2")
    assert len(page.html("cp949").cssselect("#real_contents table tbody tr")) == 1


def test_pages_link_like_the_real_sites(replay_server: ReplayServer) -> None:
    """No replay-prefixed or loopback links: the crawler maps real URLs itself."""
    for host, site in replay_server.sites.items():
        for path in site.entry_paths:
            text = fetch(replay_server, host, path).body.decode("cp949", "replace")
            assert "127.0.0.1" not in text
            hrefs = re.findall(r'(?:href|src)="([^"]*)"', text)
            for href in hrefs:
                parts = urlsplit(href.replace("&amp;", "&"))
                assert not parts.path.startswith(tuple(f"/{name}/" for name in replay_server.sites))
                assert parts.scheme in ("", "http", "https", "javascript"), href


def test_unknown_paths_and_boards_are_404(replay_server: ReplayServer) -> None:
    assert (
        fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/1/view").status == 404
    )
    assert (
        fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/List.do?cbIdx=310").status == 404
    )
    assert fetch(replay_server, "www.korea.kr", "/rss/pressrelease.xml").status == 404
    assert fetch(replay_server, "www.korea.kr", "/rss/dept_motie.xml").status == 404
    assert fetch(replay_server, "www.busan.go.kr", "/nowhere").status == 404
    assert fetch(replay_server, "www.kicox.or.kr", "/boardList/1104").status == 404


def test_list_links_resolve(replay_server: ReplayServer) -> None:
    """Every article link on the first list pages answers 200 (jsessionid/sid ignored)."""
    checks = [
        ("www.fez.go.kr", "/portal/ko/bbs/news/list.do?page=1", "ul.news-list a"),
        ("www.incheon.go.kr", "/IC010205?curPage=1", ".board-blog-list a"),
        ("www.busan.go.kr", "/nbtnewsBU?curPage=1", ".boardTextGallery a.item"),
    ]
    for host, path, selector in checks:
        for link in fetch(replay_server, host, path).html().cssselect(selector):
            href = link.get("href")
            assert fetch(replay_server, host, href).status == 200, (host, href)
            assert parse_qs(urlsplit(href).query) or "/nbtnewsBU/" in href
