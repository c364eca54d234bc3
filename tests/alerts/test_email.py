"""Alert and digest mails: headers, bodies, escaping, injection (from hand-made items), and
what every mail shows for real events (through the pipeline)."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import getaddresses

import pytest

from tests.alerts.events import (
    CORRECTION_TITLE,
    EDIT_ATTACHMENT,
    EDIT_TITLE,
    ORIGINAL_TITLE,
    Pipeline,
)
from zonewatch.alerts.channels import channel_text
from zonewatch.alerts.content import (
    AlertItem,
    AttachmentChange,
    Correction,
    Edit,
    FactLine,
    FigureChange,
    Link,
)
from zonewatch.alerts.email import (
    alert_message,
    diff_segments,
    digest_message,
    safe_display_name,
    safe_header_text,
)
from zonewatch.alerts.wording import AttachmentAction
from zonewatch.models import Subscriber

UNSUBSCRIBE = (
    "https://zonewatch.example.org/unsubscribe?token=eyJzIjo0Mn0.Lf-bNT9Bnzxcnq9chj556hZOaVg"
)
PREFERENCES = "https://zonewatch.example.org/preferences/eyJzIjo0Miwia.Zt3pQ-prefs"
MAIL_FROM = "zonewatch <alerts@zonewatch.example.org>"
UTC = dt.UTC


def item(**fields: object) -> AlertItem:
    values: dict[str, object] = {
        "change_id": 7,
        "kind": "changed_document",
        "title": "인천경제청, 송도 바이오 클러스터 조성 계획 발표",
        "url": "https://www.ifez.go.kr/view/1",
        "source_name": "인천경제자유구역청 보도자료 (IFEZ press releases)",
        "department": "투자유치기획과",
        "released_at": dt.datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        "detected_at": dt.datetime(2026, 3, 2, 1, 12, tzinfo=UTC),
        "significance": 0.6,
        "zones": (("ifez", "인천경제자유구역"), ("ifez-songdo", "송도국제도시")),
        "topics": ("투자·유치",),
        "headline": "본문 수정: 597억 → 650억",
        "lede": "인천경제자유구역청은 송도 바이오 클러스터에 650억 원을 투입한다고 밝혔다.",
        "edits": (
            Edit(
                "본문 수정: 597억 → 650억",
                "송도 바이오 클러스터에 [-597억-]{+650억+} 원을 투입한다.",
            ),
        ),
        "why": "구독 중: 인천경제자유구역",
    }
    values.update(fields)
    return AlertItem(**values)  # type: ignore[arg-type]


def subscriber(language: str = "ko", name: str | None = "김민수") -> Subscriber:
    return Subscriber(
        id=1, email="kim@example.com", name=name, language=language, timezone="Asia/Seoul"
    )


def alert(it: AlertItem | None = None, sub: Subscriber | None = None) -> EmailMessage:
    return alert_message(
        it or item(),
        sub or subscriber(),
        message_id="<change-7.subscriber-1.abc@zonewatch>",
        unsubscribe_url=UNSUBSCRIBE,
        preferences_url=PREFERENCES,
        mail_from=MAIL_FROM,
    )


def digest(items: list[AlertItem], sub: Subscriber | None = None) -> EmailMessage:
    return digest_message(
        items,
        sub or subscriber(),
        period="daily",
        period_start=dt.datetime(2026, 3, 1, 23, tzinfo=UTC),
        period_end=dt.datetime(2026, 3, 2, 23, tzinfo=UTC),
        message_id="<digest-1@zonewatch>",
        unsubscribe_url=UNSUBSCRIBE,
        preferences_url=PREFERENCES,
        mail_from=MAIL_FROM,
    )


def reparse(message: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(message.as_bytes(), policy=email_policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(message: EmailMessage) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert html is not None
    text = (str(part.get_content()).replace("\r\n", "\n") for part in (plain, html))
    return next(text), next(text)


def test_alert_headers() -> None:
    parsed = reparse(alert())
    assert parsed["Subject"] == "[zonewatch] 수정: 인천경제청, 송도 바이오 클러스터 조성 계획 발표"
    assert parsed["To"].addresses[0].display_name == "김민수"
    assert parsed["To"].addresses[0].addr_spec == "kim@example.com"
    assert parsed["From"].addresses[0].addr_spec == "alerts@zonewatch.example.org"
    assert parsed["Message-ID"] == "<change-7.subscriber-1.abc@zonewatch>"
    assert parsed["Date"].datetime is not None
    assert parsed["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"] == "zonewatch alerts <alerts.zonewatch.example.org>"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "multipart/alternative"


def test_headers_are_encoded_and_the_unsubscribe_url_is_verbatim() -> None:
    raw = alert().as_bytes()
    assert raw.isascii()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "=?utf-8?" in head
    assert f"List-Unsubscribe: <{UNSUBSCRIBE}>\r\n" in head


def test_korean_round_trips() -> None:
    plain, html = bodies(reparse(alert()))
    for body in (plain, html):
        assert "인천경제청, 송도 바이오 클러스터 조성 계획 발표" in body
        assert "본문 수정: 597억 → 650억" in body
        assert "구독 중: 인천경제자유구역" in body
        assert "https://www.ifez.go.kr/view/1" in body
        assert UNSUBSCRIBE in body
        assert "인천경제자유구역청은 송도 바이오 클러스터에 650억 원을 투입한다고 밝혔다." in body
        assert "인천경제자유구역청 보도자료 · 투자유치기획과" in body
        assert "zonewatch 감지 2026-03-02 10:12 KST" in body
        assert "중요도: 주목" in body
    assert "발표 2026-03-02 10:00 KST" in plain
    assert "[-597억-]{+650억+}" in plain
    assert "<del" in html
    assert ">597억</del>" in html
    assert ">650억</ins>" in html
    assert 'lang="ko"' in html


def test_english_wording() -> None:
    english = item(
        zones=(("ifez", "Incheon FEZ"),), headline="Text edited: 597 → 650", language="en"
    )
    parsed = reparse(alert(english, subscriber("en", name="Jane Doe")))
    assert parsed["Subject"].startswith("[zonewatch] Edited: 인천경제청")
    plain, html = bodies(parsed)
    assert "Unsubscribe: " + UNSUBSCRIBE in plain
    assert "Released 2026-03-02 10:00 KST · IFEZ press releases · 투자유치기획과" in plain
    assert "Significance: notable" in plain
    assert "Open the release" in html
    assert 'lang="en"' in html
    assert "원문" not in plain
    assert "감지" not in plain


def test_html_escapes_scraped_text() -> None:
    nasty = item(
        title='<script>alert(1)</script> "quoted" & more',
        headline="<b>bold</b>",
        lede="<iframe src=x></iframe>",
        department="<marquee>",
        edits=(Edit("<u>edit</u>", "[-<img src=x onerror=alert(1)>-]{+<i>x</i>+}"),),
        why="<a href='javascript:x'>",
        facts=(FactLine("<svg onload=alert(1)>", "<blink>"),),
        figure_changes=(FigureChange("<object>", "<em>", "<s>", Link("<video>", None), None),),
        attachments=(AttachmentChange(AttachmentAction.ADDED, "<embed>.pdf", None),),
        correction=Correction(Link("<form>", "https://a.example/o"), None, ()),
        model_changes=("<table>",),
    )
    plain, html = bodies(reparse(alert(nasty)))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for tag in ("img", "svg", "b>bold", "iframe", "marquee", "u>", "blink", "object", "em>"):
        assert f"<{tag}" not in html, tag
    for tag in ("video", "embed", "form", "table>", "s>"):
        assert f"<{tag}" not in html, tag
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert "&lt;form&gt;" in html
    assert "<script>alert(1)</script>" in plain  # plain text is text


def test_only_http_links_are_linked() -> None:
    bad = "javascript:alert(1)"
    sneaky = item(
        url=bad,
        figure_changes=(FigureChange("투자", "1", "2", Link("3월 발표", bad), None),),
        attachments=(AttachmentChange(AttachmentAction.ADDED, "a.pdf", bad),),
        correction=Correction(Link("원 보도자료", bad), None, ()),
    )
    plain, html = bodies(reparse(alert(sneaky)))
    assert "javascript:" not in html
    assert "javascript:" not in plain
    assert "원문 보기" not in html
    assert "원 보도자료" in html


@pytest.mark.parametrize(
    "title",
    [
        "Hi\r\nBcc: victim@example.com",
        "Hi\nBcc: victim@example.com",
        "Hi\rBcc: victim@example.com",
        "A\u2028Bcc: victim@example.com",
        "A\u2029B\u0085Bcc: victim@example.com",
        "Hi%0d%0aBcc: victim@example.com",
        "Hi%0D%0ABcc: victim@example.com",
        "Hi\\r\\nBcc: victim@example.com",
        "=?utf-8?q?Hi=0D=0ABcc:_victim@example.com?=",
        "=?utf-8?b?SGkNCkJjYzogdmljdGltQGV4YW1wbGUuY29t?=",
        "Hi\x0bBcc:\x0c victim@example.com\x1c\x1d\x1e",
    ],
)
def test_titles_cannot_inject_headers(title: str) -> None:
    message = alert(item(title=title, zones=()), subscriber(name=title))
    parsed = reparse(message)
    assert parsed["Bcc"] is None
    assert len(parsed.get_all("Subject") or []) == 1
    assert len(parsed.get_all("To") or []) == 1
    assert parsed["To"].addresses[0].addr_spec == "kim@example.com"
    subject = str(parsed["Subject"])
    assert "\r" not in subject
    assert "\n" not in subject
    assert "\u2028" not in subject
    assert subject == f"[zonewatch] 수정: {safe_header_text(title)}"  # kept, as harmless text
    raw_head = message.as_bytes().split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc" not in raw_head
    assert b"\rBcc" not in raw_head


def test_digest_injection_through_zone_names() -> None:
    parsed = reparse(digest([item(zones=(("x", "Z\r\nBcc: victim@example.com"),))]))
    assert parsed["Bcc"] is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a\r\nb", "a b"),
        ("a\u2028b\u2029c\u0085d", "a b c d"),
        ("a%0d%0ab", "a b"),
        ("a%0%0dd%0ab", "a%0 d b"),
        ("a\\r\\nb", "a b"),
        ("a&#13;&#10;b", "a b"),
        ("  many   spaces\t\there ", "many spaces here"),
        ("=?utf-8?q?x?=", "= ?utf-8?q?x?="),
        ("zero\u200bwidth\u202eRTL", "zero width RTL"),
        ("한글 제목", "한글 제목"),
    ],
)
def test_safe_header_text(value: str, expected: str) -> None:
    assert safe_header_text(value) == expected


def test_safe_header_text_caps_length() -> None:
    capped = safe_header_text("가" * 1000)
    assert len(capped) <= 200
    assert capped.endswith("…")


def test_unusable_unsubscribe_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsubscribe URL"):
        alert_message(
            item(),
            subscriber(),
            message_id="<m@zonewatch>",
            unsubscribe_url="https://x.example/u?t=a>\r\nBcc: v@example.com",
            preferences_url=PREFERENCES,
            mail_from=MAIL_FROM,
        )


def test_correction_and_model_change_stand_out() -> None:
    _, html = bodies(reparse(alert(item(kind="correction"))))
    assert "정정" in html
    assert "#c0392b" in html
    _, html = bodies(reparse(alert(item(kind="model_change"))))
    assert "구역 변경" in html
    assert "#6f42c1" in html
    plain, _ = bodies(reparse(alert(item(kind="correction"))))
    assert plain.startswith("[정정 · 주목]")


def test_figures_are_shown() -> None:
    figures = item(
        kind="fact_change",
        figure_changes=(FigureChange("목표 입주기업 (인천경제자유구역)", "250개사", "300개사"),),
        facts=(FactLine("목표 입주기업 (인천경제자유구역, 2030년까지)", "300개사"),),
        more_facts=3,
    )
    plain, html = bodies(reparse(alert(figures)))
    assert "  - 목표 입주기업 (인천경제자유구역): 250개사 → 300개사" in plain
    assert "  - 목표 입주기업 (인천경제자유구역, 2030년까지): 300개사" in plain
    assert "  외 3건" in plain
    assert ">250개사</del> &#8594; <ins" in html
    assert "목표 입주기업 (인천경제자유구역, 2030년까지): <b>300개사</b>" in html


def test_digest_summary_groups_and_order() -> None:
    items = [
        item(change_id=1, significance=0.3),
        item(change_id=2, significance=0.9, zones=(("bjfez", "부산진해경제자유구역"),)),
        item(change_id=3, significance=0.5, title="두 번째 송도 건"),
        item(change_id=4, significance=0.2, zones=(), topics=("거버넌스",), kind="correction"),
    ]
    parsed = reparse(digest(items))
    assert parsed["Subject"] == "[zonewatch] 일일 요약 2026-03-03 · 4건"
    assert parsed["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    plain, html = bodies(parsed)
    assert "구역·사업별: 인천경제자유구역 2, 부산진해경제자유구역 1, 기타 1" in plain
    assert "주제별: 투자·유치 3, 거버넌스 1" in plain
    order = [plain.index(marker) for marker in ("=== 부산진해", "=== 인천경제", "=== 기타")]
    assert order == sorted(order)
    assert plain.index("두 번째 송도 건") < plain.index(
        "[수정 · 일반] 인천경제자유구역 · 송도국제도시\n인천경제청"
    )
    assert "구독 해지" in html
    assert UNSUBSCRIBE in html
    assert html.count("<h2") == 3


def test_english_weekly_digest() -> None:
    message = digest_message(
        [item(zones=(), topics=())],
        subscriber("en"),
        period="weekly",
        period_start=dt.datetime(2026, 2, 23, 23, tzinfo=UTC),
        period_end=dt.datetime(2026, 3, 2, 23, tzinfo=UTC),
        message_id="<digest-2@zonewatch>",
        unsubscribe_url=UNSUBSCRIBE,
        preferences_url=PREFERENCES,
        mail_from=MAIL_FROM,
    )
    parsed = reparse(message)
    assert parsed["Subject"] == "[zonewatch] Weekly digest 2026-02-24–2026-03-03 · 1 change"
    plain, _ = bodies(parsed)
    assert "=== Other (1) ===" in plain


def test_subscriber_without_name() -> None:
    parsed = reparse(alert(sub=subscriber(name=None)))
    assert parsed["To"].addresses[0].display_name == ""
    assert parsed["To"].addresses[0].addr_spec == "kim@example.com"


def test_diff_segments() -> None:
    assert diff_segments("a [-b-]{+c+} d") == [
        ("a ", None),
        ("b", "del"),
        ("c", "ins"),
        (" d", None),
    ]
    assert diff_segments("") == []


HOSTILE_NAMES = [
    "A very long display name that goes on and on " * 2 + '"attacker@evil.example, x"',
    "A very long display name that goes on and on " * 2 + "attacker@evil.example, x",
    "Long name " * 8 + '"attacker@evil.example, x" <attacker@evil.example>, y',
    "Kim ＜attacker＠evil.example＞， x " * 4,
    "=?utf-8?q?attacker=40evil.example=2C_x?= " * 3,
    "Kim; attacker@evil.example: group;" * 3,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_display_name_gives_exactly_one_recipient(name: str) -> None:
    """CPython folds a long quoted display name without its quotes; a client then reads
    ``attacker@evil.example`` as a second recipient. The name keeps no address syntax."""
    message = alert(sub=subscriber(name=name))
    raw = message.as_bytes()

    to_header = unfolded_header(raw, "To")
    for value in (to_header, str(reparse(message)["To"])):
        assert [address for _, address in getaddresses([value])] == ["kim@example.com"], value
    assert "evil.example" not in to_header


def unfolded_header(raw: bytes, name: str) -> str:
    """A header exactly as a receiving client sees it: the wire bytes, unfolded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ")
    [line] = [line for line in head.split("\r\n") if line.startswith(f"{name}:")]
    return line.split(":", 1)[1].strip()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("김민수", "김민수"),
        ('Kim "the boss" <kim@x.example>', "Kim the boss kim x example"),
        ("O'Brien, Dr.", "O Brien Dr"),
        ("ａｂｃ\u200b\r\nBcc: v@example.com", "abc Bcc v example com"),
        ("x" * 100, "x" * 63 + "…"),
    ],
)
def test_display_names_keep_only_safe_characters(name: str, shown: str) -> None:
    assert safe_display_name(name) == shown


# --- links, dates, significance ---------------------------------------------------------------


def test_cited_releases_are_links_never_angle_bracket_text() -> None:
    cited = item(
        figure_changes=(
            FigureChange(
                "목표 입주기업",
                "250개사",
                "300개사",
                Link("3월 발표", "https://a.example/1"),
                Link("4월 발표", "https://a.example/2"),
            ),
        )
    )
    plain, html = bodies(reparse(alert(cited)))
    assert "<https://" not in plain
    assert "&lt;https://" not in html
    assert '<a href="https://a.example/1" style="color:#4b5563;text-decoration:underline;">' in html
    assert "    이전 발표: 3월 발표 — https://a.example/1\n" in plain
    assert "    이번 발표: 4월 발표 — https://a.example/2\n" in plain


def test_session_ids_and_tracking_are_stripped_at_render() -> None:
    leaky = item(
        url="https://www.ifez.go.kr/view.do;jsessionid=ABC123?pst_seq=1&utm_source=x&fbclid=y",
        attachments=(
            AttachmentChange(
                AttachmentAction.ADDED, "계획.pdf", "https://www.ifez.go.kr/f?PHPSESSID=9&n=1"
            ),
        ),
    )
    plain, html = bodies(reparse(alert(leaky)))
    for body in (plain, html):
        assert "https://www.ifez.go.kr/view.do?pst_seq=1" in body
        assert "https://www.ifez.go.kr/f?n=1" in body
        for leak in ("jsessionid", "ABC123", "utm_", "fbclid", "PHPSESSID"):
            assert leak not in body, leak


@pytest.mark.parametrize(
    ("score", "ko", "en"),
    [
        (0.95, "중대", "major"),
        (0.8, "중대", "major"),
        (0.6, "주목", "notable"),
        (0.42, "일반", "routine"),
        (0.2, "일반", "routine"),
        (0.05, "경미", "minor"),
    ],
)
def test_significance_is_shown_as_words(score: float, ko: str, en: str) -> None:
    plain, html = bodies(reparse(alert(item(significance=score))))
    assert f"중요도: {ko}" in plain
    assert f"중요도: {ko}" in html
    assert str(score) not in plain + html
    plain, _ = bodies(reparse(alert(item(significance=score, language="en"), subscriber("en"))))
    assert f"Significance: {en}" in plain


def test_a_release_without_a_time_shows_its_day_and_an_unknown_one_says_so() -> None:
    midnight = dt.datetime(2026, 3, 1, 15, 0, tzinfo=UTC)  # 2026-03-02 00:00 KST
    plain, _ = bodies(reparse(alert(item(released_at=midnight))))
    assert "발표 2026-03-02 · " in plain
    plain, html = bodies(reparse(alert(item(released_at=None))))
    assert "발표일 미상 · " in plain
    assert "발표일 미상" in html
    assert "zonewatch 감지 2026-03-02 10:12 KST" in plain


def test_korean_text_breaks_between_words_only() -> None:
    _, html = bodies(reparse(alert()))
    assert "word-break:keep-all;overflow-wrap:anywhere;" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_a_correction_mail_names_the_release_it_corrects() -> None:
    notice = item(
        kind="correction",
        title="[정정] 「산업단지 대개조 2차 지역 선정 결과」 보도자료 중 지원 규모 정정",
        headline="정정: 예산·사업비 1,800억 원 → 1,950억 원",
        edits=(),
        correction=Correction(
            Link("산업단지 대개조 2차 지역 선정 결과", "https://www.motir.go.kr/a/171830"),
            dt.datetime(2026, 8, 5, 1, 0, tzinfo=UTC),
            (FigureChange("예산·사업비", "1,800억 원", "1,950억 원"),),
        ),
    )
    parsed = reparse(alert(notice))
    assert parsed["Subject"] == (
        "[zonewatch] 정정: 산업단지 대개조 2차 지역 선정 결과 (예산·사업비 1,800억 원 → 1,950억 원)"
    )
    plain, html = bodies(parsed)
    assert (
        "정정 대상: 산업단지 대개조 2차 지역 선정 결과 (발표 2026-08-05 10:00 KST)\n"
        "  https://www.motir.go.kr/a/171830\n"
    ) in plain
    assert "정정된 수치:\n  - 예산·사업비: 1,800억 원 → 1,950억 원\n" in plain
    assert (
        '<a href="https://www.motir.go.kr/a/171830" style="color:#1f5fa8;'
        'text-decoration:underline;">산업단지 대개조 2차 지역 선정 결과</a>'
    ) in html

    unknown = item(kind="correction", correction=Correction(None, None, ()))
    plain, html = bodies(reparse(alert(unknown)))
    assert "정정 대상: 정정 대상 보도자료를 찾지 못했습니다." in plain
    assert "정정 대상 보도자료를 찾지 못했습니다." in html


def test_a_model_change_mail_says_what_happened_and_where_it_was_reported() -> None:
    change = item(
        kind="model_change",
        title="인천경제자유구역: 지정 해제 (2026-12-01 발효)",
        headline="구역 변경",
        document_title="인천경제자유구역 일부 지구 지정 해제 고시",
        significance=0.9,
        edits=(),
    )
    parsed = reparse(alert(change))
    assert (
        parsed["Subject"] == "[zonewatch] 구역 변경: 인천경제자유구역: 지정 해제 (2026-12-01 발효)"
    )
    plain, html = bodies(parsed)
    assert "근거 보도자료: 인천경제자유구역 일부 지구 지정 해제 고시" in plain
    assert "중요도: 중대" in plain
    assert ">인천경제자유구역 일부 지구 지정 해제 고시</a>" in html


# --- real events ------------------------------------------------------------------------------


def test_no_mail_says_only_a_title(pipeline: Pipeline) -> None:
    """Issue 13's "done when": a new release, an edit and a correction each show the release
    date, source and department, the lede, and what the event is about."""
    original, notice = pipeline.correction_event()
    edit = pipeline.edit_event()
    for ids, title, details in (
        (
            original,
            ORIGINAL_TITLE,
            ["보도자료 속 수치:", "  - 예산·사업비 (계획, 2029년까지): 1,800억 원"],
        ),
        (
            edit,
            EDIT_TITLE,
            [
                "[-597억-]{+650억+}",
                "  - 목표 입주기업: 250개사 → 300개사",
                f"  + 첨부 추가: {EDIT_ATTACHMENT}",
            ],
        ),
        (
            notice,
            CORRECTION_TITLE,
            [f"정정 대상: {ORIGINAL_TITLE} (발표 2026-08-05 10:00 KST)", "1,800억 원 → 1,950억 원"],
        ),
    ):
        shown = pipeline.item(ids)
        plain, html = bodies(reparse(alert(shown)))
        assert title in plain
        assert "\n발표 2026-" in plain, "the release date, not when zonewatch noticed it"
        assert "산업입지정책과" in plain or "투자유치기획과" in plain
        for detail in details:
            assert detail in plain, (title, detail)
        assert len(shown.lede) > 40, shown.lede
        assert f"\n\n{shown.lede}\n\n" in plain
        assert "<https://" not in plain
        assert "jsessionid" not in plain + html


def test_a_chat_notification_carries_the_gist_and_a_clean_link(pipeline: Pipeline) -> None:
    title, body = channel_text(pipeline.item(pipeline.edit_event()))
    assert title == f"수정: {EDIT_TITLE} (수치 변경 2건) · 인천경제자유구역"
    lines = body.split("\n")
    assert lines[0] == "발표 2026-07-20 10:00 KST · 인천경제자유구역청 보도자료 · 투자유치기획과"
    assert "본문 수정: 597억 → 650억 외 1건" in lines
    assert "목표 입주기업: 250개사 → 300개사" in lines
    assert f"첨부 추가: {EDIT_ATTACHMENT}" in lines
    assert "https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_seq=669400" in lines
    assert lines[-1] == "(모든 변경)"
    assert "<http" not in body
    _, body = channel_text(pipeline.item(pipeline.correction_event()[1], "en"))
    assert f"Corrects: {ORIGINAL_TITLE}" in body.split("\n")


def test_a_digest_of_real_events(pipeline: Pipeline) -> None:
    original, notice = pipeline.correction_event()
    items = [pipeline.item(ids) for ids in (original, notice, pipeline.edit_event())]
    plain, html = bodies(reparse(digest(items)))
    for shown in items:
        assert shown.title in plain
        assert shown.lede[:30] in plain
        assert shown.lede[:30] in html
    assert plain.count("\n발표 2026-") == 3


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("kind", ["alert", "digest"])
def test_every_mail_links_the_preferences_page_next_to_unsubscribe(
    kind: str, language: str
) -> None:
    person = subscriber(language)
    message = reparse(alert(sub=person) if kind == "alert" else digest([item()], person))
    plain, html = bodies(message)
    label = "구독 설정" if language == "ko" else "Preferences"
    assert f"{label} (" in plain
    assert f": {PREFERENCES}\n" in plain
    assert plain.index(PREFERENCES) < plain.index(UNSUBSCRIBE), "the two links go together"
    assert f'<a href="{PREFERENCES}"' in html
    assert html.index(PREFERENCES) < html.index(UNSUBSCRIBE)
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>", "the header is unchanged"


def test_unusable_preferences_url_is_refused() -> None:
    with pytest.raises(ValueError, match="preferences URL"):
        alert_message(
            item(),
            subscriber(),
            message_id="<m@zonewatch>",
            unsubscribe_url=UNSUBSCRIBE,
            preferences_url="javascript:alert(1)",
            mail_from=MAIL_FROM,
        )
