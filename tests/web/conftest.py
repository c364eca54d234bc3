"""A console over a fresh database (SQLite and PostgreSQL), a user of every role, and a
browser-like client that signs in through the login form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.passwords import CHEAP_HASHING
from zonewatch.app import App, configure
from zonewatch.models import Role, migrate
from zonewatch.web.app import make_web_app
from zonewatch.web.ratelimit import LoginLimiter
from zonewatch.web.users import add_user

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[App]:
    built = configure(
        data_dir=tmp_path / "data",
        database_url=migrated_database_url,
        secret_key=TEST_SECRET_KEY,
        public_url="http://console.example.org",
        **CHEAP_HASHING,
    )
    migrate.upgrade(built.engine)
    with built.session() as session:
        for role in Role:
            add_user(session, role.value, PASSWORD, role, cost=built.settings.password_hashing)
    yield built
    built.dispose()


@pytest.fixture
def limiter() -> LoginLimiter:
    return LoginLimiter()


@pytest.fixture
def client(app: App, limiter: LoginLimiter) -> TestClient:
    return TestClient(make_web_app(app, limiter), base_url="http://console.example.org")


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match is not None, "the page has a form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"csrf": token, "username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def token_of(client: TestClient, path: str = "/") -> str:
    return csrf_of(client.get(path).text)
