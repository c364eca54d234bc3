"""Each source's configuration against the shape of its real pages (city-scrapers style).

Two pages per case: the structure skeleton of the real 2026 page from the team's shared
reference (skipped when absent) and a page of our own shaped like it (tests/crawlers/fixtures/
sites), both read exactly as the spider reads them (crawlers.boardpage via check_page).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from zonewatch.config.sources import SourceSpec, load_sources
from zonewatch.crawlers.boardpage import site_names_for
from zonewatch.crawlers.inspect import PageKind, check_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sites"
SOURCES = load_sources().by_id()


@pytest.fixture(autouse=True)
def frozen_time() -> Iterator[None]:
    """Dates are read as KST wall time; a fixed 'now' keeps any relative rule deterministic."""
    with time_machine.travel("2026-09-05 10:00:00+09:00", tick=False):
        yield


@pytest.fixture
def samples(shared_dir: Path) -> Path:
    path = shared_dir / "reference" / "site-samples"
    if not path.is_dir():
        pytest.skip("shared/reference/site-samples is not present")
    return path


def check(source_id: str, path: Path, kind: PageKind | None = None) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"{path.name} is not present")
    source: SourceSpec = SOURCES[source_id]
    return check_page(
        source,
        path.read_bytes(),
        None,
        str(path),
        path.resolve().as_uri(),
        site_names_for(source, None),
        kind,
    )


def fits(page: dict[str, Any]) -> dict[str, Any]:
    assert page["ok"], page["errors"]
    assert page["errors"] == []
    return page


# -- the real markup (skeletons with placeholders) ------------------------------------------

SKELETON_LISTS = [
    (
        "motir-press",
        "motir-list.skeleton.html",
        [("71301", "https://www.motir.go.kr/kor/article/ATCL3f49a5a8c/71301/view", "TITLE")],
        "2026-09-03",
    ),
    (
        "mss-press",
        "mss-list.skeleton.html",
        [
            (
                "1068803",
                "https://www.mss.go.kr/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1068803",
                "TITLE",
            )
        ],
        "2026-06-05",
    ),
    (
        "kicox-news",
        "kicox-list.skeleton.html",
        [
            ("49427", "https://www.kicox.or.kr/boardDetail/1103?bbsSeq=49427", "PINNED TITLE"),
            ("49468", "https://www.kicox.or.kr/boardDetail/1103?bbsSeq=49468", "TITLE"),
        ],
        "2026-04-01",
    ),
    (
        "korea-kr-press",
        "korea-kr.skeleton.html",
        [
            (
                "156770659",
                "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156770659",
                "TITLE",
            )
        ],
        "2026-07-13",
    ),
    (
        "daegu-press",
        "daegu.skeleton.html",
        [
            (
                "275767",
                "https://info.daegu.go.kr/newshome/mtnmain.php?mtnkey=articleview"
                "&mkey=scatelist&mkey2=26&aid=275767",
                "TITLE",
            )
        ],
        "2026-08-04",
    ),
    (
        "incheon-press",
        "incheon.skeleton.html",
        [
            (
                "DOM_0000000014711405",
                "https://www.incheon.go.kr/IC010205/view?repSeq=DOM_0000000014711405",
                "TITLE",
            )
        ],
        "2026-05-17",
    ),
]


@pytest.mark.parametrize(("source_id", "name", "rows", "first_date"), SKELETON_LISTS)
def test_skeleton_list_pages_fit(
    samples: Path,
    source_id: str,
    name: str,
    rows: list[tuple[str, str, str]],
    first_date: str,
) -> None:
    page = fits(check(source_id, samples / name))
    assert page["kind"] == "list"
    assert [(row["id"], row["url"], row["title"]) for row in page["rows"]] == rows
    assert page["rows"][0]["published_at"] == f"{first_date}T00:00:00+09:00"


def test_skeleton_motir_article(samples: Path) -> None:
    item = fits(check("motir-press", samples / "motir-detail.skeleton.html"))["item"]
    assert item["title"] == "TITLE"  # not og:title's "산업통상부"
    assert item["published_at"] == "2026-09-03T00:00:00+09:00"
    assert item["department"] == "DEPT"
    assert item["text"] == "BODY (HWP-exported spans)"
    assert item["attachments"] == [
        {
            "name": "NAME.hwpx",
            "url": "https://www.motir.go.kr/attach/down/{32hex}/{32hex}/{32hex}",
        }
    ]


def test_skeleton_mss_article(samples: Path) -> None:
    item = fits(check("mss-press", samples / "mss-detail.skeleton.html"))["item"]
    assert item["title"] == "TITLE"
    assert item["published_at"] == "2026-08-25T00:00:00+09:00"
    assert item["department"] == "DEPT"
    assert item["text"] == "첫 문단\n둘째 문단"  # unescaped from the textarea, read as HTML
    assert item["attachments"] == [
        {
            "name": "NAME.pdf",
            "url": "https://www.mss.go.kr/common/board/Download.do?bcIdx=1070709&cbIdx=310"
            "&streFileNm={uuid}.pdf",
        }
    ]


def test_skeleton_daegu_article(samples: Path) -> None:
    item = fits(check("daegu-press", samples / "daegu.skeleton.html", "article"))["item"]
    assert (item["title"], item["subtitle"], item["department"]) == ("TITLE", "SUBTITLE", "DEPT")
    assert item["published_at"] == "2026-08-04T00:00:00+09:00"
    assert item["text"] == "BODY"
    assert item["attachments"] == [
        {
            "name": "NAME.hwp",
            "url": "https://info.daegu.go.kr/enewspaper/file_download.php"
            "?filename=NAME.hwp&faid=12345&in_cnt=1",
        }
    ]


def test_skeleton_korea_kr_attachments_one_per_file(samples: Path) -> None:
    page = check("korea-kr-press", samples / "korea-kr.skeleton.html", "article")
    assert page["item"]["attachments"] == [
        {
            "name": "NAME.pdf",
            "url": "https://www.korea.kr/common/download.do?fileId=198507299&tblKey=GMN",
        }
    ]


def test_skeleton_incheon_body(samples: Path) -> None:
    page = check("incheon-press", samples / "incheon.skeleton.html", "article")
    assert page["item"]["text"] == "첫 줄\n둘째 줄"


# -- our own pages shaped like them --------------------------------------------------------


def test_motir_list_and_article() -> None:
    listing = fits(check("motir-press", FIXTURES / "motir-list.html"))
    assert [
        (row["id"], row["department"], row["published_at"][:10]) for row in listing["rows"]
    ] == [
        ("171830", "DEPT ONE", "2026-09-02"),
        ("171829", "DEPT TWO", "2026-09-01"),
    ]
    assert listing["rows"][0]["title"] == "MOTIR TITLE ONE"  # the "new" badge is not in it
    item = fits(check("motir-press", FIXTURES / "motir-detail.html"))["item"]
    assert (item["title"], item["department"]) == ("MOTIR ARTICLE TITLE", "DEPT ONE")
    assert item["text"] == "BODY LINE 1,234\n\nBODY LINE TWO"
    assert [a["name"] for a in item["attachments"]] == ["FILE ONE.hwpx", "FILE TWO.pdf"]
    assert all(
        a["url"].startswith("https://www.motir.go.kr/attach/down/") for a in item["attachments"]
    )


def test_mss_list_and_article() -> None:
    listing = fits(check("mss-press", FIXTURES / "mss-list.html"))
    assert [row["id"] for row in listing["rows"]] == ["1068900", "1068899"]
    assert listing["rows"][1]["department"] == "MSS DEPT TWO"
    item = fits(check("mss-press", FIXTURES / "mss-detail.html"))["item"]
    assert item["text"] == "FIRST & PARAGRAPH\n\nSECOND PARAGRAPH"
    assert [a["name"] for a in item["attachments"]] == ["MSS FILE.pdf", "MSS FILE.hwp"]
    assert item["attachments"][1]["url"].endswith("streFileNm=def.hwp")


def test_kicox_pinned_rows_and_unfetchable_files() -> None:
    listing = fits(check("kicox-news", FIXTURES / "kicox-list.html"))
    assert [(row["id"], row["pinned"]) for row in listing["rows"]] == [
        ("40001", True),
        ("40012", False),
    ]
    # The article title comes from the list (title_fallback: list); without a list row it is
    # missing, loudly, and the site's og:title is never used.
    page = check("kicox-news", FIXTURES / "kicox-detail.html", "article")
    assert not page["ok"]
    assert "title" in page["errors"][0]
    assert page["item"]["text"] == "KICOX BODY"
    assert page["item"]["attachments"] == [
        {"name": "KICOX FILE.hwp", "url": "https://www.kicox.or.kr/boardList/1103"}
    ]


def test_korea_kr_list_is_scoped_and_files_are_one_per_id() -> None:
    listing = fits(check("korea-kr-press", FIXTURES / "korea-kr.html"))
    assert [row["id"] for row in listing["rows"]] == ["156000001"]  # not the filter's 111
    assert listing["rows"][0]["department"] == "AGENCY A"
    page = check("korea-kr-press", FIXTURES / "korea-kr.html", "article")
    assert [a["name"] for a in page["item"]["attachments"]] == ["KOREA FILE.pdf", "KOREA FILE.hwpx"]


def test_daegu_attachment_url_from_javascript() -> None:
    listing = fits(check("daegu-press", FIXTURES / "daegu.html"))
    assert listing["rows"][0]["id"] == "300002"
    assert "bpage" not in listing["rows"][0]["url"]
    item = fits(check("daegu-press", FIXTURES / "daegu.html", "article"))["item"]
    assert item["department"] == "DAEGU DEPT"  # by its label, though it is the second pair
    assert item["attachments"] == [
        {
            "name": "파일 A&B.hwp",
            "url": "https://info.daegu.go.kr/enewspaper/file_download.php"
            "?filename=%ED%8C%8C%EC%9D%BC%20A%26B.hwp&faid=777&in_cnt=1",
        }
    ]


def test_incheon_list_date_by_label() -> None:
    row = fits(check("incheon-press", FIXTURES / "incheon.html"))["rows"][0]
    assert (row["id"], row["title"]) == ("DOM_0000000000000001", "INCHEON TITLE")
    assert row["published_at"] == "2026-05-18T00:00:00+09:00"


def test_busan_article() -> None:
    item = fits(check("busan-press", FIXTURES / "busan-detail.html", "article"))["item"]
    assert (item["title"], item["subtitle"]) == ("BUSAN TITLE", "◈ BUSAN SUMMARY")
    assert item["text"] == "BUSAN BODY"
    assert item["attachments"] == [
        {
            "name": "BUSAN FILE.pdf",
            "url": "https://www.busan.go.kr/comm/getFile?srvcId=BBSTY3&upperNo=1500"
            "&fileTy=ATTACH&fileNo=1",
        }
    ]


def test_busan_title_from_og_title_only_because_the_source_names_it(tmp_path: Path) -> None:
    html = (FIXTURES / "busan-detail.html").read_text(encoding="utf-8")
    page = tmp_path / "busan.html"
    page.write_text(html.replace("form-data-subject", "renamed"), encoding="utf-8")
    assert fits(check("busan-press", page, "article"))["item"]["title"] == "BUSAN TITLE"


# -- never silent ----------------------------------------------------------------------------


def test_the_ministry_name_is_never_a_title(tmp_path: Path) -> None:
    html = (FIXTURES / "motir-detail.html").read_text(encoding="utf-8")
    page = tmp_path / "motir.html"
    page.write_text(html.replace("MOTIR ARTICLE TITLE", "산업통상부"), encoding="utf-8")
    result = check("motir-press", page, "article")
    assert not result["ok"]
    assert "'산업통상부' is the site's own name" in result["errors"][0]


def test_an_empty_body_is_an_error(tmp_path: Path) -> None:
    html = (FIXTURES / "mss-detail.html").read_text(encoding="utf-8")
    start, end = html.index("&lt;p&gt;FIRST"), html.index("</textarea>")
    page = tmp_path / "mss.html"
    page.write_text(html[:start] + html[end:], encoding="utf-8")
    result = check("mss-press", page, "article")
    assert result["errors"] == [
        f"mss-press: body 'div.view_contents textarea#editContents' is empty on {page}"
    ]


def test_a_row_without_an_id_is_an_error(tmp_path: Path) -> None:
    html = (FIXTURES / "mss-list.html").read_text(encoding="utf-8")
    page = tmp_path / "mss.html"
    page.write_text(html.replace("doBbsFView", "doBbsView"), encoding="utf-8")
    result = check("mss-press", page, "list")
    assert not result["ok"]
    assert result["rows"] == []
    assert "row 1: id_pattern" in result["errors"][0]
    assert "row@onclick, link@onclick" in result["errors"][0]
