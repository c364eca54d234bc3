"""Admins manage accounts in the console: list, add, change role, remove; the last admin
and the admin's own account are protected, and a changed or removed user is signed out."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import PASSWORD, sign_in, token_of
from zonewatch.app import App
from zonewatch.models import Role
from zonewatch.web.app import make_web_app
from zonewatch.web.i18n import Vocabulary, label
from zonewatch.web.users import list_users


def _roles(app: App) -> dict[str, Role]:
    with app.session() as session:
        return {row.username: row.role for row in list_users(session)}


def _post(client: TestClient, path: str, **form: str) -> int:
    data = {"csrf": token_of(client, "/admin/users"), **form}
    return int(client.post(path, data=data, follow_redirects=False).status_code)


def test_the_list_shows_every_user_with_role_and_language(client: TestClient) -> None:
    sign_in(client, "admin")
    body = client.get("/admin/users").text
    for role in Role:
        assert f"<td>{label(Vocabulary.ROLE, role, 'ko')}</td>" in body
        assert f'<option value="{role.value}">{label(Vocabulary.ROLE, role, "ko")}</option>' in body
    assert "<td>한국어</td>" in body


def test_add_change_role_and_remove(app: App, client: TestClient) -> None:
    sign_in(client, "admin")
    assert (
        _post(
            client, "/admin/users", username="Kim", password=PASSWORD, role="analyst", language="en"
        )
        == 303
    )
    assert _roles(app)["kim"] is Role.ANALYST
    assert _post(client, "/admin/users/role", username="kim", role="operator") == 303
    assert _roles(app)["kim"] is Role.OPERATOR
    assert _post(client, "/admin/users/remove", username="kim") == 303
    assert "kim" not in _roles(app)


def test_bad_input_is_one_line_400(app: App, client: TestClient) -> None:
    sign_in(client, "admin")
    token = token_of(client, "/admin/users")
    cases = [
        (
            "/admin/users",
            {"username": "x y", "password": PASSWORD, "role": "analyst"},
            "bad username",
        ),
        ("/admin/users", {"username": "kim", "password": PASSWORD, "role": "boss"}, "unknown role"),
        (
            "/admin/users",
            {"username": "analyst", "password": PASSWORD, "role": "analyst"},
            "exists",
        ),
        ("/admin/users/role", {"username": "nobody", "role": "analyst"}, "unknown user"),
    ]
    for path, form, words in cases:
        answer = client.post(path, data={"csrf": token, **form})
        assert answer.status_code in (400, 404), (path, form)
        assert words in answer.text


def test_an_admin_cannot_remove_themselves_nor_demote_the_last_admin(
    app: App, client: TestClient
) -> None:
    sign_in(client, "admin")
    answer = client.post(
        "/admin/users/remove", data={"csrf": token_of(client, "/admin/users"), "username": "admin"}
    )
    assert answer.status_code == 400
    assert "your own account" in answer.text
    answer = client.post(
        "/admin/users/role",
        data={"csrf": token_of(client, "/admin/users"), "username": "admin", "role": "analyst"},
    )
    assert answer.status_code == 400
    assert "last admin" in answer.text
    assert _roles(app)["admin"] is Role.ADMIN


def test_a_role_change_or_removal_ends_that_user_s_sessions(app: App, client: TestClient) -> None:
    other = TestClient(make_web_app(app), base_url="http://console.example.org")
    sign_in(other, "analyst")
    assert other.get("/changes").status_code == 200
    sign_in(client, "admin")
    assert _post(client, "/admin/users/role", username="analyst", role="operator") == 303
    assert other.get("/changes", follow_redirects=False).status_code == 303, "signed out"
    sign_in(other, "analyst")
    assert other.get("/sources").status_code == 200
    assert _post(client, "/admin/users/remove", username="analyst") == 303
    assert other.get("/sources", follow_redirects=False).status_code == 303


def test_only_admins_manage_users(app: App, client: TestClient) -> None:
    sign_in(client, "operator")
    assert client.get("/admin/users").status_code == 403
    token = token_of(client, "/")
    answer = client.post(
        "/admin/users/role", data={"csrf": token, "username": "operator", "role": "admin"}
    )
    assert answer.status_code == 403
    assert _roles(app)["operator"] is Role.OPERATOR
