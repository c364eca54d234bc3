"""An operator pauses a source with a reason and resumes it, in a real browser; an analyst's
source page offers neither."""

from __future__ import annotations

import pytest

from tests.testkit.console import ConsoleBrowser, LiveConsole
from zonewatch.models import Role, Source

pytestmark = pytest.mark.browser

SOURCE = "bjfez-press"


def _pause_state(console: LiveConsole) -> tuple[bool, str | None, str | None]:
    with console.app.session() as session:
        source = session.get(Source, SOURCE)
        assert source is not None
        return source.paused, source.pause_reason, source.paused_by


def test_an_operator_pauses_a_source_with_a_reason_then_resumes_it(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    browser.sign_in(Role.OPERATOR)
    browser.open("/sources")
    browser.submit(browser.find(f"a[href='/sources/{SOURCE}']"))
    assert browser.path == f"/sources/{SOURCE}"
    browser.find("#pause-reason").send_keys("사이트 개편 중")
    browser.submit(browser.find(f"form[action='/sources/{SOURCE}/pause'] button"))
    assert browser.path == f"/sources/{SOURCE}"
    assert "사이트 개편 중" in browser.find("main").text, "other operators read why"
    assert _pause_state(console_server) == (True, "사이트 개편 중", "operator")

    browser.submit(browser.find(f"form[action='/sources/{SOURCE}/resume'] button"))
    assert browser.path == f"/sources/{SOURCE}"
    assert browser.find_all("#pause-reason"), "it can be paused again"
    assert _pause_state(console_server) == (False, None, None)


def test_an_analyst_cannot_pause(browser: ConsoleBrowser) -> None:
    browser.sign_in(Role.ANALYST)
    browser.open(f"/sources/{SOURCE}")
    assert not browser.find_all(f"form[action='/sources/{SOURCE}/pause']")
