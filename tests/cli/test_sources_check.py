"""``zonewatch sources check``: 0 when pages fit the source, 3 naming selectors when not, 2 on
bad input; ``parse-page`` exits 3 in the same cases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.test_crawling import one_line_error, run

FIXTURES = Path(__file__).resolve().parents[1] / "crawlers" / "fixtures" / "sites"
SKELETONS = {
    "motir-press": ["motir-list.skeleton.html", "motir-detail.skeleton.html"],
    "mss-press": ["mss-list.skeleton.html", "mss-detail.skeleton.html"],
    "kicox-news": ["kicox-list.skeleton.html"],
    "korea-kr-press": ["korea-kr.skeleton.html"],
    "daegu-press": ["daegu.skeleton.html"],
    "incheon-press": ["incheon.skeleton.html"],
}


@pytest.fixture
def samples(shared_dir: Path) -> Path:
    path = shared_dir / "reference" / "site-samples"
    if not path.is_dir():
        pytest.skip("shared/reference/site-samples is not present")
    return path


@pytest.mark.parametrize("source_id", sorted(SKELETONS))
def test_every_skeleton_fits_its_source(tmp_path: Path, samples: Path, source_id: str) -> None:
    files = [str(samples / name) for name in SKELETONS[source_id]]
    result = run(tmp_path, "sources", "check", source_id, *files, "--json")
    assert result.returncode == 0, result.stdout
    pages = json.loads(result.stdout)["pages"]
    assert [page["location"] for page in pages] == files
    for page in pages:
        assert page["ok"]
        assert page["errors"] == []
        values = page["rows"] if page["kind"] == "list" else [page["item"]]
        assert all(value["title"] == "TITLE" for value in values if "PINNED" not in value["title"])


def test_the_text_report_lists_selectors_and_values(tmp_path: Path, samples: Path) -> None:
    page = str(samples / "motir-detail.skeleton.html")
    result = run(tmp_path, "sources", "check", "motir-press", page)
    assert result.returncode == 0, result.stdout
    assert "(article): ok" in result.stdout
    assert re.search(r"title\s+1\s+div\.board-detail div\.detail-tit span", result.stdout)
    assert "attachment: NAME.hwpx https://www.motir.go.kr/attach/down/" in result.stdout


REDESIGNS = [
    # (source, our page, renames, kind, selector settings the errors must name)
    ("motir-press", "motir-list.html", {"board-list": "bbs-list"}, "list", ["rows"]),
    ("motir-press", "motir-detail.html", {"detail-tit": "dtl-title"}, "article", ["title"]),
    ("mss-press", "mss-list.html", {'class="subject"': 'class="subj"'}, "list", ["rows"]),
    ("mss-press", "mss-detail.html", {"editContents": "contents"}, "article", ["body"]),
    ("daegu-press", "daegu.html", {"table_article": "article_list"}, "list", ["rows"]),
    (
        "daegu-press",
        "daegu.html",
        {'class="title"': 'class="tit"', "article_view_content": "view"},
        "article",
        ["title", "body"],
    ),
]


@pytest.mark.parametrize(("source_id", "name", "renames", "kind", "settings"), REDESIGNS)
def test_a_redesigned_page_does_not_fit(
    tmp_path: Path,
    source_id: str,
    name: str,
    renames: dict[str, str],
    kind: str,
    settings: list[str],
) -> None:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    for old, new in renames.items():
        assert old in html
        html = html.replace(old, new)
    page = tmp_path / f"redesigned-{name}"
    page.write_text(html, encoding="utf-8")
    result = run(tmp_path, "sources", "check", source_id, str(page), "--as", kind, "--json")
    assert result.returncode == 3, result.stdout
    checked = json.loads(result.stdout)["pages"][0]
    assert not checked["ok"]
    for setting in settings:
        assert any(
            error.startswith(f"{source_id}: {setting} selector '") and str(page) in error
            for error in checked["errors"]
        ), checked["errors"]
    text = run(tmp_path, "sources", "check", source_id, str(page), "--as", kind)
    assert text.returncode == 3
    assert "does not fit" in text.stdout


def test_parse_page_exits_3_on_a_page_that_does_not_fit(tmp_path: Path) -> None:
    html = (FIXTURES / "motir-detail.html").read_text(encoding="utf-8")
    page = tmp_path / "motir.html"
    page.write_text(html.replace("detail-tit", "x"), encoding="utf-8")
    result = run(tmp_path, "parse-page", "motir-press", str(page))
    assert result.returncode == 3
    data = json.loads(result.stdout)
    assert data["title"] == ""  # not og:title's 산업통상부
    assert (
        "title selector 'div.board-detail div.detail-tit span' matched nothing"
        in (data["errors"][0])
    )
    assert "error: motir-press: title selector" in result.stderr


def test_parse_page_reads_a_page_that_fits(tmp_path: Path) -> None:
    result = run(tmp_path, "parse-page", "mss-press", str(FIXTURES / "mss-detail.html"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "MSS ARTICLE TITLE"
    assert data["errors"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["atlantis", "page.html"], "unknown source 'atlantis'"),
        (["mss-rss", "page.html"], "not a board"),
        (["mss-press", "nowhere.html"], "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "page.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    assert message in one_line_error(run(tmp_path, "sources", "check", *args))


def test_an_unknown_page_kind_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, "sources", "check", "mss-press", "page.html", "--as", "poster")
    assert result.returncode == 2
    assert "Invalid value for '--as'" in result.stderr
