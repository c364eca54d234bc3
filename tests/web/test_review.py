"""Review actions in the console: one change from its page, many from the change log, with
the same verdicts, notes and noise rules as ``zonewatch changes review``."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import sign_in, token_of
from tests.web.stored import stored_release
from zonewatch.app import App
from zonewatch.models import ChangeRecord, NoiseRule


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


def _record(app: App, change_id: int) -> ChangeRecord:
    with app.session() as session:
        record = session.get(ChangeRecord, change_id)
        assert record is not None
        session.expunge(record)
        return record


def _add(app: App, count: int) -> list[int]:
    with app.session() as session:
        rows = [
            ChangeRecord(kind="new_document", dedupe_key=f"bulk{n}", title=f"송도 발표 {n}")
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def test_a_verdict_from_the_change_page_records_who_and_when(app: App, analyst: TestClient) -> None:
    release = stored_release(app)
    page = f"/changes/{release.change_id}"
    token = token_of(analyst, page)
    answer = analyst.post(
        f"{page}/review",
        data={"csrf": token, "action": "important", "note": "지정 변경 확인"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == page
    record = _record(app, release.change_id)
    assert (record.review_status, record.review_note, record.reviewed_by) == (
        "important",
        "지정 변경 확인",
        "analyst",
    )
    assert record.reviewed_at is not None
    shown = analyst.get(page).text
    assert "검토자 analyst" in shown
    assert "지정 변경 확인</textarea>" in shown, "the form starts from the current note"


def test_a_note_alone_keeps_the_verdict(app: App, analyst: TestClient) -> None:
    release = stored_release(app)
    page = f"/changes/{release.change_id}"
    token = token_of(analyst, page)
    analyst.post(f"{page}/review", data={"csrf": token, "action": "reviewed", "note": ""})
    analyst.post(f"{page}/review", data={"csrf": token, "action": "note", "note": "  후속 확인 "})
    record = _record(app, release.change_id)
    assert (record.review_status, record.review_note) == ("reviewed", "후속 확인")


def test_noise_from_the_page_stores_the_source_s_noise_rules(app: App, analyst: TestClient) -> None:
    release = stored_release(
        app, old_text="조회수 : 120 입니다.", new_text="조회수 : 98765 입니다."
    )
    token = token_of(analyst, f"/changes/{release.change_id}")
    analyst.post(f"/changes/{release.change_id}/review", data={"csrf": token, "action": "noise"})
    with app.session() as session:
        rules = session.scalars(select(NoiseRule).where(NoiseRule.source_id == "board-a")).all()
        assert [(rule.fragment, rule.created_by, rule.change_id) for rule in rules] == [
            ("<count> after 조회수", "analyst", release.change_id)
        ]


def test_bulk_review_from_the_change_log_returns_to_the_same_view(
    app: App, analyst: TestClient
) -> None:
    ids = _add(app, 3)
    view = "/changes?kind=new_document&status=new"
    listing = analyst.get(view).text
    assert f'name="ids" value="{ids[0]}"' in listing
    assert 'name="next" value="/changes?kind=new_document&amp;status=new"' in listing
    answer = analyst.post(
        "/changes/review",
        data={
            "csrf": token_of(analyst, view),
            "ids": [str(ids[0]), str(ids[2])],
            "action": "reviewed",
            "note": "일괄 확인",
            "next": "/changes?kind=new_document&status=new",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == view
    statuses = {change_id: _record(app, change_id).review_status for change_id in ids}
    assert statuses == {ids[0]: "reviewed", ids[1]: "new", ids[2]: "reviewed"}
    assert _record(app, ids[2]).review_note == "일괄 확인"


def test_a_bulk_verdict_without_a_note_keeps_each_note(app: App, analyst: TestClient) -> None:
    ids = _add(app, 2)
    token = token_of(analyst, "/changes")
    analyst.post(f"/changes/{ids[0]}/review", data={"csrf": token, "action": "note", "note": "a"})
    analyst.post(
        "/changes/review", data={"csrf": token, "ids": [str(i) for i in ids], "action": "noise"}
    )
    assert [(_record(app, i).review_status, _record(app, i).review_note) for i in ids] == [
        ("noise", "a"),
        ("noise", None),
    ]
    refused = analyst.post(
        "/changes/review", data={"csrf": token, "ids": [str(i) for i in ids], "action": "note"}
    )
    assert refused.status_code == 400
    assert _record(app, ids[0]).review_note == "a", "an empty bulk note erases nothing"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/changes", "//evil.example/changes", "/\\evil.example", "/logout", ""],
)
def test_bulk_review_never_redirects_off_the_change_log(
    app: App, analyst: TestClient, target: str
) -> None:
    [change_id] = _add(app, 1)
    answer = analyst.post(
        "/changes/review",
        data={
            "csrf": token_of(analyst, "/changes"),
            "ids": str(change_id),
            "action": "reviewed",
            "next": target,
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/changes"


@pytest.mark.parametrize(
    ("ids", "action", "message"),
    [
        ([], "reviewed", "choose at least one change"),
        (["abc"], "reviewed", "not a change id: &#39;abc&#39;"),
        (["-1"], "reviewed", "not a change id"),
        (["999999"], "reviewed", "unknown change 999999"),
        (["{id}"], "new", "unknown review action"),
        (["{id}"], "", "unknown review action"),
    ],
)
def test_bad_bulk_input_is_a_400_with_one_line(
    app: App, analyst: TestClient, ids: list[str], action: str, message: str
) -> None:
    [change_id] = _add(app, 1)
    data: dict[str, str | list[str]] = {
        "csrf": token_of(analyst, "/changes"),
        "ids": [value.replace("{id}", str(change_id)) for value in ids],
        "action": action,
    }
    answer = analyst.post("/changes/review", data=data)
    assert answer.status_code == 400
    assert message in answer.text
    assert _record(app, change_id).review_status == "new", "nothing was written"


def test_an_unknown_id_refuses_the_whole_batch(app: App, analyst: TestClient) -> None:
    [change_id] = _add(app, 1)
    answer = analyst.post(
        "/changes/review",
        data={
            "csrf": token_of(analyst, "/changes"),
            "ids": [str(change_id), "999999"],
            "action": "reviewed",
        },
    )
    assert answer.status_code == 400
    assert _record(app, change_id).review_status == "new"


def test_single_review_of_an_unknown_change_or_a_bad_action(app: App, analyst: TestClient) -> None:
    [change_id] = _add(app, 1)
    token = token_of(analyst, "/changes")
    missing = analyst.post("/changes/999999/review", data={"csrf": token, "action": "reviewed"})
    assert missing.status_code == 400
    assert "unknown change 999999" in missing.text
    bad = analyst.post(f"/changes/{change_id}/review", data={"csrf": token, "action": "maybe"})
    assert bad.status_code == 400
    long = analyst.post(
        f"/changes/{change_id}/review",
        data={"csrf": token, "action": "note", "note": "가" * 2001},
    )
    assert long.status_code == 400
    assert "at most 2000" in long.text


@pytest.mark.parametrize("role", ["operator", "watcher"])
def test_operators_and_watchers_may_not_review(app: App, client: TestClient, role: str) -> None:
    [change_id] = _add(app, 1)
    sign_in(client, role)
    token = token_of(client, "/login")
    single = client.post(f"/changes/{change_id}/review", data={"csrf": token, "action": "noise"})
    bulk = client.post(
        "/changes/review", data={"csrf": token, "ids": str(change_id), "action": "noise"}
    )
    assert (single.status_code, bulk.status_code) == (403, 403)
    assert _record(app, change_id).review_status == "new"
    if role == "operator":
        assert 'name="ids"' not in client.get("/changes").text, "no checkboxes to read-only eyes"


@pytest.mark.parametrize("token", [None, "forged"])
def test_review_needs_the_session_s_csrf_token(
    app: App, analyst: TestClient, token: str | None
) -> None:
    [change_id] = _add(app, 1)
    data = {"action": "reviewed", "ids": str(change_id)}
    if token is not None:
        data["csrf"] = token
    assert analyst.post(f"/changes/{change_id}/review", data=data).status_code == 403
    assert analyst.post("/changes/review", data=data).status_code == 403
    assert _record(app, change_id).review_status == "new"
