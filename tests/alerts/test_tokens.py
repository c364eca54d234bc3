"""Unsubscribe tokens: they name one subscriber and cannot be forged or reused elsewhere."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeSerializer

from zonewatch.alerts.tokens import (
    SALT,
    BadToken,
    subscriber_from_token,
    unsubscribe_token,
    unsubscribe_url,
)

KEY = "test-secret-key"


def test_round_trip() -> None:
    assert subscriber_from_token(KEY, unsubscribe_token(KEY, 42)) == 42


def test_token_is_url_safe() -> None:
    token = unsubscribe_token(KEY, 123456)
    assert token.isascii()
    assert not set(token) - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b", "eyJzIjo0Mn0.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "한글.토큰"],
)
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(BadToken):
        subscriber_from_token(KEY, token)


def test_tampered_token_is_refused() -> None:
    token = unsubscribe_token(KEY, 42)
    payload, signature = token.rsplit(".", 1)
    forged = unsubscribe_token(KEY, 43).rsplit(".", 1)[0] + "." + signature
    assert forged != token
    with pytest.raises(BadToken):
        subscriber_from_token(KEY, forged)
    with pytest.raises(BadToken):
        subscriber_from_token(KEY, payload + "." + signature[::-1])


def test_other_key_is_refused() -> None:
    with pytest.raises(BadToken):
        subscriber_from_token("another-secret", unsubscribe_token(KEY, 42))


def test_same_key_other_salt_is_refused() -> None:
    """A value signed by another feature with the same key must not unsubscribe anyone."""
    foreign = URLSafeSerializer(KEY, salt="something-else").dumps({"s": 42})
    with pytest.raises(BadToken):
        subscriber_from_token(KEY, str(foreign))


@pytest.mark.parametrize("payload", [{"s": "42"}, {"s": True}, {"x": 1}, [42], 42])
def test_well_signed_but_wrong_shape_is_refused(payload: object) -> None:
    token = URLSafeSerializer(KEY, salt=SALT).dumps(payload)
    with pytest.raises(BadToken):
        subscriber_from_token(KEY, str(token))


def test_url_carries_the_token() -> None:
    url = unsubscribe_url("https://zonewatch.example.org/", KEY, 7)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "zonewatch.example.org",
        "/unsubscribe",
    )
    assert subscriber_from_token(KEY, parse_qs(parts.query)["token"][0]) == 7
    assert url.startswith("https://zonewatch.example.org/unsubscribe?token=")
