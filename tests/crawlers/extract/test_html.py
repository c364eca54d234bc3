from __future__ import annotations

import re

import pytest
import trafilatura

from zonewatch.crawlers.extract import (
    drop_furniture,
    extract_body,
    html_to_text,
    repair_hwp_html,
    select_text,
)
from zonewatch.errors import ConfigError, InputError

PARAGRAPH = (
    "인천경제자유구역청은 이번 사업을 통해 외국인 투자 유치를 확대하고 바이오 클러스터를 "
    "조성할 계획이라고 밝혔다. 관계자는 앞으로도 입주기업을 지속적으로 지원하겠다고 말했다."
)
ROWS = "".join(f"<tr><td>{n}지구</td><td>{n * 10}억 원</td></tr>" for n in range(1, 5))

PAGE = f"""<!DOCTYPE html>
<html><head><title>보도자료</title><script>var tracker = "보도자료 스크립트";</script>
<style>.view {{ color: red }}</style></head>
<body>
<div id="gnb"><ul><li><a href="/a">기관소개</a></li><li><a href="/b">알림마당</a></li></ul></div>
<nav class="lnb"><a href="/c">보도자료</a><a href="/d">공지사항</a></nav>
<div class="board_view">
  <h3 class="title">송도 바이오 클러스터 확대</h3>
  <div class="view_cont">
    <P CLASS=HStyle0><SPAN STYLE='font-size:12pt'>투자 규모는 1,2</SPAN><SPAN
STYLE='font-weight:bold'>34억 원</SPAN><SPAN>이며 </SPAN><SPAN>25</SPAN>
<SPAN>0개사</SPAN><SPAN>가 참여했다.</SPAN></P>
    <p>{PARAGRAPH}</p>
    <p>{PARAGRAPH}</p>
    <ul><li>첫째 항목은 산업단지 입주기업 지원 확대입니다</li>
        <li>둘째 항목은 규제 특례 적용입니다</li></ul>
    <table><tr><th>구분</th><th>금액</th></tr>{ROWS}</table>
    <p>셋째 문단<br>줄바꿈 뒤</p>
    <p>{PARAGRAPH}</p>
  </div>
</div>
<footer><p>Copyright 2026 인천경제자유구역청. All rights reserved.</p></footer>
</body></html>"""


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- HWP repair -----------------------------------------------------------------------------


def test_split_numbers_are_joined() -> None:
    fragment = "<p><span>1,2</span><span>34억 원</span> 중 <span>25</span>\n<span>0개사</span></p>"
    assert html_to_text(repair_hwp_html(fragment)) == "1,234억 원 중 250개사"
    assert html_to_text(fragment) == "1,234억 원 중 250개사"


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p><span>1</span>\r\n<span>,234억</span></p>", "1,234억"),
        ("<p><span>1,</span>\n  <span>234억</span></p>", "1,234억"),
        ("<p><font><span>2,0</span></font>\n<span><b>00명</b></span></p>", "2,000명"),
    ],
)
def test_split_number_variants(fragment: str, expected: str) -> None:
    assert html_to_text(fragment) == expected


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p><span>경제자유구역</span>\n<span>지정</span></p>", "경제자유구역 지정"),
        ("<p><span>2026년</span> <span>3월</span></p>", "2026년 3월"),
        ("<p><span>총 25</span> <span>0.5%</span></p>", "총 25 0.5%"),
        ("<p><span>25 </span>\n<span>30</span></p>", "25 30"),
        (
            "<p><span>Free</span>\n<span>Economic</span>\n<span>Zone</span></p>",
            "Free Economic Zone",
        ),
    ],
)
def test_separate_words_are_not_glued(fragment: str, expected: str) -> None:
    assert html_to_text(fragment) == expected


def test_separate_paragraphs_are_not_glued() -> None:
    fragment = "<p><span>123</span></p>\n<p><span>456</span></p><div><span>7</span></div>"
    assert paragraphs(html_to_text(fragment)) == ["123", "456", "7"]


def test_repair_returns_a_fragment_or_a_document() -> None:
    assert repair_hwp_html("<p><span>1</span>\n<span>2</span></p>") == "<p>12</p>"
    assert repair_hwp_html("앞 <span>1</span>\n<span>2</span> 뒤") == "앞 12 뒤"
    document = repair_hwp_html("<html><body><p><span>a</span></p></body></html>")
    assert document.startswith("<html>")
    assert "<p>a</p>" in document
    assert repair_hwp_html("") == ""


# --- body extraction ----------------------------------------------------------------------


def test_selector_extracts_the_container_with_paragraphs() -> None:
    text = extract_body(PAGE, selector="div.view_cont")
    assert paragraphs(text) == [
        "투자 규모는 1,234억 원이며 250개사가 참여했다.",
        PARAGRAPH,
        PARAGRAPH,
        "첫째 항목은 산업단지 입주기업 지원 확대입니다\n둘째 항목은 규제 특례 적용입니다",
        "구분 | 금액\n1지구 | 10억 원\n2지구 | 20억 원\n3지구 | 30억 원\n4지구 | 40억 원",
        "셋째 문단\n줄바꿈 뒤",
        PARAGRAPH,
    ]


def test_trafilatura_finds_the_same_body_without_a_selector() -> None:
    text = extract_body(PAGE, base_url="https://www.ifez.go.kr/main/pst/view.do?pst_sn=1")
    assert "투자 규모는 1,234억 원이며 250개사가 참여했다." in paragraphs(text)
    assert "첫째 항목은 산업단지 입주기업 지원 확대입니다\n둘째 항목은 규제 특례 적용입니다" in text
    assert "구분 | 금액\n1지구 | 10억 원" in text
    assert "셋째 문단\n줄바꿈 뒤" in text
    for boilerplate in ("기관소개", "공지사항", "Copyright", "tracker", "color"):
        assert boilerplate not in text


def test_largest_block_fallback_when_trafilatura_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(trafilatura, "extract", lambda *_, **__: None)
    text = extract_body(PAGE)
    assert paragraphs(text)[0] == "투자 규모는 1,234억 원이며 250개사가 참여했다."
    assert PARAGRAPH in text
    assert "기관소개" not in text
    assert "Copyright" not in text


def test_trafilatura_errors_fall_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(trafilatura, "extract", broken)
    assert PARAGRAPH in extract_body(PAGE)


def test_plain_div_with_line_breaks_is_kept() -> None:
    page = f"<html><body><div class='cont'>{PARAGRAPH}<br><br>{PARAGRAPH}</div></body></html>"
    assert paragraphs(extract_body(page, selector=".cont")) == [PARAGRAPH, PARAGRAPH]


def test_selector_matching_nothing() -> None:
    assert extract_body(PAGE, selector="div.no-such-body") == ""
    assert select_text(PAGE, "div.no-such-body") is None
    assert select_text(PAGE, "h3.title") == "송도 바이오 클러스터 확대"


def test_selector_may_name_a_span_and_several_elements() -> None:
    page = "<div><span class='date'>2026-03-02</span><p class='x'>a</p><p class='x'>b</p></div>"
    assert select_text(page, "span.date") == "2026-03-02"
    assert select_text(page, "p.x") == "a\n\nb"
    assert select_text(page, "div, p.x") == "2026-03-02\n\na\n\nb"


def test_invalid_selector_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        extract_body(PAGE, selector="div[")


def test_layout_tables_keep_their_paragraphs() -> None:
    page = f"<table><tr><td><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></td></tr></table>"
    assert paragraphs(html_to_text(page)) == [PARAGRAPH, PARAGRAPH]


def test_empty_and_odd_input() -> None:
    assert extract_body("") == ""
    assert extract_body("<html></html>") == ""
    assert html_to_text("") == ""
    assert html_to_text("<?xml version='1.0' encoding='utf-8'?><p>x</p>") == "x"
    assert html_to_text("<p>a\x00b\x0bc</p>") == "abc"


# --- snippets -------------------------------------------------------------------------------


def test_feed_description_to_text() -> None:
    description = (
        '<p style="text-align:center"><img src="/x.jpg" alt="사진"></p>'
        "<p>[산업통상부] 경제자유구역 지정&nbsp;신청을 받는다.</p>"
        "<div><strong>문의</strong> : 투자정책과 (044-203-0000)</div>"
        "<script>alert(1)</script><!-- comment -->"
        "<ul><li>대상: 시·도</li><li>기간: 3월</li></ul>"
    )
    assert html_to_text(description) == (
        "[산업통상부] 경제자유구역 지정 신청을 받는다.\n\n"
        "문의 : 투자정책과 (044-203-0000)\n\n"
        "대상: 시·도\n기간: 3월"
    )


def test_plain_text_snippets_keep_their_lines() -> None:
    assert (
        html_to_text("첫 줄 &amp; 둘째\n셋째 줄  \n\n\n\n넷째") == "첫 줄 & 둘째\n셋째 줄\n\n넷째"
    )
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_pre_keeps_its_line_breaks() -> None:
    assert html_to_text("<pre>line 1\nline 2</pre><p>after</p>") == "line 1\nline 2\n\nafter"


def nested_page(depth: int) -> str:
    """A page whose release text sits ``depth`` divs deep (a broken CMS template, or hostile)."""
    text = "<p>해제 대상 구역은 송도 11공구이며 면적은 1,234㎡이다. The district is lifted.</p>"
    return (
        f"<html><body><h1>경제자유구역 일부 해제</h1>{'<div>' * depth}{text}"
        f"{'</div>' * depth}</body></html>"
    )


def test_a_page_nested_300_deep_keeps_its_body() -> None:
    page = nested_page(300)
    assert "송도 11공구" in extract_body(page)
    assert "송도 11공구" in extract_body(page, selector="p")
    assert "송도 11공구" in (select_text(page, "div p") or "")


@pytest.mark.parametrize("depth", [600, 5000])
def test_a_page_nested_too_deep_is_refused_by_name(depth: int) -> None:
    page = nested_page(depth)
    url = "https://example.go.kr/view?id=7"
    for selector in (None, "p"):
        with pytest.raises(InputError, match=rf"^{re.escape(url)}: HTML nested deeper than 512"):
            extract_body(page, selector=selector, base_url=url)
    with pytest.raises(InputError, match="HTML nested deeper than 512"):
        html_to_text(page)


def test_furniture_selectors_are_dropped_before_extraction() -> None:
    page = (
        "<html><body><div class='view'><p class='hit'>조회수 1,204</p>"
        "<p>목표 입주기업 250개사.</p><p>최종수정 <span class='stamp'>2026-05-01 10:02</span>"
        " 담당</p></div></body></html>"
    )
    cleaned = drop_furniture(page, ["p.hit", "span.stamp"])
    text = select_text(cleaned, "div.view")
    assert text is not None
    assert "조회수" not in text
    assert "2026-05-01" not in text
    assert "250개사" in text
    assert "담당" in text, "the tail text after a dropped element stays"
    assert drop_furniture(page, []) is page
    assert drop_furniture(page, ["div.nothing"]) is page
