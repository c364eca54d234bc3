"""The JSON API: bearer tokens only, cursor pages, every endpoint, the CLI's JSON shapes and
an OpenAPI 3.1 description that covers every route and the keys of every answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.apikit import RELEASED, World, bearer, build_world, token_for
from zonewatch.app import App
from zonewatch.changes.queries import ChangeFilter, change_as_json, list_changes
from zonewatch.models import ChangeRecord
from zonewatch.web.api import ENDPOINTS, PREFIX, ROUTES
from zonewatch.web.openapi import SCHEMAS, openapi_path


@pytest.fixture
def world(app: App) -> World:
    return build_world(app)


@pytest.fixture
def api(app: App, client: TestClient) -> TestClient:
    client.headers.update(bearer(token_for(app, "analyst")))
    return client


def _schema_keys(name: str) -> set[str]:
    return set(SCHEMAS[name]["properties"])


def _matches(name: str, body: dict[str, Any]) -> None:
    assert set(body) == _schema_keys(name), f"{name}: {set(body) ^ _schema_keys(name)}"


def test_without_a_token_or_with_a_bad_one_is_a_json_401(client: TestClient, world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer zw_nope"}, {"Authorization": "Basic eDp5"}):
        answer = client.get("/api/v1/changes", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/json"
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert set(answer.json()) == {"error"}
    assert client.get("/api/v1/changes?token=zw_nope").status_code == 401


def test_a_watcher_gets_a_403(app: App, client: TestClient, world: World) -> None:
    answer = client.get("/api/v1/changes", headers=bearer(token_for(app, "watcher")))
    assert answer.status_code == 403
    assert answer.json()["error"]["status"] == 403


def test_changes_are_the_cli_s_json(app: App, api: TestClient, world: World) -> None:
    body = api.get("/api/v1/changes").json()
    _matches("ChangePage", body)
    assert body["next"] is None
    with app.session() as session:
        expected = [change_as_json(c) for c in list_changes(session, ChangeFilter(limit=None))]
    assert body["items"] == expected
    for item in body["items"]:
        _matches("Change", item)


def test_change_filters_are_the_change_log_s(api: TestClient, world: World) -> None:
    def ids(query: str) -> list[int]:
        answer = api.get(f"/api/v1/changes?{query}")
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids("entity=ifez") == [world.zone_change, world.district_change, world.hostile_change]
    assert ids("topic=designation") == [world.district_change]
    assert ids("source=ifez-news") == [world.zone_change, world.district_change]
    assert ids("kind=new_document&kind=correction&entity=bjfez") == [world.other_change]
    assert ids("status=reviewed") == []
    assert ids("since=2026-03-03") == []
    assert ids("q=부산") == [world.other_change]
    assert ids("q=%EA%B5%AC%EC%97%AD%20%EC%9A%94%EC%95%BD") == [world.zone_change]  # 구역 요약


def _walk(api: TestClient, url: str) -> list[int]:
    seen: list[int] = []
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
        if url:
            assert url.startswith("http://console.example.org/api/v1/")
    return seen


def test_cursor_pages_walk_every_change_once(app: App, api: TestClient, world: World) -> None:
    with app.session() as session:
        session.add_all(
            ChangeRecord(
                kind="new_document",
                dedupe_key=f"same{n}",
                title=f"같은 시각 {n}",
                released_at=RELEASED,
                occurred_at=RELEASED + dt.timedelta(hours=1),
            )
            for n in range(3)
        )
        session.add(ChangeRecord(kind="model_change", dedupe_key="m", title="날짜 없음"))
    everything = [item["id"] for item in api.get("/api/v1/changes?limit=200").json()["items"]]
    assert len(everything) == 8
    assert _walk(api, "/api/v1/changes?limit=2") == everything
    entity = _walk(api, "/api/v1/changes?limit=2&entity=ifez")
    assert entity == [world.zone_change, world.district_change, world.hostile_change]


def test_a_page_stays_right_while_new_changes_arrive(
    app: App, api: TestClient, world: World
) -> None:
    first = api.get("/api/v1/changes?limit=2").json()
    with app.session() as session:
        session.add(ChangeRecord(kind="new_document", dedupe_key="late", title="새 소식"))
    second = api.get(first["next"]).json()
    assert [item["id"] for item in second["items"]] == [world.hostile_change, world.other_change]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=many",
        "cursor=garbage",
        "cursor=WyJ4IiwgInkiLCAxXQ",
        "page=2",
        "since=yesterday",
        "kind=bogus",
        "entitty=ifez",
    ],
)
def test_bad_parameters_are_a_json_400(api: TestClient, world: World, query: str) -> None:
    answer = api.get(f"/api/v1/changes?{query}")
    assert answer.status_code == 400
    assert len(answer.json()["error"]["message"].splitlines()) == 1


def test_one_change(api: TestClient, world: World) -> None:
    body = api.get(f"/api/v1/changes/{world.zone_change}").json()
    _matches("ChangeDetails", body)
    assert body["source"] == {"id": "ifez-news", "name": "IFEZ 보도자료"}
    assert body["entities"][0]["id"] == "ifez"
    for missing in ("999999", str(2**64)):
        answer = api.get(f"/api/v1/changes/{missing}")
        assert answer.status_code == 404
        assert "error" in answer.json()


def test_documents_and_one_document(api: TestClient, world: World) -> None:
    body = api.get("/api/v1/documents?source=ifez-news").json()
    _matches("DocumentPage", body)
    [item] = body["items"]
    _matches("Document", item)
    assert item["title"] == "송도 지정"
    details = api.get(f"/api/v1/documents/{world.document}").json()
    _matches("DocumentDetails", details)
    assert details["text"] == "본문"
    assert [version["number"] for version in details["versions"]] == [1]
    assert api.get("/api/v1/documents?source=nowhere").status_code == 404
    assert api.get("/api/v1/documents/424242").status_code == 404
    assert api.get("/api/v1/documents?cursor=-1").status_code == 400


def test_document_pages(app: App, api: TestClient, world: World) -> None:
    from zonewatch.models import Document

    with app.session() as session:
        session.add_all(
            Document(source_id="ifez-news", external_id=f"x{n}", url=f"https://www.ifez.go.kr/{n}")
            for n in range(4)
        )
    walked = _walk(api, "/api/v1/documents?limit=2")
    assert len(walked) == 5
    assert walked == sorted(walked, reverse=True)


def test_entities_by_id_and_by_any_name(api: TestClient, world: World) -> None:
    body = api.get("/api/v1/entities").json()
    _matches("EntityPage", body)
    assert {item["id"] for item in body["items"]} == {"ifez", "ifez.songdo", "bjfez"}
    for item in body["items"]:
        _matches("Entity", item)
    assert [i["id"] for i in api.get("/api/v1/entities?kind=district").json()["items"]] == [
        "ifez.songdo"
    ]
    for key in ("ifez", "IFEZ", "ifez ", "인천경제자유구역", "incheon fez"):
        answer = api.get(f"/api/v1/entities/{key}")
        assert answer.status_code == 200, key
        _matches("EntityDetails", answer.json())
        assert answer.json()["id"] == "ifez"
    assert api.get("/api/v1/entities/송도국제도시").json()["id"] == "ifez.songdo"
    assert api.get("/api/v1/entities/nowhere").status_code == 404


def test_sources_with_their_health(api: TestClient, world: World) -> None:
    body = api.get("/api/v1/sources").json()
    _matches("SourcePage", body)
    [item] = body["items"]
    _matches("Source", item)
    _matches("SourceStatus", item["status"])
    assert item["status"]["state"] == "active"
    assert api.get("/api/v1/sources/ifez-news").json() == item
    assert api.get("/api/v1/sources/nowhere").status_code == 404


def test_openapi_describes_every_route(client: TestClient) -> None:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200, "the description is public"
    spec = answer.json()
    assert spec["openapi"].startswith("3.1.")
    assert {"title", "version"} <= set(spec["info"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    paths = spec["paths"]
    routes = {openapi_path(route.path) for route in ROUTES if isinstance(route, Route)}
    assert set(paths) == routes
    assert len(routes) == len(ENDPOINTS)
    for endpoint in ENDPOINTS:
        operation = paths[PREFIX + openapi_path(endpoint.path)]["get"]
        described = {(p["name"], p["in"]) for p in operation["parameters"]}
        assert described == {(p.name, p.where.value) for p in endpoint.params}
        for name in openapi_path(endpoint.path).split("{")[1:]:
            assert (name.split("}")[0], "path") in described, "every path parameter"
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.removeprefix("#/components/schemas/") in spec["components"]["schemas"]
        if not endpoint.public:
            assert {"401", "403"} <= set(operation["responses"])


def test_every_reference_in_the_description_resolves(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    for ref in refs(spec):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in spec["components"]["schemas"], ref


def test_the_api_answers_no_cookie_and_no_html(api: TestClient, world: World) -> None:
    answer = api.get("/api/v1/entities")
    assert "set-cookie" not in answer.headers
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["cache-control"] == "no-store"
