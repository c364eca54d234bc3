"""Sessions in a signed cookie, and the CSRF token bound to them.

The cookie holds ``{"sid", "csrf", "uid", "epoch"}`` signed with the secret key (itsdangerous,
a salt of its own so that no unsubscribe token is ever a session). Nothing secret is in it;
the signature makes it unforgeable, ``max_age`` makes it expire, and ``epoch`` must equal the
user's ``session_epoch``, so logout, a role change or a new password ends it everywhere.

Every visitor gets a session, signed in or not: the login form's CSRF token needs one. Signing
in replaces it with a new ``sid`` and a new ``csrf`` (a session id planted before login is
worth nothing after it). CSRF tokens are session-bound: a form's hidden ``csrf`` field must
equal the token in the signed, HttpOnly cookie, which another site can neither read nor set.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "zw_session"
SALT = "zonewatch.web.session.v1"
MAX_AGE_SECONDS = 12 * 3600
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class WebSession:
    sid: str
    csrf: str
    user_id: int | None = None
    epoch: int = 0

    @classmethod
    def new(cls) -> WebSession:
        return cls(sid=secrets.token_urlsafe(24), csrf=secrets.token_urlsafe(32))

    def signed_in(self, user_id: int, epoch: int) -> WebSession:
        """The session after a login: new id, new CSRF token (fixation defeated)."""
        return replace(WebSession.new(), user_id=user_id, epoch=epoch)

    def csrf_matches(self, submitted: str | None) -> bool:
        return bool(submitted) and hmac.compare_digest(self.csrf.encode(), str(submitted).encode())


class SessionCodec:
    """Turns sessions into cookie values and back; a bad or old cookie is no session."""

    def __init__(self, secret_key: str, max_age: int = MAX_AGE_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self.max_age = max_age

    def dumps(self, session: WebSession) -> str:
        data = {"sid": session.sid, "csrf": session.csrf, "uid": session.user_id}
        data["epoch"] = session.epoch
        return str(self._serializer.dumps(data))

    def loads(self, value: str | None) -> WebSession | None:
        if not value or len(value) > 4096:
            return None
        try:
            data: Any = self._serializer.loads(value, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(data, dict):
            return None
        sid, csrf, uid, epoch = (
            data.get("sid"),
            data.get("csrf"),
            data.get("uid"),
            data.get("epoch"),
        )
        if not (isinstance(sid, str) and isinstance(csrf, str) and isinstance(epoch, int)):
            return None
        if uid is not None and (not isinstance(uid, int) or isinstance(uid, bool)):
            return None
        return WebSession(sid=sid, csrf=csrf, user_id=uid, epoch=epoch)
