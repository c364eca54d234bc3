"""An analyst's work in a real browser: search and filter the change log, mark a change noise
from its page, bulk-review ticked rows and land on the same view, accept a proposal with a
note. Each flow checks the database too: the page could say "saved" and store nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.support.ui import Select

from tests.testkit.console import (
    PROPOSED_EFFECTIVE,
    PROPOSED_ENTITIES,
    STORED_CHANGE,
    ConsoleBrowser,
    LiveConsole,
)
from zonewatch.models import ChangeRecord, Entity, EntityChange, Role

pytestmark = pytest.mark.browser

PARK = "산업단지 대개조 지원 대상 3곳 선정"
PARK_CORRECTION = "[정정] 산업단지 대개조 지원 대상 3곳 선정"


def _titles(browser: ConsoleBrowser) -> list[str]:
    return [str(link.text) for link in browser.find_all("table.log tbody td:nth-child(2) > a")]


def _query(browser: ConsoleBrowser) -> dict[str, list[str]]:
    return parse_qs(urlsplit(browser.path).query)


def _record(console: LiveConsole, title: str) -> ChangeRecord:
    with console.app.session() as session:
        record = session.get(ChangeRecord, console.seeded.changes[title])
        assert record is not None
        session.expunge(record)
        return record


def test_search_and_filter_the_change_log(browser: ConsoleBrowser) -> None:
    browser.sign_in(Role.ANALYST)
    browser.open("/changes")
    browser.find("#f-q").send_keys("바이오 클러스터")
    browser.submit(browser.find("fieldset.filters button[type=submit]"))
    assert _query(browser)["q"] == ["바이오 클러스터"]
    found = _titles(browser)
    assert sorted(found) == sorted([STORED_CHANGE, STORED_CHANGE.removesuffix(" (수정)")])

    Select(browser.find("#f-kind")).select_by_value("changed_document")
    browser.submit(browser.find("fieldset.filters button[type=submit]"))
    assert _query(browser)["kind"] == ["changed_document"]
    assert _query(browser)["q"] == ["바이오 클러스터"], "the search stays with the filter"
    assert _titles(browser) == [STORED_CHANGE]
    assert browser.find("#f-q").get_attribute("value") == "바이오 클러스터"


def test_mark_a_change_noise_from_its_page(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    change_id = console_server.seeded.changes[STORED_CHANGE]
    browser.sign_in(Role.ANALYST)
    browser.open(f"/changes/{change_id}")
    assert browser.find_all("main del"), "the page shows the diff"
    browser.find("#review-note").clear()
    browser.find("#review-note").send_keys("조회수만 바뀜")
    browser.submit(browser.find("form.review button[name=action][value=noise]"))
    assert browser.path == f"/changes/{change_id}"
    assert browser.find("dd.note").text == "조회수만 바뀜"

    record = _record(console_server, STORED_CHANGE)
    assert (record.review_status, record.reviewed_by, record.review_note) == (
        "noise",
        "analyst",
        "조회수만 바뀜",
    )


def test_bulk_review_lands_on_the_same_filtered_view(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    browser.sign_in(Role.ANALYST)
    browser.open("/changes?q=%EC%82%B0%EC%97%85%EB%8B%A8%EC%A7%80&source=motir-press")
    filtered = browser.path
    assert sorted(_titles(browser)) == sorted([PARK, PARK_CORRECTION])
    for title in (PARK, PARK_CORRECTION):
        browser.find(f"#pick-{console_server.seeded.changes[title]}").click()
    browser.find("#bulk-note").send_keys("지정 고시 확인")
    browser.submit(browser.find("#bulk-review button[name=action][value=important]"))
    assert browser.path == filtered

    for title in (PARK, PARK_CORRECTION):
        record = _record(console_server, title)
        assert (record.review_status, record.reviewed_by, record.review_note) == (
            "important",
            "analyst",
            "지정 고시 확인",
        ), title
    untouched = _record(console_server, "부산진해경제자유구역 신규 투자 유치 설명회 개최")
    assert untouched.review_status == "new", "only the ticked rows"


def test_accept_a_proposal_with_a_note(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    proposal_id = console_server.seeded.proposals[0]
    browser.sign_in(Role.ANALYST)
    browser.open("/proposals")
    browser.find(f"#note-accept-{proposal_id}").send_keys("관보 고시로 확인")
    accept = f"form[action='/proposals/{proposal_id}/accept'] button[type=submit]"
    browser.submit(browser.find(accept))
    assert browser.path == "/proposals?status=accepted"
    assert browser.find(f"#proposal-{proposal_id}")

    with console_server.app.session() as session:
        proposal = session.get(EntityChange, proposal_id)
        assert proposal is not None
        assert (proposal.status, proposal.decided_by, proposal.note) == (
            "accepted",
            "analyst",
            "관보 고시로 확인",
        )
        entity = session.get(Entity, PROPOSED_ENTITIES[0])
        assert entity is not None
        assert entity.valid_to == PROPOSED_EFFECTIVE, "accepting applies the proposal"
        other = session.get(EntityChange, console_server.seeded.proposals[1])
        assert other is not None
        assert other.status == "proposed", "only the one accepted"
