"""Canonical links: session ids and tracking parameters go, what names an article stays."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from parsel import Selector

from zonewatch.config.parsers import BoardParser
from zonewatch.config.sources import load_sources
from zonewatch.crawlers.boardpage import row_id
from zonewatch.crawlers.feeds import entry_id
from zonewatch.urls import canonical_url, without_session_ids

ARTICLE = "https://www.fez.go.kr/portal/ko/bbs/news/view.do?nttId=518"

CLEANED = [
    # Servlet session ids in the path, in any case, wherever the site puts them.
    (
        "https://www.fez.go.kr/portal/ko/bbs/news/view.do;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9?nttId=518",
        ARTICLE,
    ),
    (
        "https://www.fez.go.kr/portal/ko/bbs/news/view.do;JSESSIONID=abc.node1?nttId=518",
        ARTICLE,
    ),
    (
        "https://www.busan.go.kr/nbtnewsBU/1234567;jsessionid=XYZ",
        "https://www.busan.go.kr/nbtnewsBU/1234567",
    ),
    (
        "https://x.go.kr/board;phpsessid=9f8e7d/view.php?idx=3",
        "https://x.go.kr/board/view.php?idx=3",
    ),
    (
        "https://x.go.kr/view.do;jsessionid=A;version=2?seq=9",
        "https://x.go.kr/view.do;version=2?seq=9",
    ),
    # Session ids in the query, first, middle or last; the rest keep their order and text.
    (
        "https://www.gfez.go.kr/bbs/content/view.do?sid=0A1B2C&bCd=notice&seq=1234",
        "https://www.gfez.go.kr/bbs/content/view.do?bCd=notice&seq=1234",
    ),
    (
        "https://www.bjfez.go.kr/portal/bbs/B0000003/view.do?nttId=12&PHPSESSID=ab12&menuNo=200066",
        "https://www.bjfez.go.kr/portal/bbs/B0000003/view.do?nttId=12&menuNo=200066",
    ),
    ("https://x.go.kr/v?list_no=7&jsessionid=Q", "https://x.go.kr/v?list_no=7"),
    ("https://x.go.kr/v?sessionid=1&session_id=2", "https://x.go.kr/v"),
    ("https://x.go.kr/v?CFID=1&CFTOKEN=2&idx=5", "https://x.go.kr/v?idx=5"),
    # Tracking parameters, fragments, and the case of scheme and host.
    (
        "https://www.korea.net/NewsFocus/Policies/view?articleId=276543&utm_source=rss&utm_medium=feed",
        "https://www.korea.net/NewsFocus/Policies/view?articleId=276543",
    ),
    (
        "https://www.korea.kr/briefing/pressReleaseView.do?fbclid=IwAR0x&newsId=156712345&gclid=Cj0&_ga=2.1",
        "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156712345",
    ),
    (
        "HTTPS://WWW.IFEZ.GO.KR/main/pst/view.do?pst_id=noti03&pst_sn=669391#content",
        "https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_sn=669391",
    ),
    (
        "https://Editor@Example.GO.KR:8443/Path/A?Q=B",
        "https://Editor@example.go.kr:8443/Path/A?Q=B",
    ),
    ("  https://x.go.kr/a?utm_campaign=x  ", "https://x.go.kr/a"),
    # Encodings are kept exactly: a re-encoded query would be another string for the same page.
    (
        "https://info.daegu.go.kr/enewspaper/file_download.php?filename=%EB%B3%B4%EB%8F%84.hwp&faid=123&in_cnt=1&sid=77",
        "https://info.daegu.go.kr/enewspaper/file_download.php?filename=%EB%B3%B4%EB%8F%84.hwp&faid=123&in_cnt=1",
    ),
    ("https://x.go.kr/s?q=a+b&sid=1", "https://x.go.kr/s?q=a+b"),
    # Relative links and odd strings are cleaned the same way, never refused.
    (
        "/portal/ko/bbs/news/view.do;jsessionid=ABC?nttId=518",
        "/portal/ko/bbs/news/view.do?nttId=518",
    ),
    ("view.do?sid=1", "view.do"),
    ("", ""),
]


@pytest.mark.parametrize(("url", "expected"), CLEANED)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected
    assert canonical_url(expected) == expected, "canonical form is a fixed point"


SAMPLE_ARTICLES = {
    # One real-looking article (or item) link per configured source, with the parameters that
    # identify it (from /work/shared/reference/sources.md and the replay's routes).
    "motir-press": "https://www.motir.go.kr/kor/article/ATCL3f49a5a8c/171830/view",
    "mss-press": "https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1068803",
    "mss-rss": "https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1068803",
    "korea-kr-press": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156712345",
    "korea-kr-api": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156712345",
    "kfez-news-ko": "https://www.fez.go.kr/portal/ko/bbs/news/view.do?nttId=518",
    "kfez-news-en": "https://www.fez.go.kr/portal/en/bbs/news/view.do?nttId=518",
    "ifez-press": "https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_sn=669391",
    "bjfez-press": "https://www.bjfez.go.kr/portal/bbs/B0000003/view.do?nttId=12345&menuNo=200066",
    "gfez-news": "https://www.gfez.go.kr/bbs/content/view.do?bCd=notice&seq=1234",
    "dgfez-press": "https://www.dgfez.go.kr/page.php?mnu_uid=319&mode=view&seq=5678",
    "kicox-news": "https://www.kicox.or.kr/boardDetail/1103?bbsSeq=49468",
    "busan-press": "https://www.busan.go.kr/nbtnewsBU/1234567",
    "incheon-press": "https://www.incheon.go.kr/IC010205/view?repSeq=DOM_0000000001234567",
    "daegu-press": "https://info.daegu.go.kr/newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=287654",
    "korea-net-news": "https://www.korea.net/NewsFocus/Policies/view?articleId=276543",
}

SAMPLE_FILES = [
    "https://www.motir.go.kr/attach/down/0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef/0123456789abcdef0123456789abcdef",
    "https://www.mss.go.kr/common/board/Download.do?bcIdx=1068803&cbIdx=86&streFileNm=5f0c8e2a-1b2c-4d5e-8f90-a1b2c3d4e5f6.hwpx",
    "https://www.korea.kr/common/download.do?fileId=198765432&tblKey=GMN",
    "https://www.ifez.go.kr/other/attach/process.file.do?TP=dn&key=0123456789abcdef0123456789abcdef&sn=1",
    "https://www.fez.go.kr/portal/cmm/fms/FileDown.do?atchFileId=FILE_000000000012345&fileSn=0",
    "https://www.dgfez.go.kr/page.php?mnu_uid=319&mode=download&seq=5678&fno=1",
    "https://www.kicox.or.kr/fileDownload?fileSeq=991&uuid=3b6f0c1e-7a2d-4f1b-9c1e-2d3f4a5b6c7d",
    "https://www.busan.go.kr/comm/getFile?srvcId=BBSTY3&upperNo=1234567&fileTy=ATTACH&fileNo=1",
    "https://www.incheon.go.kr/comm/fileDownload.do?fileId=FILE_20260801_0001",
    "https://info.daegu.go.kr/enewspaper/file_download.php?filename=%EB%B3%B4%EB%8F%84.hwp&faid=123&in_cnt=1",
]


def test_every_configured_source_has_a_sample() -> None:
    """A new source must show here that its article links survive canonicalisation."""
    assert {source.id for source in load_sources().sources} == set(SAMPLE_ARTICLES)


@pytest.mark.parametrize("url", [*SAMPLE_ARTICLES.values(), *SAMPLE_FILES])
def test_links_without_session_ids_are_kept_as_they_are(url: str) -> None:
    assert canonical_url(url) == url
    assert without_session_ids(url) is url


@pytest.mark.parametrize("source_id", sorted(SAMPLE_ARTICLES))
def test_a_session_id_added_by_the_site_is_gone_and_the_article_id_stays(source_id: str) -> None:
    """As a JSP site (``;jsessionid``) or a PHP-ish one (``sid=``) would add it to the link."""
    url = SAMPLE_ARTICLES[source_id]
    path, _, query = url.partition("?")
    jsp = f"{path};jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9" + (f"?{query}" if query else "")
    php = f"{url}{'&' if query else '?'}sid=0A1B2C3D4E5F6071"
    assert canonical_url(jsp) == url
    assert canonical_url(php) == url


def test_configured_id_parameters_and_article_templates_survive() -> None:
    """Every board's ``article_url`` and every ``id_param`` comes through untouched."""
    for source in load_sources().sources:
        template = source.parser.get("article_url")
        if template:
            article = urljoin(source.url, template.format(id="20260802"))
            assert canonical_url(article) == article, source.id
        id_param = source.parser.get("id_param")
        if id_param:
            sample = SAMPLE_ARTICLES[source.id]
            assert parse_qs(urlsplit(canonical_url(sample)).query)[id_param], source.id


def test_without_session_ids_keeps_everything_else() -> None:
    """Identity read from a link changes only for links that carried a session id."""
    tracked = "HTTPS://Www.Korea.net/view?articleId=1&utm_source=rss#top"
    assert without_session_ids(tracked) is tracked
    assert (
        without_session_ids("https://X.go.kr/a;jsessionid=Q?idx=1&sid=2#top")
        == "https://X.go.kr/a?idx=1#top"
    )


def _first_row_id(parser: BoardParser, href: str) -> str | None:
    page = Selector(text=f'<table><tr><td><a href="{href}">제목</a></td></tr></table>')
    row = page.css("tr")[0]
    return row_id(parser, row, row.css("a")[0], "https://www.busan.go.kr/nbtnewsBU")


def test_an_id_read_from_a_link_path_ignores_the_session() -> None:
    """Two visits' links to one release give one id, so one document."""
    parser = BoardParser(
        list_url="/list?page={page}", rows="tr", link="a", title="h3", body="div.body"
    )
    plain = _first_row_id(parser, "/nbtnewsBU/1234567")
    assert plain == "1234567"
    assert _first_row_id(parser, "/nbtnewsBU/1234567;jsessionid=0A1B2C") == plain
    assert _first_row_id(parser, "/nbtnewsBU/1234567;JSESSIONID=FFEE?sid=9") == plain
    by_param = parser.model_copy(update={"id_param": "nttId"})
    assert _first_row_id(by_param, "view.do;jsessionid=AB?nttId=518&sid=1") == "518"


def test_a_feed_item_identified_by_its_link_or_guid_ignores_the_session() -> None:
    link = "https://www.example.go.kr/news/view.do?idx=77"
    assert entry_id({"link": link}, None) == link
    assert (
        entry_id({"link": "https://www.example.go.kr/news/view.do;jsessionid=A?idx=77"}, None)
        == link
    )
    assert entry_id({"id": f"{link}&PHPSESSID=9", "link": link}, None) == link
    guid = "tag:korea.net,2026:NewsFocus/276543"
    assert entry_id({"id": guid, "link": link}, None) == guid
    tracked = f"{link}&utm_source=rss"
    assert entry_id({"link": tracked}, None) == tracked, "identity keeps all but session ids"
