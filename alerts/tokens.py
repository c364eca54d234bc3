"""Signed unsubscribe tokens, so a link in a mail can stop mail without a login.

A token carries the subscriber id *and* the subscriber's random ``token_key``, signed with the
settings' secret key, a salt of its own and the time it was made:

* the id alone is not enough because ids are sequential and SQLite hands a deleted
  subscriber's id to the next one: a link from an old mail would unsubscribe a stranger. The
  random key is made with each subscriber row (``Subscriber.token_key``) and dies with it;
* the salt means a value signed for another purpose with the same key never passes;
* the timestamp lets links expire, after a generous time (settings: 400 days by default)
  because an old digest's link must still work (RFC 8058 one-click).

Every way a token can fail raises the same :class:`BadToken`, so that callers give one answer
for "forged", "expired" and "no such subscriber" and reveal nothing about which ids exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from itsdangerous import BadData, URLSafeTimedSerializer

if TYPE_CHECKING:
    from zonewatch.config.settings import Settings
    from zonewatch.models import Subscriber

SALT = "zonewatch.unsubscribe.v2"
MAX_ID = 2**31 - 1  # the id column is a 32-bit INTEGER on PostgreSQL
DAY = 86400


class BadToken(Exception):  # noqa: N818 - the name is the agreed interface
    """The token was tampered with, made with another key, expired, or is not a token."""


@dataclass(frozen=True)
class TokenClaim:
    """What a well-signed, unexpired token says: it still has to match a subscriber row."""

    subscriber_id: int
    token_key: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def unsubscribe_token(secret_key: str, subscriber_id: int, token_key: str) -> str:
    """A URL-safe token for one subscriber row that cannot be forged without the key."""
    token = _serializer(secret_key).dumps({"s": subscriber_id, "k": token_key})
    return token if isinstance(token, str) else token.decode("ascii")


def read_token(secret_key: str, token: str, max_age_days: int) -> TokenClaim:
    """The claim of a valid token; raises :class:`BadToken` for anything else."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age_days * DAY)
    except (BadData, UnicodeError, ValueError, TypeError) as exc:
        raise BadToken("invalid unsubscribe token") from exc
    if not isinstance(data, dict):
        raise BadToken("invalid unsubscribe token")
    subscriber_id, token_key = data.get("s"), data.get("k")
    if not _valid_id(subscriber_id) or not isinstance(token_key, str) or not token_key:
        raise BadToken("invalid unsubscribe token")
    assert isinstance(subscriber_id, int)
    return TokenClaim(subscriber_id, token_key)


def _valid_id(value: object) -> bool:
    """Only ids a row can have: a signed 2**63 would otherwise overflow the database driver."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def token_matches(claim: TokenClaim, token_key: str | None) -> bool:
    """Whether the claim names this row's key, compared in constant time."""
    return token_key is not None and secrets.compare_digest(
        claim.token_key.encode("utf-8"), token_key.encode("utf-8")
    )


def unsubscribe_url(public_url: str, secret_key: str, subscriber_id: int, token_key: str) -> str:
    """The one-click link for mail footers and the ``List-Unsubscribe`` header."""
    token = quote(unsubscribe_token(secret_key, subscriber_id, token_key), safe="")
    return f"{public_url.rstrip('/')}/unsubscribe?token={token}"


# --- preferences links -------------------------------------------------------------------------

PREFERENCES_SALT = "zonewatch.preferences.v1"


@dataclass(frozen=True)
class PreferencesClaim:
    """A well-signed preferences token: it must still match the row's key and links epoch."""

    subscriber_id: int
    token_key: str
    epoch: int

    def matches(self, token_key: str | None, epoch: int) -> bool:
        """Whether the token names this row and its current epoch (a revoked link does not)."""
        return self.epoch == epoch and token_matches(
            TokenClaim(self.subscriber_id, self.token_key), token_key
        )


def _preferences_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """A salt of its own: an unsubscribe token never opens the preferences page, nor back."""
    return URLSafeTimedSerializer(secret_key, salt=PREFERENCES_SALT)


def preferences_token(secret_key: str, subscriber_id: int, token_key: str, epoch: int) -> str:
    token = _preferences_serializer(secret_key).dumps(
        {"s": subscriber_id, "k": token_key, "e": epoch}
    )
    return token if isinstance(token, str) else token.decode("ascii")


def read_preferences_token(secret_key: str, token: str, max_age_days: int) -> PreferencesClaim:
    """The claim of a valid preferences token; raises :class:`BadToken` for anything else."""
    try:
        data = _preferences_serializer(secret_key).loads(token, max_age=max_age_days * DAY)
    except (BadData, UnicodeError, ValueError, TypeError) as exc:
        raise BadToken("invalid preferences token") from exc
    if not isinstance(data, dict):
        raise BadToken("invalid preferences token")
    subscriber_id, token_key, epoch = data.get("s"), data.get("k"), data.get("e")
    if not _valid_id(subscriber_id) or not isinstance(token_key, str) or not token_key:
        raise BadToken("invalid preferences token")
    if not isinstance(epoch, int) or isinstance(epoch, bool) or not 0 <= epoch <= MAX_ID:
        raise BadToken("invalid preferences token")
    assert isinstance(subscriber_id, int)
    return PreferencesClaim(subscriber_id, token_key, epoch)


def preferences_url(
    public_url: str, secret_key: str, subscriber_id: int, token_key: str, epoch: int
) -> str:
    """The link to the subscriber's own preferences page, for every mail footer.

    The token is a path segment: itsdangerous tokens hold only ``A-Za-z0-9_.-``."""
    token = preferences_token(secret_key, subscriber_id, token_key, epoch)
    return f"{public_url.rstrip('/')}/preferences/{token}"


def preferences_link(settings: Settings, subscriber: Subscriber) -> str:
    """The preferences link of a mail to ``subscriber``, under the current links epoch."""
    return preferences_url(
        settings.public_url,
        settings.signing_key,
        subscriber.id,
        subscriber.token_key,
        subscriber.links_epoch,
    )
