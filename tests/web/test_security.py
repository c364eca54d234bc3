"""Attacks on the console: forged forms, planted sessions, open redirects, script in titles,
guessing passwords, and sessions that should have ended."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.passwords import CHEAP_HASHING
from tests.web.conftest import PASSWORD, csrf_of, sign_in, token_of
from zonewatch.app import App, configure
from zonewatch.models import ChangeRecord
from zonewatch.web.app import make_web_app
from zonewatch.web.redirects import safe_next
from zonewatch.web.sessions import COOKIE_NAME
from zonewatch.web.users import remove_user, set_password, set_role

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# --- CSRF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_login_without_the_session_s_csrf_token_is_refused(
    client: TestClient, token: str | None
) -> None:
    client.get("/login")
    data = {"username": "analyst", "password": PASSWORD}
    if token is not None:
        data["csrf"] = token
    answer = client.post("/login", data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert client.get("/changes", follow_redirects=False).status_code == 303, "not signed in"


def test_a_token_from_another_session_is_refused(app: App, client: TestClient) -> None:
    other = TestClient(client.app, base_url="http://console.example.org")
    theirs = csrf_of(other.get("/login").text)
    client.get("/login")
    answer = client.post(
        "/login",
        data={"csrf": theirs, "username": "analyst", "password": PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 403


def test_logout_without_a_token_keeps_the_session(client: TestClient) -> None:
    sign_in(client, "analyst")
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert client.get("/changes").status_code == 200


# --- sessions --------------------------------------------------------------------------------


def test_login_rotates_the_session_and_the_planted_cookie_stays_anonymous(
    client: TestClient,
) -> None:
    client.get("/login")
    planted = client.cookies[COOKIE_NAME]
    planted_token = csrf_of(client.get("/login").text)

    sign_in(client, "analyst")

    after = client.cookies[COOKIE_NAME]
    assert after != planted
    assert token_of(client, "/changes") != planted_token, "a new CSRF token too"
    attacker = TestClient(client.app, base_url="http://console.example.org")
    attacker.cookies.set(COOKIE_NAME, planted)
    assert attacker.get("/changes", follow_redirects=False).status_code == 303


def test_cookie_flags(client: TestClient, app: App) -> None:
    header = client.get("/login").headers["set-cookie"]
    assert "httponly" in header.lower()
    assert "samesite=lax" in header.lower()
    assert "secure" not in header.lower(), "plain http public URL"

    https = configure(
        data_dir=app.settings.data_dir,
        database_url=app.settings.effective_database_url,
        secret_key=TEST_SECRET_KEY,
        public_url="https://console.example.org/zw",
        **CHEAP_HASHING,
    )
    try:
        secure = TestClient(make_web_app(https), base_url="https://console.example.org")
        assert "secure" in secure.get("/login").headers["set-cookie"].lower()
    finally:
        https.dispose()


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"], "no script may run"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_a_forged_or_foreign_cookie_is_no_session(client: TestClient) -> None:
    sign_in(client, "admin")
    value = client.cookies[COOKIE_NAME]
    # One signature character changed, never to itself, and not the last: base64 leaves that
    # one's low bits unused, so "xx" in place of the last two decoded to the same signature
    # about once in a thousand runs, and the test failed.
    changed = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    for forged in (changed, "garbage", "a" * 5000):
        other = TestClient(client.app, base_url="http://console.example.org")
        other.cookies.set(COOKIE_NAME, forged)
        assert other.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("how", ["logout", "role", "password", "removed"])
def test_sessions_end_on_logout_role_change_new_password_and_removal(
    app: App, client: TestClient, how: str
) -> None:
    sign_in(client, "analyst")
    stolen = client.cookies[COOKIE_NAME]
    if how == "logout":
        answer = client.post("/logout", data={"csrf": token_of(client)}, follow_redirects=False)
        assert answer.status_code == 303
    else:
        with app.session() as session:
            if how == "role":
                set_role(session, "analyst", "watcher")
            elif how == "password":
                set_password(
                    session,
                    "analyst",
                    "another good password",
                    cost=app.settings.password_hashing,
                )
            else:
                remove_user(session, "analyst")
    replay = TestClient(client.app, base_url="http://console.example.org")
    replay.cookies.set(COOKIE_NAME, stolen)
    assert replay.get("/changes", follow_redirects=False).status_code == 303


# --- open redirects --------------------------------------------------------------------------

HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/%0d%0aSet-Cookie:x=1",  # encoded: a harmless path
    " //evil.example",
    "/\t/evil.example",
    "http:/evil.example",
    "",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(client: TestClient, target: str) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf": token, "username": "analyst", "password": PASSWORD, "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert location in ("/", target), "home, or the encoded path itself"
    assert "evil" not in location


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/changes?kind=correction", "/changes?kind=correction"),
        ("/changes/5", "/changes/5"),
        *[(target, "/") for target in HOSTILE_NEXT if not target.startswith("/%0d")],
    ],
)
def test_safe_next(value: str, expected: str) -> None:
    assert safe_next(value) == expected


def test_login_goes_on_to_the_page_asked_for(client: TestClient) -> None:
    first = client.get("/changes?kind=correction", follow_redirects=False)
    assert first.headers["location"] == "/login?next=/changes%3Fkind%3Dcorrection"
    form = client.get(first.headers["location"]).text
    assert 'name="next" value="/changes?kind=correction"' in form
    answer = client.post(
        "/login",
        data={
            "csrf": csrf_of(form),
            "username": "analyst",
            "password": PASSWORD,
            "next": "/changes?kind=correction",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/changes?kind=correction"


# --- XSS -------------------------------------------------------------------------------------


def test_script_in_titles_and_summaries_renders_inert(app: App, client: TestClient) -> None:
    with app.session() as session:
        record = ChangeRecord(
            kind="new_document",
            dedupe_key="xss",
            title=SCRIPT,
            summary=SCRIPT,
            source_id=None,
        )
        session.add(record)
        session.flush()
        change_id = record.id
    sign_in(client, "analyst")
    for path in ("/changes", f"/changes/{change_id}", f"/changes?entity={SCRIPT}"):
        body = client.get(path).text
        assert "<script>" not in body
        assert "<img src=x" not in body
    assert "&lt;script&gt;" in client.get(f"/changes/{change_id}").text


def test_a_javascript_document_url_is_not_a_link(app: App, client: TestClient) -> None:
    from zonewatch.web.templating import http_url

    assert http_url("javascript:alert(1)") is None
    assert http_url("JaVaScRiPt:alert(1)") is None
    assert http_url("https://www.ifez.go.kr/x") == "https://www.ifez.go.kr/x"


# --- guessing passwords ----------------------------------------------------------------------


def _attempt(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf": token, "username": username, "password": password},
        follow_redirects=False,
    )
    return int(answer.status_code)


def test_five_failures_lock_the_account_even_for_the_right_password(client: TestClient) -> None:
    assert [_attempt(client, "analyst", "wrong password!") for _ in range(5)] == [400] * 5
    assert _attempt(client, "analyst", PASSWORD) == 429
    assert _attempt(client, "operator", PASSWORD) == 303, "other accounts are not locked"


def test_an_address_that_guesses_many_names_is_limited(client: TestClient) -> None:
    answers = [_attempt(client, f"nobody{n}", "wrong password!") for n in range(21)]
    assert answers[:20] == [400] * 20
    assert answers[20] == 429


def test_unknown_user_and_wrong_password_get_the_same_answer(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    one = client.post("/login", data={"csrf": token, "username": "ghost", "password": "x" * 12})
    two = client.post("/login", data={"csrf": token, "username": "admin", "password": "x" * 12})
    assert one.status_code == two.status_code == 400
    assert one.text == two.text


def test_a_huge_form_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"csrf": token, "username": "a", "password": "x" * 100_000})
    assert answer.status_code == 413
