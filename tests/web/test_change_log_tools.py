"""The change log's search box, saved filters, "new since my last visit" and export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import feedparser
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient
from time_machine import TimeMachineFixture

from tests.testkit import factories
from tests.web.conftest import sign_in, token_of
from zonewatch.app import App
from zonewatch.changes.visits import VISIT_GAP
from zonewatch.models import ChangeRecord, Document, DocumentVersion, SavedFilter
from zonewatch.web.export import MAX_EXPORT

LINK = 'href="/changes/'


def _add(app: App, title: str, body: str | None = None) -> int:
    with app.session() as session:
        version_id = None
        if body is not None:
            factories.source(session, "board-w")
            document = Document(source_id="board-w", external_id=title, url="https://x.go.kr/1")
            session.add(document)
            session.flush()
            version = DocumentVersion(
                document_id=document.id,
                number=1,
                title=title,
                text=body,
                content_hash=title,
                extractor_version="1",
            )
            session.add(version)
            session.flush()
            version_id = version.id
        record = ChangeRecord(
            kind="new_document", dedupe_key=title, title=title, new_version_id=version_id
        )
        session.add(record)
        session.flush()
        return record.id


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


def test_search_box_finds_korean_words_and_words_in_the_body(app: App, analyst: TestClient) -> None:
    _add(app, "송도 국제도시 지정")
    _add(app, "청라 공고", body="Landfill reclamation notice for the waterfront")
    _add(app, "영종 하늘도시")
    songdo = analyst.get("/changes?q=송도").text
    assert songdo.count(LINK) == 1
    assert "송도 국제도시 지정" in songdo
    assert 'value="송도"' in songdo, "the search box keeps the words"
    body_only = analyst.get("/changes?q=RECLAMATION").text
    assert body_only.count(LINK) == 1
    assert "청라 공고" in body_only
    assert analyst.get("/changes?q=" + "x" * 101).status_code == 400


def test_saved_filters_belong_to_their_user(app: App, client: TestClient) -> None:
    _add(app, "정정 보도")
    sign_in(client, "analyst")
    answer = client.post(
        "/filters",
        data={"csrf": token_of(client, "/changes"), "name": "송도 검색", "query": "q=송도&page=3"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/changes?q=%EC%86%A1%EB%8F%84"
    page = client.get("/changes").text
    assert "송도 검색" in page
    with app.session() as session:
        saved = session.scalars(select(SavedFilter)).one()
        assert saved.query == "q=%EC%86%A1%EB%8F%84", "the page is not part of a view"
        saved_id = saved.id
    bad = client.post(
        "/filters",
        data={"csrf": token_of(client, "/changes"), "name": "x", "query": "since=yesterday"},
    )
    assert bad.status_code == 400, "a filter that would not open is not saved"

    client.post("/logout", data={"csrf": token_of(client, "/changes")})
    sign_in(client, "operator")
    assert "송도 검색" not in client.get("/changes").text
    stolen = client.post(f"/filters/{saved_id}/delete", data={"csrf": token_of(client, "/")})
    assert stolen.status_code == 404
    with app.session() as session:
        assert session.get(SavedFilter, saved_id) is not None

    client.post("/logout", data={"csrf": token_of(client, "/changes")})
    sign_in(client, "analyst")
    mine = client.post(
        f"/filters/{saved_id}/delete",
        data={"csrf": token_of(client, "/")},
        follow_redirects=False,
    )
    assert mine.status_code == 303
    assert "송도 검색" not in client.get("/changes").text


def test_new_since_the_last_visit(
    app: App, analyst: TestClient, time_machine: TimeMachineFixture
) -> None:
    old_id = _add(app, "옛 고시")
    first = analyst.get("/changes").text
    assert first.count("badge new") == 1, "never looked: everything is new"
    time_machine.move_to(dt.datetime.now(dt.UTC) + VISIT_GAP + dt.timedelta(minutes=1))
    new_id = _add(app, "새 고시")
    second = analyst.get("/changes").text
    assert second.count("badge new") == 1
    assert f'새 변경</span> <a href="/changes/{new_id}"' in second
    assert f'</span> <a href="/changes/{old_id}"' not in second
    assert analyst.get("/changes").text.count("badge new") == 1, "still new within the visit"
    only = analyst.get("/changes?new=1").text
    assert only.count(LINK) == 1
    assert "새 고시" in only
    assert analyst.get("/changes?new=yes").status_code == 400

    done = analyst.post(
        "/changes/seen", data={"csrf": token_of(analyst, "/changes")}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "badge new" not in analyst.get("/changes").text
    assert analyst.get("/changes?new=1").text.count(LINK) == 0


def test_export_of_the_view_as_csv_and_json(app: App, analyst: TestClient) -> None:
    _add(app, "송도 지정")
    _add(app, "=HYPERLINK(1) 송도")
    _add(app, "청라 지정")
    page = analyst.get("/changes?q=송도").text
    assert 'href="/changes.csv?q=%EC%86%A1%EB%8F%84"' in page
    as_json = analyst.get("/changes.json?q=송도&page=2")
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json"
    assert {row["title"] for row in json.loads(as_json.text)} == {"송도 지정", "=HYPERLINK(1) 송도"}
    as_csv = analyst.get("/changes.csv?q=송도")
    assert as_csv.headers["content-disposition"] == 'attachment; filename="changes.csv"'
    rows = list(csv.DictReader(io.StringIO(as_csv.text.removeprefix("\ufeff"))))
    assert sorted(row["title"] for row in rows) == ["'=HYPERLINK(1) 송도", "송도 지정"]
    assert analyst.get("/changes.csv?kind=bogus").status_code == 400
    assert MAX_EXPORT >= 10_000


def test_the_view_and_each_saved_filter_have_their_atom_feed(app: App, analyst: TestClient) -> None:
    _add(app, "송도 지정")
    _add(app, "청라 지정")
    saved = analyst.post(
        "/filters",
        data={"csrf": token_of(analyst, "/changes"), "name": "송도만", "query": "q=송도"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = analyst.get("/changes?q=송도").text
    link = "/feeds/changes.atom?q=%EC%86%A1%EB%8F%84"
    assert page.count(f'href="{link}"') == 2, "the view's feed and the saved filter's"
    feed = feedparser.parse(analyst.get(link).content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["송도 지정"]


def test_a_watcher_reaches_none_of_it(app: App, client: TestClient) -> None:
    sign_in(client, "watcher")
    _add(app, "송도 지정")
    assert client.get("/changes.json").status_code == 403
    assert "송도" not in client.get("/changes.csv").text
    refused = client.post("/filters", data={"csrf": token_of(client, "/"), "name": "a"})
    assert refused.status_code == 403
    with app.session() as session:
        assert session.scalars(select(SavedFilter)).all() == []
