"""Links in mails: session ids and tracking parameters go, anything not http(s) is no link."""

from __future__ import annotations

import pytest

from zonewatch.alerts.links import clean_url


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (
            "https://www.motir.go.kr/kor/article/ATCL3f49;jsessionid=A1B2.node1?bbs_cd_n=81",
            "https://www.motir.go.kr/kor/article/ATCL3f49?bbs_cd_n=81",
        ),
        (
            "https://www.ifez.go.kr/view.do;JSESSIONID=XYZ?pst_id=noti03&pst_seq=669380",
            "https://www.ifez.go.kr/view.do?pst_id=noti03&pst_seq=669380",
        ),
        ("http://a.example/x?PHPSESSID=1&id=2&SID=3", "http://a.example/x?id=2"),
        ("https://a.example/x?sessionid=9&JSESSIONID=8", "https://a.example/x"),
        (
            "https://a.example/n?id=7&utm_source=mail&utm_campaign=x&fbclid=IwAR&gclid=Cj0",
            "https://a.example/n?id=7",
        ),
        ("https://a.example/n?id=7#section-2", "https://a.example/n?id=7"),
        ("HTTPS://a.example/?gclid=1", "https://a.example/"),
        ("https://a.example/보도자료 1.pdf", "https://a.example/보도자료%201.pdf"),
        ('https://a.example/x?q="><script>', "https://a.example/x?q=%22%3E%3Cscript%3E"),
        ("https://a.example/keep?sidebar=1&consid=2", "https://a.example/keep?sidebar=1&consid=2"),
    ],
)
def test_clean_url(url: str, clean: str) -> None:
    assert clean_url(url) == clean
    assert clean_url(clean) == clean, "cleaning is idempotent"


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "/relative/path",
        "mailto:press@example.go.kr",
        "https://a.example/x\r\nBcc: v@example.com",
        "https://",
        "https://[::1",
    ],
)
def test_what_is_not_a_link(url: str | None) -> None:
    assert clean_url(url) is None
