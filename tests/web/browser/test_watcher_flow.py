"""A watcher changes a subscription from the preferences link of a real rendered mail, in a
real browser, at a phone's width: nothing is wider than the screen, and the change is stored."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import Select

from tests.testkit.console import MOBILE, ConsoleBrowser, LiveConsole, mailed_preferences_link
from zonewatch.models import Subscriber
from zonewatch.web.i18n import text

pytestmark = pytest.mark.browser


def _subscriptions(console: LiveConsole) -> list[tuple[int, str, int, bool]]:
    with console.app.session() as session:
        person = session.get(Subscriber, console.seeded.subscriber)
        assert person is not None
        return [(s.id, s.delivery, s.hour, s.active) for s in person.subscriptions]


def test_a_watcher_changes_a_subscription_from_the_mail_link(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    path = mailed_preferences_link(console_server)
    assert path.startswith("/preferences/")
    first, *others = _subscriptions(console_server)
    browser.open(path)
    assert browser.find("h1").text == text("prefs_title", "ko")
    with browser.emulated(MOBILE):
        assert browser.wider_than(MOBILE) == [], "nothing wider than a phone"

    Select(browser.find(f"#delivery-{first[0]}")).select_by_value("weekly")
    hour = browser.find(f"#hour-{first[0]}")
    hour.clear()
    hour.send_keys("7")
    form = f"form:has(#delivery-{first[0]})"
    browser.submit(browser.find(f"{form} button[type=submit]"))
    assert browser.path == f"{path}?saved=change"
    assert text("prefs_saved_change", "ko") in browser.find("[role=status]").text
    assert _subscriptions(console_server) == [(first[0], "weekly", 7, True), *others]
