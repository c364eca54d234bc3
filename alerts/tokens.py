"""Signed unsubscribe tokens, so a link in a mail can stop mail without a login.

The token carries only the subscriber id, signed with the settings' secret key and a salt of
its own: a token made for another purpose with the same key never passes as an unsubscribe one.
Tokens do not expire, because an old digest's link must still work (RFC 8058 one-click).
"""

from __future__ import annotations

from urllib.parse import quote

from itsdangerous import BadData, URLSafeSerializer

SALT = "zonewatch.unsubscribe.v1"


class BadToken(Exception):  # noqa: N818 - the name is the agreed interface
    """The token was tampered with, made with another key, or is not a token at all."""


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=SALT)


def unsubscribe_token(secret_key: str, subscriber_id: int) -> str:
    """A URL-safe token that names the subscriber and cannot be forged without the key."""
    token = _serializer(secret_key).dumps({"s": subscriber_id})
    return token if isinstance(token, str) else token.decode("ascii")


def subscriber_from_token(secret_key: str, token: str) -> int:
    """The subscriber id a token was made for; raises :class:`BadToken` for anything else."""
    try:
        data = _serializer(secret_key).loads(token)
    except (BadData, UnicodeError, ValueError) as exc:
        raise BadToken("invalid unsubscribe token") from exc
    subscriber_id = data.get("s") if isinstance(data, dict) else None
    if not isinstance(subscriber_id, int) or isinstance(subscriber_id, bool):
        raise BadToken("invalid unsubscribe token")
    return subscriber_id


def unsubscribe_url(public_url: str, secret_key: str, subscriber_id: int) -> str:
    """The one-click link for mail footers and the ``List-Unsubscribe`` header."""
    token = quote(unsubscribe_token(secret_key, subscriber_id), safe="")
    return f"{public_url.rstrip('/')}/unsubscribe?token={token}"
