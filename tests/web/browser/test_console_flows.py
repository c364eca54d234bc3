"""The console in a real browser: signing in and out, the change log's form, a change's page,
and the keyboard."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.testkit.console import PASSWORD, SEED_CHANGES, ConsoleBrowser, LiveConsole
from zonewatch.models import Role
from zonewatch.web.i18n import Vocabulary, label, text

pytestmark = pytest.mark.browser

SONGDO = "인천경제청, 송도 바이오 클러스터 2단계 조성 계획 발표 (수정)"
BUSAN = "부산진해경제자유구역 신규 투자 유치 설명회 개최"


def _titles(browser: ConsoleBrowser) -> list[str]:
    return [str(link.text) for link in browser.find_all("table.log tbody td:nth-child(2) > a")]


def test_sign_in_then_a_wrong_password_is_refused(browser: ConsoleBrowser) -> None:
    browser.sign_in(Role.ANALYST)
    assert browser.path == "/"
    assert (
        browser.signed_in_as
        == f"{text('signed_in_as', 'ko')}: analyst ({label(Vocabulary.ROLE, 'analyst', 'ko')})"
    )
    browser.sign_out()

    browser.sign_in(Role.ANALYST, password="not the password at all")
    assert browser.path == "/login"
    assert browser.find("[role=alert]").text == text("login_failed", "ko")
    assert browser.signed_in_as is None


def test_the_login_form_works_with_tab_and_enter(browser: ConsoleBrowser) -> None:
    browser.open("/login")
    keys = ActionChains(browser.driver)
    for _ in range(5):  # the skip link and the brand come first
        if browser.driver.switch_to.active_element.get_attribute("id") == "username":
            break
        keys.send_keys(Keys.TAB).perform()
    assert browser.driver.switch_to.active_element.get_attribute("id") == "username"
    browser.mark_page()
    keys.send_keys("operator", Keys.TAB, PASSWORD, Keys.ENTER).perform()
    browser.wait_for_new_page()
    assert browser.path == "/"
    assert (
        browser.signed_in_as
        == f"{text('signed_in_as', 'ko')}: operator ({label(Vocabulary.ROLE, 'operator', 'ko')})"
    )


def test_filter_the_change_log_with_the_form(browser: ConsoleBrowser) -> None:
    browser.sign_in(Role.ANALYST)
    browser.open("/changes")
    every = _titles(browser)
    assert {seed.title for seed in SEED_CHANGES} <= set(every), "other flows may add records"
    assert every[0] == "[정정] 산업단지 대개조 지원 대상 3곳 선정", "newest release first"

    browser.find("#f-entity").send_keys("bjfez")
    Select(browser.find("#f-kind")).select_by_value("new_document")
    browser.submit(browser.find("fieldset.filters button[type=submit]"))
    assert browser.path.startswith("/changes?")
    assert "entity=bjfez" in browser.path
    assert "kind=new_document" in browser.path
    assert _titles(browser) == [BUSAN]
    assert browser.find("#f-entity").get_attribute("value") == "bjfez", "the form keeps it"

    browser.submit(browser.driver.find_element("link text", text("reset", "ko")))
    assert _titles(browser) == every


def test_open_a_change_from_the_list(browser: ConsoleBrowser, console_server: LiveConsole) -> None:
    browser.sign_in(Role.ANALYST)
    browser.open("/changes")
    browser.submit(browser.driver.find_element("link text", SONGDO))
    assert browser.path == f"/changes/{console_server.seeded.changes[SONGDO]}"
    assert browser.find("h1").text == SONGDO
    body = browser.find("main").text
    assert "2026-03-03 09:15" in body, "the release time, in KST"
    assert "사업비 597억 원 → 650억 원" in body
    assert "인천경제자유구역" in body, "its entity, by name"
    browser.submit(browser.driver.find_element("link text", text("back_to_log", "ko")))
    assert browser.path == "/changes"


def test_sign_out_then_the_log_asks_to_sign_in(browser: ConsoleBrowser) -> None:
    browser.sign_in(Role.OPERATOR)
    browser.open("/changes")
    assert _titles(browser), "operators read the change log"
    browser.sign_out()
    assert browser.path == "/login"
    browser.open("/changes")
    assert browser.path == "/login?next=/changes"
    assert browser.signed_in_as is None
