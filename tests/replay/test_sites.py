"""Every site's list and article pages match the selectors documented in its module."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

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
    rows = page.html().cssselect("table.board-list tbody tr")
    assert len(rows) == 10
    cells = rows[0].cssselect("td")
    assert cells[0].get("class") == "num"
    assert _text(cells[0]) == "13"
    href = rows[0].cssselect("td.subject a")[0].get("href")
    assert re.fullmatch(r"javascript:article\.view\('\d+'\);", href)
    assert rows[0].cssselect("td.subject a i")[0].text
    assert _text(rows[0].cssselect("td.dept")[0])
    assert DATE.match(_text(cells[3]))
    assert _text(rows[0].cssselect("td.hit")[0]).isdigit()

    article = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171830/view")
    tree = article.html()
    assert _text(tree.cssselect(".view-head h3.title")[0]) == "산업단지 대개조 2차 지역 선정 결과"
    info = [_text(li) for li in tree.cssselect(".view-head ul.info li")]
    assert info == ["담당부서 산업입지정책과", "등록일 2026-08-05", "조회 1280"]
    assert "국비 1,800억 원" in _text(tree.cssselect("div.view-cont")[0])
    links = tree.cssselect("div.detail-info li.info-down a")
    assert re.fullmatch(
        r"javascript:location\.href='/attach/down/[0-9a-f]{12}/[0-9a-f]{12}/[0-9a-f]{16}'",
        links[0].get("href"),
    )
    assert re.fullmatch(r"2026-571_.*\(산업통상부\)\.pdf \[\d+\.\d KB\]", _text(links[0]))
    assert links[1].get("href").startswith("/attach/viewer/")
    assert _text(links[1]) == "미리보기"
    viewer = fetch(replay_server, "www.motir.go.kr", links[1].get("href"))
    assert viewer.status == 200
    assert viewer.header("Content-Type") == "text/html; charset=UTF-8"
    assert "국비 1,800억 원" in viewer.text()


def test_motir_release_only_in_attachment(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c/171839/view").html()
    assert "첨부파일을 참고" in _text(tree.cssselect("div.view-cont")[0])
    assert _text(tree.cssselect("li.info-down a")[0]).startswith("2026-580_")


def test_mss(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=1")
    rows = page.html().cssselect("#contents_inner > div > table > tbody > tr")
    assert len(rows) == 10
    cells = rows[0].cssselect("td")
    onclick = cells[1].cssselect("a")[0].get("onclick")
    match = re.fullmatch(r"doBbsFView\('86','(\d+)','16010100','\1'\);return false;", onclick)
    assert match is not None
    assert cells[1].get("class") == "subject"
    assert _text(cells[2])
    assert _text(cells[3])
    assert DOTTED.match(_text(cells[4]))
    files = rows[0].cssselect("td.attached-files a")
    assert files
    assert files[0].get("href").startswith("/common/board/Download.do?bcIdx=")

    view = fetch(replay_server, "www.mss.go.kr", "/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070012")
    tree = view.html()
    assert _text(tree.cssselect(".board_view h3.title")[0]).startswith("글로벌 혁신특구 2차")
    assert _text(tree.cssselect(".board_view p.period")[0]) == "2026.07.22"
    assert _text(tree.cssselect(".board_view p.dept")[0]) == "지역혁신정책과"
    assert "대구 AI로봇" in _text(tree.cssselect(".view_cont")[0])
    names = [_text(name) for name in tree.cssselect(".file_list li .name")]
    assert re.fullmatch(r".+\.hwpx \[\d+\.\d KB\]", names[0])
    links = tree.cssselect(".file_list li .link a")
    assert [_text(link) for link in links] == ["다운로드", "바로보기", "다운로드", "바로보기"]
    download = fetch(replay_server, "www.mss.go.kr", links[0].get("href"))
    assert download.status == 200
    assert download.header("Content-Type") == "application/hwp+zip"
    assert fetch(replay_server, "www.mss.go.kr", links[1].get("href")).status == 200


def test_korea_kr(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.korea.kr", "/briefing/pressReleaseList.do?pageIndex=1")
    items = page.html().cssselect("div.list_type ul li")
    assert len(items) == 10
    link = items[0].cssselect("a")[0]
    assert re.fullmatch(r"/briefing/pressReleaseView\.do\?newsId=\d+", link.get("href"))
    assert _text(link.cssselect("span.text strong")[0])
    assert _text(link.cssselect("span.text span.lead")[0])
    date, agency = (_text(span) for span in link.cssselect("span.source span"))
    assert DATE.match(date)
    assert agency

    tree = fetch(
        replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737804"
    ).html()
    meta = {m.get("property"): m.get("content") for m in tree.cssselect("meta[property]")}
    assert meta["og:title"] == "국가첨단산업단지 15곳 추진 현황 점검 회의 개최"
    assert meta["article:published_time"] == "2026-07-30T14:00:00+09:00"
    assert "15곳" in _text(tree.cssselect(".article_body .view_cont")[0])
    files = tree.cssselect('div.file_down a[href^="/common/download.do?fileId="]')
    assert files[0].get("href").endswith("&tblKey=GMN")


def test_korea_kr_viewer_only_article(replay_server: ReplayServer) -> None:
    tree = fetch(
        replay_server, "www.korea.kr", "/briefing/pressReleaseView.do?newsId=156737905"
    ).html()
    body = tree.cssselect(".article_body .view_cont")[0]
    assert body.cssselect("iframe")[0].get("src").startswith("/docViewer/")
    assert "첨부파일을 참고하시기 바랍니다" in _text(body.cssselect("p.remark")[0])
    assert not body.cssselect("p:not(.remark)")
    viewer = fetch(replay_server, "www.korea.kr", body.cssselect("iframe")[0].get("src"))
    assert "1,000억 원" in viewer.text()


def test_korea_kr_date_filter(replay_server: ReplayServer) -> None:
    path = "/briefing/pressReleaseList.do?startDate=2026-07-27&endDate=2026-07-30&pageIndex=1"
    items = fetch(replay_server, "www.korea.kr", path).html().cssselect("div.list_type li")
    dates = [_text(item.cssselect("span.source span")[0]) for item in items]
    assert dates == ["2026-07-30", "2026-07-29", "2026-07-28", "2026-07-27"]


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
    assert _text(items[0].cssselect("strong.tit")[0])
    assert DOTTED.match(_text(items[0].cssselect("span.date")[0]))
    view = fetch(replay_server, "www.fez.go.kr", href).html()
    assert [_text(dt) for dt in view.cssselect(".bbs-view dl.info dt")] == labels
    assert _text(view.cssselect(".bbs-view h4.tit")[0]) == _text(
        items[0].cssselect("strong.tit")[0]
    )
    assert _text(view.cssselect(".bbs-view div.cont")[0])
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
    assert _text(cells[1])
    assert _text(cells[5]).isdigit()
    view = fetch(replay_server, "www.ifez.go.kr", "/main/pst/view.do?pst_id=noti03&pst_sn=669391")
    tree = view.html("cp949")
    assert (
        _text(tree.cssselect(".board-view h3.title")[0])
        == "송도 바이오 클러스터 2단계 조성 계획 발표"
    )
    assert [_text(li) for li in tree.cssselect(".board-view ul.info li")] == [
        "작성일 2026.07.28",
        "부서 바이오헬스과",
    ]
    paragraphs = tree.cssselect(".board-view .view-content p.HStyle0")
    joined = " ".join(_text(p) for p in paragraphs)
    assert "597억 원" in joined
    assert "목표 입주기업 250개사" in joined
    assert "1,234억 원" in joined
    spans = [_text(span) for span in paragraphs[3].cssselect("span")]
    assert "1,2" in spans[0]
    assert spans[1].startswith("34억 원")
    raw = view.text("cp949")
    assert "1,234억" not in raw
    assert "250개사" not in raw
    file_link = tree.cssselect(".board-view div.file a")[0]
    assert file_link.get("href").startswith("/cmm/fms/FileDown.do?atchFileId=FILE_")


def test_bjfez(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.bjfez.go.kr", "/portal/bbs/B0000003/list.do?pageIndex=1")
    rows = page.html("cp949").cssselect("table.bbs_default.list tbody tr")
    assert len(rows) == 7
    link = rows[0].cssselect("td.subject a")[0]
    assert re.fullmatch(
        r"/portal/bbs/B0000003/view\.do;jsessionid=[0-9A-F]{32}\?nttId=\d+&menuNo=200066",
        link.get("href"),
    )
    assert DATE.match(_text(rows[0].cssselect("td")[3]))
    tree = fetch(replay_server, "www.bjfez.go.kr", link.get("href")).html("cp949")
    assert _text(tree.cssselect(".bbs_view h4.title")[0]) == _text(link)
    info = [_text(li) for li in tree.cssselect(".bbs_view ul.view_info li")]
    assert info[0].startswith("작성일")
    assert info[1].startswith("부서")
    assert _text(tree.cssselect(".bbs_view .view_cont")[0])


def test_gfez(replay_server: ReplayServer) -> None:
    page = fetch(replay_server, "www.gfez.go.kr", "/bbs/content/list.do?bCd=notice&page=1")
    rows = page.html().cssselect("table.tbl_list tbody tr")
    assert len(rows) == 6
    link = rows[-1].cssselect("td.tit a")[0]
    assert link.get("href") == "/bbs/content/view.do?bCd=notice&seq=315"
    tree = fetch(replay_server, "www.gfez.go.kr", link.get("href")).html()
    assert _text(tree.cssselect(".view_wrap h3.view_tit")[0]) == _text(link)
    assert _text(tree.cssselect(".view_wrap .view_info span.date")[0]) == "2026-07-22"
    assert "2,600억 원" in _text(tree.cssselect(".view_wrap .view_con")[0])
    download = tree.cssselect(".view_wrap .view_file a")[0].get("href")
    assert download == "/bbs/content/download.do?bCd=notice&seq=315&fileNo=1"
    assert (
        fetch(replay_server, "www.gfez.go.kr", download).header("Content-Type") == "application/pdf"
    )


def test_dgfez_post_form(replay_server: ReplayServer) -> None:
    path = "/bbs/boardList.do?menuCd=DOM_000000302001000000&pageIndex=1"
    tree = fetch(replay_server, "www.dgfez.go.kr", path).html()
    rows = tree.cssselect("table.board_list tbody tr")
    href = rows[0].cssselect("td.title a")[0].get("href")
    seq = re.fullmatch(r"javascript:fn_view\('(\d+)'\);", href).group(1)  # type: ignore[union-attr]
    form = tree.cssselect("form#viewForm")[0]
    assert form.get("method") == "post"
    assert form.get("action") == "/bbs/boardView.do"
    fields = {field.get("name"): field.get("value") for field in form.cssselect("input")}
    assert fields == {"menuCd": "DOM_000000302001000000", "seq": ""}
    assert fetch(replay_server, "www.dgfez.go.kr", "/bbs/boardView.do").status == 405
    body = f"menuCd=DOM_000000302001000000&seq={seq}".encode()
    post = fetch(
        replay_server,
        "www.dgfez.go.kr",
        "/bbs/boardView.do",
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    view = post.html()
    assert _text(view.cssselect(".board_view h4.tit")[0]) == _text(
        rows[0].cssselect("td.title a")[0]
    )
    assert DOTTED.match(_text(view.cssselect(".board_view p.date")[0]))
    assert _text(view.cssselect(".board_view .view_txt")[0])
    missing = fetch(
        replay_server,
        "www.dgfez.go.kr",
        "/bbs/boardView.do",
        method="POST",
        body=b"menuCd=DOM_000000302001000000&seq=1",
    )
    assert missing.status == 404


def test_kicox(replay_server: ReplayServer) -> None:
    items = (
        fetch(replay_server, "www.kicox.or.kr", "/boardList/1016?pageIndex=1")
        .html()
        .cssselect("ul.board-list li a")
    )
    assert len(items) == 7
    href = items[0].get("href")
    assert re.fullmatch(r"/boardDetail/1016\?bbsSeq=\d+&sid=[0-9A-F]{32}", href)
    assert DATE.match(_text(items[0].cssselect("span.date")[0]))
    tree = fetch(replay_server, "www.kicox.or.kr", href).html()
    assert _text(tree.cssselect(".board-detail h3.subject")[0]) == _text(
        items[0].cssselect("p.subject")[0]
    )
    files = tree.cssselect(".board-detail ul.files li a")
    assert re.fullmatch(r"/fileDownload\?fileSeq=\d+", files[0].get("href"))
    assert fetch(replay_server, "www.kicox.or.kr", files[0].get("href")).status == 200


def test_busan_page_has_only_a_summary(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.busan.go.kr", "/nbtnewsBU?curPage=1").html()
    items = tree.cssselect(".boardTextGallery a.item")
    assert len(items) == 10
    writer = _text(items[0].cssselect("p.writer")[0]).split(" | ")
    assert len(writer) == 4
    assert DATE.match(writer[3])
    assert _text(items[0].cssselect(".tgTxt p.txtL")[0])
    view = fetch(replay_server, "www.busan.go.kr", items[-1].get("href")).html()
    pairs = {
        _text(dl.cssselect("dt")[0]): _text(dl.cssselect("dd")[0])
        for dl in view.cssselect(".boardView dl")
    }
    assert list(pairs)[:6] == ["부서명", "작성자", "전화번호", "작성일", "조회수", "부제목"]
    assert _text(view.cssselect(".boardView div.contents")[0]).startswith("◈ ")
    link = view.cssselect(".boardView ul.file li a")[0].get("href")
    assert re.fullmatch(r"/comm/getFile\?srvcId=BBSTY3&upperNo=\d+&fileTy=ATTACH&fileNo=1", link)


def test_incheon(replay_server: ReplayServer) -> None:
    items = (
        fetch(replay_server, "www.incheon.go.kr", "/IC010205?curPage=1")
        .html()
        .cssselect(".board-blog-list ul li a")
    )
    href = items[1].get("href")
    assert href == "/IC010205/view?repSeq=DOM_0000000014462863&repDt=2026-08-03"
    tree = fetch(replay_server, "www.incheon.go.kr", href).html()
    assert _text(tree.cssselect(".board-view h3.board-view-title")[0]) == _text(
        items[1].cssselect("strong.subject")[0]
    )
    assert _text(tree.cssselect("ul.board-view-info li")[0]) == "작성일 2026-08-03"
    assert _text(tree.cssselect(".board-view-content")[0])
    assert (
        tree.cssselect("ul.board-view-file li a")[0]
        .get("href")
        .startswith("/comm/fileDownload.do?fileId=")
    )


def test_daegu(replay_server: ReplayServer) -> None:
    page = fetch(
        replay_server, "info.daegu.go.kr", "/newshome/mtnmain.php?mtnkey=scatelist&mkey=26&page=1"
    )
    tree = page.html("euc_kr")
    links = tree.cssselect("ul.news_list li a")
    assert len(links) == 6
    assert not tree.cssselect("ul.news_list .date")
    href = links[0].get("href")
    assert re.fullmatch(
        r"\./mtnmain\.php\?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=\d+", href
    )
    view = fetch(replay_server, "info.daegu.go.kr", "/newshome/" + href.removeprefix("./"))
    article = view.html("euc_kr")
    assert _text(article.cssselect(".article_head h2")[0]) == _text(links[0])
    assert re.fullmatch(
        r"입력 \d{4}-\d{2}-\d{2} \d{2}:\d{2}", _text(article.cssselect("span.article_date")[0])
    )
    assert _text(article.cssselect("div.article_view_content")[0])


def test_korea_net_article(replay_server: ReplayServer) -> None:
    tree = fetch(replay_server, "www.korea.net", "/NewsFocus/policies/view?articleId=270133").html()
    assert "USD 1.94 billion" in _text(tree.cssselect("div.view-content")[0])


MULTI_PAGE = [
    ("www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex={}", "table.board-list tbody tr", 13),
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


def test_list_links_resolve(replay_server: ReplayServer) -> None:
    """Every article link on the first list pages answers 200 (jsessionid/sid ignored)."""
    checks = [
        ("www.fez.go.kr", "/portal/ko/bbs/news/list.do?page=1", "ul.news-list a"),
        ("www.kicox.or.kr", "/boardList/1016?pageIndex=1", "ul.board-list a"),
        ("www.incheon.go.kr", "/IC010205?curPage=1", ".board-blog-list a"),
        ("www.busan.go.kr", "/nbtnewsBU?curPage=1", ".boardTextGallery a.item"),
    ]
    for host, path, selector in checks:
        for link in fetch(replay_server, host, path).html().cssselect(selector):
            href = link.get("href")
            assert fetch(replay_server, host, href).status == 200, (host, href)
            assert parse_qs(urlsplit(href).query) or "/nbtnewsBU/" in href
