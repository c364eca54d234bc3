"""Login limits live in the database: every web process counts the same failures, a window
ages them out, and aged rows are pruned as new failures arrive."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of
from zonewatch.app import App
from zonewatch.models import LoginFailure
from zonewatch.web.app import make_web_app
from zonewatch.web.ratelimit import WINDOW, LoginLimiter


class Clock:
    """A settable clock, so a test can let the window pass without waiting."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _client(app: App, limiter: LoginLimiter) -> TestClient:
    return TestClient(make_web_app(app, limiter), base_url="http://console.example.org")


def _attempt(client: TestClient, username: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf": token, "username": username, "password": password},
        follow_redirects=False,
    )
    return int(answer.status_code)


def _rows(app: App) -> int:
    with app.session() as session:
        return int(session.scalar(select(func.count()).select_from(LoginFailure)) or 0)


def test_failures_in_one_process_lock_the_account_in_another(app: App) -> None:
    first, second = _client(app, LoginLimiter()), _client(app, LoginLimiter())
    for client in (first, second, first, second, first):
        assert _attempt(client, "analyst", "wrong password!") == 400
    assert _attempt(second, "analyst", PASSWORD) == 429
    assert _attempt(first, "analyst", PASSWORD) == 429


def test_the_lock_ends_when_the_failures_age_out(app: App) -> None:
    clock = Clock()
    client = _client(app, LoginLimiter(clock=clock))
    assert [_attempt(client, "analyst", "wrong password!") for _ in range(5)] == [400] * 5
    clock.now += WINDOW - dt.timedelta(seconds=1)
    assert _attempt(client, "analyst", PASSWORD) == 429
    clock.now += dt.timedelta(seconds=2)
    assert _attempt(client, "analyst", PASSWORD) == 303


def test_a_success_clears_the_account_but_not_the_address(app: App) -> None:
    client = _client(app, LoginLimiter(account_limit=3, address_limit=5))
    assert [_attempt(client, "analyst", "wrong password!") for _ in range(2)] == [400] * 2
    assert _attempt(client, "analyst", PASSWORD) == 303
    client.cookies.clear()
    assert [_attempt(client, "analyst", "wrong password!") for _ in range(2)] == [400] * 2
    assert _attempt(client, "operator", "wrong password!") == 400
    assert _attempt(client, "operator", PASSWORD) == 429, "five failures from this address"


def test_aged_failures_are_pruned_by_the_next_one(app: App) -> None:
    clock = Clock()
    client = _client(app, LoginLimiter(clock=clock))
    for n in range(3):
        _attempt(client, f"nobody{n}", "wrong password!")
    assert _rows(app) == 6, "one row for the name and one for the address per failure"
    clock.now += WINDOW
    _attempt(client, "nobody9", "wrong password!")
    assert _rows(app) == 2
