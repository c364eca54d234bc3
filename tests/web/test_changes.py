"""The change log page: filters from the query string, pages, KST times, baseline marker."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import sign_in
from zonewatch.app import App
from zonewatch.models import ChangeRecord
from zonewatch.web.changes import PAGE_SIZE

RELEASED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 10:30 KST
DETECTED = dt.datetime(2026, 3, 2, 15, 5, tzinfo=dt.UTC)  # 00:05 KST the next day


@pytest.fixture
def signed_in(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


def _add(app: App, count: int, **fields: object) -> list[int]:
    with app.session() as session:
        rows = [
            ChangeRecord(
                kind=str(fields.get("kind", "new_document")),
                dedupe_key=f"{fields.get('key', 'k')}{n}",
                title=f"{fields.get('title', '송도 국제도시')} {n}",
                released_at=RELEASED - dt.timedelta(minutes=n - int(str(fields.get("later", 0)))),
                occurred_at=DETECTED,
                baseline=bool(fields.get("baseline", False)),
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def test_release_and_detection_times_in_kst_and_the_baseline_marker(
    app: App, signed_in: TestClient
) -> None:
    _add(app, 1, baseline=True)
    body = signed_in.get("/changes").text
    assert "2026-03-02 10:30 KST" in body
    assert "2026-03-03 00:05 KST" in body
    assert "기준선" in body
    hidden = signed_in.get("/changes?baseline=hide").text
    assert "송도 국제도시 0" not in hidden
    assert "1 숨긴 기준선 기록" in hidden


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else None


def _titles(body: str) -> list[str]:
    return re.findall(r">(송도 국제도시 \d+|new \d+)<", body)


def test_pages_of_fifty_newest_release_first(app: App, signed_in: TestClient) -> None:
    _add(app, PAGE_SIZE + 3)
    first = signed_in.get("/changes").text
    assert first.count('href="/changes/') == PAGE_SIZE
    assert (_link(first, "next") or "").startswith("/changes?page=2&after=")
    assert _link(first, "prev") is None
    assert first.index("송도 국제도시 0<") < first.index("송도 국제도시 1<")
    second = signed_in.get(_link(first, "next") or "").text
    assert second.count('href="/changes/') == 3
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert signed_in.get("/changes?page=2").text.count('href="/changes/') == 3


def test_keyset_pages_neither_repeat_nor_skip_while_records_arrive(
    app: App, signed_in: TestClient
) -> None:
    """An offset page would shift by the records added since the first page was read."""
    _add(app, 2 * PAGE_SIZE + 5)
    first = signed_in.get("/changes").text
    _add(app, 7, key="new", title="new", later=60)
    _add(app, 1, key="amid", title="new", later=-PAGE_SIZE - 80)
    second = signed_in.get(_link(first, "next") or "").text
    third = signed_in.get(_link(second, "next") or "").text
    seen = _titles(first) + _titles(second) + _titles(third)
    assert [title for title in seen if title != "new 0"] == [
        f"송도 국제도시 {n}" for n in range(2 * PAGE_SIZE + 5)
    ]
    assert seen.count("new 0") == 1  # the one added amid the pages not read yet
    back = signed_in.get(_link(third, "prev") or "").text
    assert _titles(back) == _titles(second)
    again = signed_in.get(_link(back, "prev") or "").text
    assert _titles(again) == _titles(first)
    top = signed_in.get(_link(again, "prev") or "").text
    assert _titles(top)[:2] == ["new 0", "new 1"]
    assert len(_titles(top)) == PAGE_SIZE
    assert _link(top, "prev") is None


@pytest.mark.parametrize("query", ["after=nonsense", "before=x", "after=&before="])
def test_a_bad_position_is_a_400(signed_in: TestClient, query: str) -> None:
    answer = signed_in.get(f"/changes?{query}")
    assert answer.status_code == (400 if query != "after=&before=" else 200)


def test_filters_are_the_cli_s(app: App, signed_in: TestClient) -> None:
    _add(app, 2)
    _add(app, 1, kind="correction", key="c", title="정정 보도")
    only = signed_in.get("/changes?kind=correction").text
    assert "정정 보도" in only
    assert "송도 국제도시" not in only
    assert signed_in.get("/changes?since=2026-03-03").text.count('href="/changes/') == 0
    assert signed_in.get("/changes?until=2026-03-02").text.count('href="/changes/') == 3


@pytest.mark.parametrize(
    "query",
    ["since=yesterday", "min_significance=2", "page=0", "baseline=maybe", "kind=bogus"],
)
def test_a_bad_filter_is_a_400_that_names_it(signed_in: TestClient, query: str) -> None:
    answer = signed_in.get(f"/changes?{query}")
    assert answer.status_code == 400
    assert 'class="error"' in answer.text


def test_unknown_entity_is_a_404_with_the_reason(signed_in: TestClient) -> None:
    answer = signed_in.get("/changes?entity=nowhere")
    assert answer.status_code == 404
    assert "nowhere" in answer.text


def test_a_change_page(app: App, signed_in: TestClient) -> None:
    [change_id] = _add(app, 1, baseline=True)
    body = signed_in.get(f"/changes/{change_id}").text
    assert "송도 국제도시 0" in body
    assert "2026-03-02 10:30 KST" in body
    assert "기준선" in body
    assert signed_in.get("/changes/999999").status_code == 404
    assert signed_in.get(f"/changes/{2**70}").status_code == 404


def test_english_for_an_english_user(app: App, client: TestClient) -> None:
    from zonewatch.web.users import add_user

    with app.session() as session:
        add_user(
            session,
            "reader",
            "correct horse battery staple",
            "analyst",
            "en",
            cost=app.settings.password_hashing,
        )
    sign_in(client, "reader")
    body = client.get("/changes").text
    assert '<html lang="en">' in body
    assert "Change log" in body
