"""Every route names who it serves, and every route answers each role as the table says."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.web.conftest import sign_in, token_of
from tests.web.stored import stored_release
from zonewatch.app import App
from zonewatch.models import ChangeRecord, Role
from zonewatch.web.app import ROUTES

ALL = {role.value for role in Role}
READERS = {"admin", "analyst", "operator"}
REVIEWERS = {"admin", "analyst"}
# (method, path, roles that get the page) — a role outside gets 403, a visitor the login page.
TABLE = [
    ("GET", "/", ALL),
    ("GET", "/changes", READERS),
    ("GET", "/changes/{id}", READERS),
    ("POST", "/logout", ALL),
    # change page, review, snapshots
    ("POST", "/changes/{id}/review", REVIEWERS),
    ("POST", "/changes/review", REVIEWERS),
    ("GET", "/versions/{version}", READERS),
    ("GET", "/versions/{version}/snapshot", READERS),
]
PUBLIC = {("GET", "/login"), ("POST", "/login")}
FORMS = {
    ("POST", "/changes/{id}/review"): {"action": "reviewed"},
    ("POST", "/changes/review"): {"action": "reviewed", "ids": "{id}"},
}
"""What a POST sends besides its token, so that an allowed role gets a real answer."""


def test_every_route_is_guarded_and_in_the_table() -> None:
    listed = {(method, path) for method, path, _ in TABLE} | PUBLIC
    for route in ROUTES:
        if isinstance(route, Mount):
            assert route.path == "/static", "only the style sheet is served unguarded"
            continue
        assert isinstance(route, Route)
        assert hasattr(route.endpoint, "access"), f"{route.path} does not use require()"
        for method in route.methods or ():
            if method == "HEAD":
                continue
            path = route.path.replace("{change_id:int}", "{id}")
            path = path.replace("{version_id:int}", "{version}")
            assert (method, path) in listed, f"{method} {path} has no permission test"
            public = route.endpoint.access is None
            assert public == ((method, path) in PUBLIC), f"{method} {path}"


@pytest.fixture
def change_id(app: App) -> int:
    with app.session() as session:
        record = ChangeRecord(kind="new_document", dedupe_key="perm", title="송도 지정")
        session.add(record)
        session.flush()
        return record.id


@pytest.fixture
def version_id(app: App) -> int:
    return stored_release(app, dedupe_key="perm-version").new_version_id


@pytest.mark.parametrize("role", [*sorted(ALL), None])
@pytest.mark.parametrize(("method", "path", "allowed"), TABLE)
def test_route_by_role(
    client: TestClient,
    change_id: int,
    version_id: int,
    role: str | None,
    method: str,
    path: str,
    allowed: set[str],
) -> None:
    if role is not None:
        sign_in(client, role)
    url = path.replace("{id}", str(change_id)).replace("{version}", str(version_id))
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
