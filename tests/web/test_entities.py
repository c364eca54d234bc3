"""Entity pages: found by any name, a name in the address redirects to the id, ambiguous
names list their candidates; names, districts, history and timeline on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import sign_in
from zonewatch.app import App
from zonewatch.config.zones import load_zone_model
from zonewatch.models import ChangeEntity, ChangeRecord, User
from zonewatch.models.services import sync_zone_model

RELEASED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 10:30 KST


@pytest.fixture
def model(app: App) -> App:
    with app.session() as session:
        sync_zone_model(session, load_zone_model().entities)
        record = ChangeRecord(
            kind="new_document",
            dedupe_key="songdo-1",
            title="송도 <b>바이오</b> 클러스터 확대",
            released_at=RELEASED,
        )
        session.add(record)
        session.flush()
        session.add(ChangeEntity(change_id=record.id, entity_id="ifez-songdo"))
    return app


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


@pytest.mark.parametrize(
    ("name", "entity_id"),
    [
        ("IFEZ", "ifez"),
        ("인천경제자유구역", "ifez"),
        ("송도", "ifez-songdo"),
        ("incheon fez", "ifez"),
    ],
)
def test_a_name_in_the_address_redirects_to_the_id(
    model: App, analyst: TestClient, name: str, entity_id: str
) -> None:
    answer = analyst.get(f"/entities/{name}", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/entities/{entity_id}"


def test_the_entity_page_shows_names_districts_history_and_timeline(
    model: App, analyst: TestClient
) -> None:
    body = analyst.get("/entities/ifez").text
    assert "<h1>인천경제자유구역" in body
    assert "Incheon Free Economic Zone" in body
    assert "IFEZ" in body
    assert "약칭" in body
    assert 'href="/entities/kfez"' in body, "the parent is a link"
    for district in ("ifez-songdo", "ifez-cheongna", "ifez-yeongjong"):
        assert f'href="/entities/{district}"' in body
    assert 'href="/changes?entity=ifez"' in body
    assert "added to the zone model" in body, "the model history"
    assert "2026-03-02 10:30 KST" in body, "the district's change is on the timeline"
    assert "송도 &lt;b&gt;바이오&lt;/b&gt; 클러스터 확대" in body
    assert "<b>바이오</b>" not in body


def test_the_page_speaks_english_to_an_english_reader(model: App, client: TestClient) -> None:
    with model.session() as session:
        user = session.query(User).filter_by(username="analyst").one()
        user.language = "en"
    sign_in(client, "analyst")
    body = client.get("/entities/ifez-songdo").text
    assert "<h1>Songdo International City" in body
    assert "weak alias" in body
    assert "Timeline (by release date)" in body


def test_an_ambiguous_name_lists_its_candidates(model: App, analyst: TestClient) -> None:
    answer = analyst.get("/entities/인천", follow_redirects=False)
    assert answer.status_code == 200
    assert "여러 대상을 가리킵니다" in answer.text
    assert 'href="/entities/incheon"' in answer.text
    assert 'href="/entities/ifez"' in answer.text


def test_an_unknown_name_is_a_404_that_names_it(model: App, analyst: TestClient) -> None:
    answer = analyst.get("/entities/atlantis")
    assert answer.status_code == 404
    assert "atlantis" in answer.text


def test_search_lists_exact_then_similar_names(model: App, analyst: TestClient) -> None:
    body = analyst.get("/entities", params={"q": "송도"}).text
    exact, similar = body.split("이름에 이 말이 들어간 대상", 1)
    assert 'href="/entities/ifez-songdo"' in exact
    assert 'href="/entities/songdo-bio-cluster"' in similar
    assert 'href="/entities/ifez-songdo"' not in similar
    assert 'value="송도"' in body
    nothing = analyst.get("/entities", params={"q": "atlantis"}).text
    assert "이 이름의 대상이 없습니다." in nothing


def test_without_a_query_the_whole_model_is_listed(model: App, analyst: TestClient) -> None:
    body = analyst.get("/entities").text
    assert 'href="/entities/ifez"' in body
    assert 'href="/entities/bjfez"' in body
    assert '<label for="entity-q">' in body


def test_an_overlong_query_is_a_400(model: App, analyst: TestClient) -> None:
    answer = analyst.get("/entities", params={"q": "가" * 301})
    assert answer.status_code == 400
    assert len(answer.text) < 20_000


def test_a_watcher_cannot_see_entities(model: App, client: TestClient) -> None:
    sign_in(client, "watcher")
    for path in ("/entities", "/entities/ifez", "/entities?q=IFEZ"):
        answer = client.get(path)
        assert answer.status_code == 403
        assert "인천경제자유구역" not in answer.text
    assert "/entities" not in client.get("/").text


def test_the_change_log_takes_an_entity_by_any_name(model: App, analyst: TestClient) -> None:
    by_name = analyst.get("/changes", params={"entity": "송도"})
    assert by_name.status_code == 200
    assert "송도 &lt;b&gt;바이오&lt;/b&gt; 클러스터 확대" in by_name.text
    ambiguous = analyst.get("/changes", params={"entity": "인천"})
    assert ambiguous.status_code == 400
    assert "several entities" in ambiguous.text
