"""Personal tokens: made and revoked by their owner on /tokens, shown once, stored hashed."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.apikit import bearer, token_for
from tests.web.conftest import sign_in, token_of
from zonewatch.app import App
from zonewatch.errors import InputError
from zonewatch.models import ApiToken
from zonewatch.web.tokens import MAX_TOKENS, issue_token, user_for_token
from zonewatch.web.users import remove_user, set_role

TOKEN = re.compile(r'id="issued-token"[^>]*value="(zw_[A-Za-z0-9_-]+)"')


def _make(client: TestClient, name: str) -> str:
    answer = client.post("/tokens", data={"csrf": token_of(client, "/tokens"), "name": name})
    assert answer.status_code == 200, answer.text
    match = TOKEN.search(answer.text)
    assert match is not None
    return match.group(1)


def test_a_token_is_shown_once_and_only_its_hash_is_stored(app: App, client: TestClient) -> None:
    sign_in(client, "analyst")
    token = _make(client, "<b>리더</b>")
    with app.session() as session:
        row = session.scalars(select(ApiToken)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.name, row.prefix, row.token_hash)
    page = client.get("/tokens").text
    assert token not in page
    assert token[:10] in page
    assert "&lt;b&gt;리더&lt;/b&gt;" in page, "the name is escaped"
    assert client.get("/api/v1/changes", headers=bearer(token)).status_code == 200


def test_revoking_ends_the_token(app: App, client: TestClient) -> None:
    sign_in(client, "operator")
    token = _make(client, "script")
    with app.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    answer = client.post(
        f"/tokens/{token_id}/revoke",
        data={"csrf": token_of(client, "/tokens")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert client.get("/api/v1/changes", headers=bearer(token)).status_code == 401


def test_nobody_revokes_another_user_s_token(app: App, client: TestClient) -> None:
    token = token_for(app, "analyst")
    with app.session() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    sign_in(client, "admin")
    answer = client.post(f"/tokens/{token_id}/revoke", data={"csrf": token_of(client, "/tokens")})
    assert answer.status_code == 404
    assert client.get("/api/v1/changes", headers=bearer(token)).status_code == 200


def test_csrf_is_required_to_make_a_token(client: TestClient) -> None:
    sign_in(client, "analyst")
    answer = client.post("/tokens", data={"name": "x"})
    assert answer.status_code == 403
    assert "zw_" not in answer.text


def test_a_bad_name_is_a_400(client: TestClient) -> None:
    sign_in(client, "analyst")
    for name in ("", "   ", "x" * 101):
        answer = client.post("/tokens", data={"csrf": token_of(client, "/tokens"), "name": name})
        assert answer.status_code == 400
        assert 'class="error"' in answer.text


def test_a_user_has_at_most_max_tokens(app: App) -> None:
    with app.session() as session:
        for n in range(MAX_TOKENS):
            issue_token(session, "watcher", f"t{n}")
    with app.session() as session, pytest.raises(InputError, match="revoke one"):
        issue_token(session, "watcher", "one more")


def test_the_role_is_read_on_every_call(app: App, client: TestClient) -> None:
    token = token_for(app, "analyst")
    assert client.get("/api/v1/changes", headers=bearer(token)).status_code == 200
    with app.session() as session:
        set_role(session, "analyst", "watcher")
    assert client.get("/api/v1/changes", headers=bearer(token)).status_code == 403
    with app.session() as session:
        remove_user(session, "analyst")
        assert user_for_token(session, token) is None
        assert session.scalars(select(ApiToken)).all() == [], "removing a user removes tokens"


def test_malformed_and_unknown_tokens_find_nobody(app: App) -> None:
    token_for(app, "analyst")
    with app.session() as session:
        for text in ("", "zw_", "zw_" + "A" * 43, "x" * 5000, "Bearer zw_x"):
            assert user_for_token(session, text) is None
