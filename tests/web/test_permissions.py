"""Every route names who it serves, and every route answers each role as the table says."""

from __future__ import annotations

import pytest
from httpx import Response
from sqlalchemy import select
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.testkit import factories
from tests.web.apikit import World, bearer, build_world, token_for
from tests.web.conftest import PASSWORD, sign_in, token_of
from tests.web.stored import stored_release
from zonewatch.app import App
from zonewatch.changes.saved_filters import save_filter
from zonewatch.models import ChangeRecord, Entity, EntityChange, Role, User
from zonewatch.web.app import ROUTES
from zonewatch.web.tokens import issue_token

ALL = {role.value for role in Role}
READERS = {"admin", "analyst", "operator"}
REVIEWERS = {"admin", "analyst"}
# (method, path, roles that get the page) — a role outside gets 403, a visitor the login page.
TABLE = [
    ("GET", "/", ALL),
    ("GET", "/changes", READERS),
    ("GET", "/changes/{id}", READERS),
    ("POST", "/logout", ALL),
    # operators, admin, account
    ("GET", "/sources", READERS),
    ("GET", "/sources/{source}", READERS),
    ("POST", "/sources/{source}/crawl", {"admin", "operator"}),
    ("POST", "/sources/{source}/pause", {"admin", "operator"}),
    ("POST", "/sources/{source}/resume", {"admin", "operator"}),
    ("GET", "/admin/users", {"admin"}),
    ("POST", "/admin/users", {"admin"}),
    ("POST", "/admin/users/role", {"admin"}),
    ("POST", "/admin/users/remove", {"admin"}),
    ("GET", "/account", ALL),
    ("POST", "/account/language", ALL),
    ("POST", "/account/password", ALL),
    # search, saved filters, new since last visit, export
    ("GET", "/changes.csv", READERS),
    ("GET", "/changes.json", READERS),
    ("POST", "/changes/seen", READERS),
    ("POST", "/filters", READERS),
    ("POST", "/filters/{filter}/delete", READERS),
    # personal tokens, Atom feeds and the API
    ("GET", "/tokens", ALL),
    ("POST", "/tokens", ALL),
    ("POST", "/tokens/{token_id}/revoke", ALL),
    # entities and proposals
    ("GET", "/entities", READERS),
    ("GET", "/entities/{entity}", READERS),
    ("GET", "/proposals", READERS),
    ("POST", "/proposals/{proposal}/accept", {"admin", "analyst"}),
    ("POST", "/proposals/{proposal}/reject", {"admin", "analyst"}),
    # change page, review, snapshots
    ("POST", "/changes/{id}/review", REVIEWERS),
    ("POST", "/changes/review", REVIEWERS),
    ("GET", "/versions/{version}", READERS),
    ("GET", "/versions/{version}/snapshot", READERS),
]
# What an allowed role's POST sends besides the CSRF token, so that it succeeds.
FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/sources/{source}/pause"): {"reason": "permission test"},
    ("POST", "/admin/users"): {"username": "newcomer", "password": PASSWORD, "role": "watcher"},
    ("POST", "/admin/users/role"): {"username": "watcher", "role": "analyst"},
    ("POST", "/admin/users/remove"): {"username": "watcher"},
    ("POST", "/account/language"): {"language": "en"},
    ("POST", "/account/password"): {
        "current_password": PASSWORD,
        "new_password": PASSWORD + "!",
        "repeat_password": PASSWORD + "!",
    },
    ("POST", "/filters"): {"name": "mine", "query": "kind=correction"},
    ("POST", "/tokens"): {"name": "permission test"},
    ("POST", "/changes/{id}/review"): {"action": "reviewed"},
    ("POST", "/changes/review"): {"action": "reviewed", "ids": "{id}"},
}
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    # preferences: no account, but the signed link's token is checked on every request
    # (tests/web/test_preferences.py: another subscriber's, tampered and revoked links refused)
    ("GET", "/preferences/{token}"),
    ("POST", "/preferences/{token}"),
}
# Routes that take a personal token instead of the session (feeds: either): (path, roles).
TOKEN_TABLE = [
    ("/feeds/changes.atom", READERS),
    ("/feeds/entities/{entity}.atom", READERS),
    ("/feeds/topics/{topic}.atom", READERS),
    ("/feeds/sources/{source}.atom", READERS),
    ("/api/v1/changes", READERS),
    ("/api/v1/changes/{id}", READERS),
    ("/api/v1/documents", READERS),
    ("/api/v1/documents/{document}", READERS),
    ("/api/v1/entities", READERS),
    ("/api/v1/entities/{entity}", READERS),
    ("/api/v1/sources", READERS),
    ("/api/v1/sources/{source}", READERS),
]
TOKEN_PUBLIC = {"/api/v1/openapi.json"}


def test_every_route_is_guarded_and_in_the_table() -> None:
    listed = {(method, path) for method, path, _ in TABLE} | PUBLIC
    for route in ROUTES:
        if isinstance(route, Mount):
            assert route.path == "/static", "only the style sheet is served unguarded"
            continue
        assert isinstance(route, Route)
        assert hasattr(route.endpoint, "access"), f"{route.path} does not use require()"
        if hasattr(route.endpoint, "credential"):
            assert route.methods == {"GET", "HEAD"}, "token routes only read"
            path = _table_path(route.path)
            public = route.endpoint.access is None
            assert public == (path in TOKEN_PUBLIC), path
            assert public or path in {p for p, _ in TOKEN_TABLE}, f"{path} has no token test"
            continue
        for method in route.methods or ():
            if method == "HEAD":
                continue
            path = _table_path(route.path)
            assert (method, path) in listed, f"{method} {path} has no permission test"
            public = route.endpoint.access is None
            assert public == ((method, path) in PUBLIC), f"{method} {path}"


def _table_path(path: str) -> str:
    """A route's path as the tables write it."""
    for param, name in PATH_NAMES.items():
        path = path.replace(param, name)
    return path


PATH_NAMES = {
    "{change_id:int}": "{id}",
    "{token_id:int}": "{token_id}",
    "{entity_id}": "{entity}",
    "{topic_id}": "{topic}",
    "{source_id}": "{source}",
    "{filter_id:int}": "{filter}",
    "{proposal_id:int}": "{proposal}",
    "{version_id:int}": "{version}",
    "{document_id:int}": "{document}",
    "{key}": "{entity}",
}


@pytest.fixture
def change_id(app: App) -> int:
    with app.session() as session:
        record = ChangeRecord(kind="new_document", dedupe_key="perm", title="송도 지정")
        session.add(record)
        session.flush()
        return record.id


@pytest.fixture
def source_id(app: App) -> str:
    with app.session() as session:
        return factories.source(session, "perm-board").id


def _own_filter(app: App, role: str | None) -> int:
    """A saved filter of the user named ``role`` (of admin's for a visitor)."""
    with app.session() as session:
        owner = session.scalar(select(User).where(User.username == (role or "admin")))
        assert owner is not None
        return save_filter(session, owner.id, "perm", "kind=correction").id


@pytest.fixture
def proposal_id(app: App) -> int:
    """A pending proposal (about an entity the entity page test opens)."""
    with app.session() as session:
        session.add(Entity(id="ifez", kind="fez", name_ko="인천경제자유구역", name_en="IFEZ"))
        proposal = EntityChange(
            entity_id="ifez", action="expand", status="proposed", origin="document"
        )
        session.add(proposal)
        session.flush()
        return proposal.id


@pytest.fixture
def version_id(app: App) -> int:
    return stored_release(app, dedupe_key="perm-version").new_version_id


@pytest.mark.parametrize("role", [*sorted(ALL), None])
@pytest.mark.parametrize(("method", "path", "allowed"), TABLE)
def test_route_by_role(
    app: App,
    client: TestClient,
    change_id: int,
    source_id: str,
    proposal_id: int,
    version_id: int,
    role: str | None,
    method: str,
    path: str,
    allowed: set[str],
) -> None:
    if role is not None:
        sign_in(client, role)
    url = path.replace("{id}", str(change_id)).replace("{source}", source_id)
    url = url.replace("{entity}", "ifez").replace("{proposal}", str(proposal_id))
    url = url.replace("{version}", str(version_id))
    if "{filter}" in url:
        url = url.replace("{filter}", str(_own_filter(app, role)))
    if "{token_id}" in url:
        with app.session() as session:
            token = issue_token(session, role or "admin", "permission test")
        url = url.replace("{token_id}", str(token.id))
    if method == "GET":
        answer = client.get(url, follow_redirects=False)
    else:
        form = {
            name: value.replace("{id}", str(change_id))
            for name, value in FORMS.get((method, path), {}).items()
        }
        data = {"csrf": token_of(client, "/login"), **form}
        answer = client.post(url, data=data, follow_redirects=False)
    if role is None:
        if method == "GET":
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/login?next=")
        else:
            assert answer.status_code == 403
    elif role in allowed:
        assert answer.status_code in (200, 303), answer.text
        if method == "GET":
            assert answer.status_code == 200
    else:
        assert answer.status_code == 403
        assert "권한" in answer.text


def test_a_watcher_cannot_see_the_change_log_nor_a_change(
    client: TestClient, change_id: int
) -> None:
    sign_in(client, "watcher")
    for path in ("/changes", f"/changes/{change_id}", "/changes?kind=new_document"):
        answer = client.get(path)
        assert answer.status_code == 403
        assert "송도 지정" not in answer.text
    assert "/changes" not in client.get("/").text, "no link to a page the role cannot see"


@pytest.fixture
def world(app: App) -> World:
    return build_world(app)


@pytest.mark.parametrize(("path", "allowed"), TOKEN_TABLE)
def test_token_route_by_role(
    app: App, client: TestClient, world: World, path: str, allowed: set[str]
) -> None:
    """Feeds take ``?token=``, the API only ``Authorization: Bearer``; no token or an unknown
    one is a 401, a role outside the table a 403. (Every role in one test: a database each
    would cost minutes.)"""
    url = (
        path.replace("{id}", str(world.zone_change))
        .replace("{document}", str(world.document))
        .replace("{entity}", "ifez")
        .replace("{topic}", "designation")
        .replace("{source}", "ifez-news")
    )

    def get(token: str | None) -> Response:
        answer: Response
        if path.startswith("/feeds/"):
            answer = client.get(url + (f"?token={token}" if token else ""))
        else:
            answer = client.get(url, headers=bearer(token) if token else {})
        return answer

    assert get(None).status_code == 401
    assert get("zw_unknown").status_code == 401
    for role in sorted(ALL):
        answer = get(token_for(app, role))
        if role in allowed:
            assert answer.status_code == 200, (role, answer.text)
        else:
            assert answer.status_code == 403, role
            assert "인천" not in answer.text


def test_the_api_ignores_the_session_cookie(client: TestClient, world: World) -> None:
    sign_in(client, "admin")
    answer = client.get("/api/v1/changes")
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == 401
