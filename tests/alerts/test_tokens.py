"""Unsubscribe tokens: they name one subscriber row, expire, and cannot be forged or reused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from tests.testkit.keys import TEST_SECRET_KEY
from zonewatch.alerts.tokens import (
    MAX_ID,
    SALT,
    BadToken,
    TokenClaim,
    read_token,
    token_matches,
    unsubscribe_token,
    unsubscribe_url,
)

KEY = TEST_SECRET_KEY
ROW_KEY = "row-key-of-subscriber-42"
MAX_AGE = 400


def read(token: str, key: str = KEY, max_age: int = MAX_AGE) -> TokenClaim:
    return read_token(key, token, max_age)


def test_round_trip() -> None:
    assert read(unsubscribe_token(KEY, 42, ROW_KEY)) == TokenClaim(42, ROW_KEY)


def test_token_is_url_safe() -> None:
    token = unsubscribe_token(KEY, 123456, ROW_KEY)
    assert token.isascii()
    assert not set(token) - set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b", "eyJzIjo0Mn0.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "한글.토큰", "a.b.c.d"],
)
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(BadToken):
        read(token)


def test_tampered_token_is_refused() -> None:
    token = unsubscribe_token(KEY, 42, ROW_KEY)
    payload, signature = token.rsplit(".", 1)
    forged = unsubscribe_token(KEY, 43, ROW_KEY).rsplit(".", 1)[0] + "." + signature
    assert forged != token
    with pytest.raises(BadToken):
        read(forged)
    with pytest.raises(BadToken):
        read(payload + "." + signature[::-1])


def test_other_key_is_refused() -> None:
    with pytest.raises(BadToken):
        read(unsubscribe_token(KEY, 42, ROW_KEY), key="another-secret-key-that-is-long-enough")


def test_same_key_other_salt_is_refused() -> None:
    """A value signed by another feature with the same key must not unsubscribe anyone."""
    foreign = URLSafeTimedSerializer(KEY, salt="something-else").dumps({"s": 42, "k": ROW_KEY})
    with pytest.raises(BadToken):
        read(str(foreign))


def test_an_old_untimed_id_only_token_is_refused() -> None:
    """Tokens of the first version named only the id: they must not work any more."""
    old = URLSafeSerializer(KEY, salt="zonewatch.unsubscribe.v1").dumps({"s": 42})
    with pytest.raises(BadToken):
        read(str(old))


@pytest.mark.parametrize(
    "payload",
    [
        {"s": "42", "k": ROW_KEY},
        {"s": True, "k": ROW_KEY},
        {"s": 42},
        {"s": 42, "k": ""},
        {"s": 42, "k": 7},
        {"x": 1},
        [42],
        42,
        {"s": 0, "k": ROW_KEY},
        {"s": -1, "k": ROW_KEY},
        {"s": MAX_ID + 1, "k": ROW_KEY},
        {"s": 2**63, "k": ROW_KEY},
        {"s": 10**30, "k": ROW_KEY},
    ],
)
def test_well_signed_but_wrong_shape_or_out_of_range_is_refused(payload: object) -> None:
    token = URLSafeTimedSerializer(KEY, salt=SALT).dumps(payload)
    with pytest.raises(BadToken):
        read(str(token))


def test_the_largest_possible_id_is_accepted() -> None:
    assert read(unsubscribe_token(KEY, MAX_ID, ROW_KEY)).subscriber_id == MAX_ID


def test_tokens_expire_after_the_configured_age() -> None:
    with time_machine.travel("2026-01-01 00:00:00+00:00", tick=False):
        token = unsubscribe_token(KEY, 42, ROW_KEY)
    with time_machine.travel("2027-01-30 00:00:00+00:00", tick=False):  # 394 days later
        assert read(token).subscriber_id == 42
        with pytest.raises(BadToken):
            read(token, max_age=30)
    later = time_machine.travel("2027-02-10 00:00:00+00:00", tick=False)  # 405 days later
    with later, pytest.raises(BadToken):
        read(token)


def test_the_row_key_must_match() -> None:
    claim = read(unsubscribe_token(KEY, 42, ROW_KEY))
    assert token_matches(claim, ROW_KEY)
    assert not token_matches(claim, "the-key-of-a-new-row-with-id-42")
    assert not token_matches(claim, None)


def test_url_carries_the_token() -> None:
    url = unsubscribe_url("https://zonewatch.example.org/", KEY, 7, ROW_KEY)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "zonewatch.example.org",
        "/unsubscribe",
    )
    assert read(parse_qs(parts.query)["token"][0]) == TokenClaim(7, ROW_KEY)
    assert url.startswith("https://zonewatch.example.org/unsubscribe?token=")
