"""Mails in a real browser: headless Chromium at a phone's 390 px and a desktop's 1000 px.

Three realistic Korean mails (an edit with its diff, two changed figures and an attachment; a
correction; a digest of both and a new release) are written to build/test-artifacts/mail/
with screenshots at both widths, and their layout is measured in the page: nothing wider
than the screen, and no Korean word of a title or lede broken across two lines. The same
check on the mail without ``word-break: keep-all`` must find broken words, so the check
is known to see them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.events import Pipeline, reader
from tests.testkit.browser import Browser, Page, chromium, ensure_chromium
from tests.testkit.servers import ServerUnavailableError, server_unavailable
from zonewatch.alerts.content import AlertItem
from zonewatch.alerts.email import alert_message, digest_message

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "mail"
WIDTHS = (390, 1000)
UNSUBSCRIBE = "https://zonewatch.example.org/unsubscribe?token=eyJzIjo0Mn0.Lf-bNT9Bnzxcnq9chj5"
PREFERENCES = "https://zonewatch.example.org/preferences/eyJzIjo0Miwia.Zt3pQ-prefs"
MAIL_FROM = "zonewatch <alerts@zonewatch.example.org>"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KEEP_ALL = "word-break:keep-all;"
EDIT_LINK = "https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_seq=669400"
ORIGINAL_LINK = "https://www.motir.go.kr/kor/article/ATCL171830?bbs_seq_n=171830"

# Per Korean word: the line tops of its characters, from one Range per character; a word
# whose characters sit on two line tops was broken across lines.
LAYOUT = """
(words) => {
  const nodes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const broken = [], missing = [];
  for (const word of words) {
    let seen = false;
    for (const node of nodes) {
      for (let at = node.data.indexOf(word); at !== -1; at = node.data.indexOf(word, at + 1)) {
        seen = true;
        const tops = new Set();
        for (let i = 0; i < word.length; i++) {
          const range = document.createRange();
          range.setStart(node, at + i);
          range.setEnd(node, at + i + 1);
          for (const rect of range.getClientRects()) {
            if (rect.width > 0) tops.add(Math.round(rect.top));
          }
        }
        if (tops.size > 1) broken.push(word);
      }
    }
    if (!seen) missing.push(word);
  }
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
    links: Array.from(document.links, (a) => a.href),
    text: document.body.innerText,
    broken,
    missing,
  };
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    try:
        executable = ensure_chromium()
    except ServerUnavailableError as exc:
        server_unavailable("headless Chromium", exc)
    with chromium(executable) as opened:
        yield opened


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def alert_html(item: AlertItem) -> str:
    person, _ = reader(item.language)
    return html_of(
        alert_message(
            item,
            person,
            message_id="<change-1.subscriber-1@zonewatch>",
            unsubscribe_url=UNSUBSCRIBE,
            preferences_url=PREFERENCES,
            mail_from=MAIL_FROM,
        )
    )


def digest_html(items: list[AlertItem]) -> str:
    person, _ = reader(items[0].language)
    return html_of(
        digest_message(
            items,
            person,
            period="daily",
            period_start=dt.datetime(2026, 8, 10, 23, tzinfo=dt.UTC),
            period_end=dt.datetime(2026, 8, 11, 23, tzinfo=dt.UTC),
            message_id="<digest-1@zonewatch>",
            unsubscribe_url=UNSUBSCRIBE,
            preferences_url=PREFERENCES,
            mail_from=MAIL_FROM,
        )
    )


def korean_words(items: list[AlertItem]) -> list[str]:
    """The words of the titles and ledes that contain Hangul (two characters or more)."""
    words = [w for i in items for w in f"{i.title} {i.lede}".split() if HANGUL.search(w)]
    return sorted({w for w in words if len(w) >= 2})


def measure(page: Page, path: Path, width: int, words: list[str]) -> dict[str, Any]:
    page.load(path, width)
    result: dict[str, Any] = page.evaluate(f"({LAYOUT})({json.dumps(words)})")
    return result


def png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width: int = struct.unpack(">I", header[16:20])[0]
    return width


def test_mails_fit_a_phone_and_a_desktop_with_korean_words_whole(
    browser: Browser, pipeline: Pipeline
) -> None:
    original, notice = pipeline.correction_event()
    edit = pipeline.item(pipeline.edit_event())
    correction = pipeline.item(notice)
    release = pipeline.item(original)
    mails = {
        "edit": (alert_html(edit), [edit], {EDIT_LINK}),
        "correction": (alert_html(correction), [correction], {ORIGINAL_LINK}),
        "digest": (
            digest_html([edit, correction, release]),
            [edit, correction, release],
            {EDIT_LINK, ORIGINAL_LINK},
        ),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.page()
    for name, (html, items, expected_links) in mails.items():
        assert KEEP_ALL in html
        path = ARTIFACTS / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        words = korean_words(items)
        assert len(words) > 20, words
        for width in WIDTHS:
            layout = measure(page, path, width, words)
            shot = ARTIFACTS / f"{name}-{width}.png"
            page.screenshot(shot)
            assert layout["viewport"] == width
            assert layout["scrollWidth"] <= width, f"{name} is wider than {width} px"
            assert layout["missing"] == [], f"{name}: words not in the page"
            assert layout["broken"] == [], f"{name} at {width} px breaks Korean words"
            assert png_width(shot) == width
            assert "<http" not in layout["text"]
            assert expected_links <= set(layout["links"]), name
            for link in layout["links"]:
                assert link.startswith("https://"), link
                assert not re.search(r"jsessionid|utm_|fbclid|PHPSESSID", link, re.I), link


def test_the_word_check_sees_broken_korean_words(browser: Browser, pipeline: Pipeline) -> None:
    """Without keep-all, Chromium breaks Korean anywhere between syllables: at 390 px some
    word of the lede must end up on two lines, or the check above proves nothing."""
    item = pipeline.item(pipeline.edit_event())
    html = alert_html(item).replace(KEEP_ALL, "word-break:normal;")
    assert KEEP_ALL not in html
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "edit-without-keep-all.html"
    path.write_text(html, encoding="utf-8")
    layout = measure(browser.page(), path, 390, korean_words([item]))
    assert layout["broken"], "no Korean word broken even without keep-all"
    assert layout["missing"] == []
