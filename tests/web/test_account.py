"""Every signed-in user changes their own language and password at /account."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import PASSWORD, sign_in, token_of
from zonewatch.app import App
from zonewatch.web.app import make_web_app

NEW = PASSWORD + " again"


@pytest.mark.parametrize("role", ["watcher", "analyst"])
def test_language_switches_the_interface(client: TestClient, role: str) -> None:
    sign_in(client, role)
    assert "내 계정" in client.get("/account").text
    answer = client.post(
        "/account/language", data={"csrf": token_of(client, "/account"), "language": "en"}
    )
    assert answer.status_code == 200
    assert "My account" in answer.text
    assert "Saved." in answer.text


def test_an_unknown_language_is_refused(client: TestClient) -> None:
    sign_in(client, "watcher")
    answer = client.post(
        "/account/language", data={"csrf": token_of(client, "/account"), "language": "fr"}
    )
    assert answer.status_code == 400
    assert "unknown language" in answer.text


def test_password_change_needs_the_current_one_and_signs_out_other_devices(
    app: App, client: TestClient
) -> None:
    other = TestClient(make_web_app(app), base_url="http://console.example.org")
    sign_in(other, "watcher")
    sign_in(client, "watcher")
    form = {"new_password": NEW, "repeat_password": NEW}
    wrong = client.post(
        "/account/password",
        data={"csrf": token_of(client, "/account"), "current_password": "guess", **form},
    )
    assert wrong.status_code == 400
    assert "current password is not right" in wrong.text
    differ = client.post(
        "/account/password",
        data={
            "csrf": token_of(client, "/account"),
            "current_password": PASSWORD,
            "new_password": NEW,
            "repeat_password": NEW + "x",
        },
    )
    assert differ.status_code == 400
    done = client.post(
        "/account/password",
        data={"csrf": token_of(client, "/account"), "current_password": PASSWORD, **form},
    )
    assert done.status_code == 200, "this browser stays signed in"
    assert "비밀번호를 바꿨습니다" in done.text
    assert other.get("/account", follow_redirects=False).status_code == 303, "others signed out"
    sign_in(other, "watcher", NEW)
