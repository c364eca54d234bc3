"""Personal tokens, and the guard of the routes that take them (Atom feeds, the JSON API).

Feed readers and scripts cannot sign in through a form, so each user may make tokens that
stand for them. A token is shown once; only its SHA-256 is stored. It carries no role of
its own: every request reads the user's current role, so a demoted or removed user's tokens
lose their rights at once.

The API takes a token only as ``Authorization: Bearer``: it never reads the session cookie,
so a page of another site cannot make a signed-in browser call it, and it needs no CSRF
token (it only reads). Feeds take ``?token=`` (what a feed reader can store) or the session
cookie (a signed-in browser opening the link).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ApiToken, Role, User
from zonewatch.models.base import utcnow
from zonewatch.timefmt import KST, local_minutes
from zonewatch.web.sessions import COOKIE_NAME
from zonewatch.web.users import get_user

if TYPE_CHECKING:
    from zonewatch.app import App
    from zonewatch.web.app import Console

TOKEN_PREFIX = "zw_"
TOKEN_BYTES = 32
SHOWN_PREFIX = 10
"""Characters of a token kept in clear, so that a person can tell their tokens apart."""
MAX_TOKENS = 20
"""Per user: enough for every reader and script, few enough to review."""
NAME_LENGTH = 100
USE_RESOLUTION = dt.timedelta(minutes=5)
"""``last_used_at`` is written at most this often: a feed reader polling every minute should
not turn every read into a write."""


class Credential(StrEnum):
    """Where a guarded route looks for who is asking."""

    BEARER = "bearer"
    """``Authorization: Bearer <token>`` only (the JSON API)."""
    FEED = "feed"
    """``?token=<token>``, else the signed-in session (Atom feeds)."""
    NONE = "none"
    """Nobody: the route is public (the API's description)."""


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the only time its text exists outside the requester's hands."""

    id: int
    name: str
    token: str


@dataclass(frozen=True)
class TokenRow:
    """A token as lists show it (never the token, never the hash)."""

    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _owner(session: Session, username: str) -> User:
    return get_user(session, username)


def check_token_name(value: str) -> str:
    name = " ".join(value.split())
    if not name or len(name) > NAME_LENGTH:
        raise InputError(f"a token needs a name of 1-{NAME_LENGTH} characters (what uses it)")
    return name


def issue_token(session: Session, username: str, name: str) -> IssuedToken:
    """Make a token for ``username``; the text is returned here and never again."""
    user = _owner(session, username)
    label = check_token_name(name)
    count = session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
    )
    if (count or 0) >= MAX_TOKENS:
        raise InputError(f"{user.username} has {MAX_TOKENS} tokens already; revoke one first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(
        user_id=user.id, name=label, prefix=token[:SHOWN_PREFIX], token_hash=token_hash(token)
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, label, token)


def list_tokens(session: Session, username: str, tz: ZoneInfo = KST) -> list[TokenRow]:
    user = _owner(session, username)
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    )
    return [
        TokenRow(
            row.id,
            row.name,
            row.prefix,
            local_minutes(row.created_at, tz),
            local_minutes(row.last_used_at, tz) or None,
        )
        for row in rows
    ]


def revoke_token(session: Session, username: str, token_id: int) -> None:
    """Delete one of ``username``'s tokens; someone else's token is "unknown", not "not
    yours" (that would tell that it exists)."""
    user = _owner(session, username)
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFoundError(f"unknown token {token_id} (see `zonewatch users tokens`)")
    session.delete(row)
    session.flush()


def user_for_token(session: Session, token: str) -> User | None:
    """The user a token stands for, or None for an unknown or malformed one."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    digest = token_hash(token)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > USE_RESOLUTION:
        row.last_used_at = now
        session.flush()
    return session.get(User, row.user_id)


@dataclass(frozen=True)
class Caller:
    """Who a token (or a feed's session) stands for, as plain data."""

    user_id: int
    username: str
    role: Role
    language: str


@dataclass
class Call:
    """What a token-guarded view gets: the request, its database session and the caller
    (None only on a public route)."""

    console: Console
    request: Request
    db: Session
    caller: Caller | None

    @property
    def app(self) -> App:
        return self.console.app


class Refusal(StrEnum):
    """Why a guarded route answers without running its view."""

    NO_TOKEN = "no_token"
    BAD_TOKEN = "bad_token"
    FORBIDDEN = "forbidden"


REFUSAL_TEXT = {
    Refusal.NO_TOKEN: "authentication required: send a personal token (see /tokens)",
    Refusal.BAD_TOKEN: "unknown or revoked token",
    Refusal.FORBIDDEN: "your role may not read this",
}
TokenView = Callable[[Call], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def json_error(status: int, message: str) -> Response:
    """The API's error body: ``{"error": {"status": ..., "message": ...}}``."""
    body = json.dumps({"error": {"status": status, "message": message}}, ensure_ascii=False)
    headers = {"WWW-Authenticate": 'Bearer realm="zonewatch"'} if status == 401 else None
    return Response(body, status, headers=headers, media_type="application/json")


def text_error(status: int, message: str) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="zonewatch"'} if status == 401 else None
    return PlainTextResponse(message, status, headers=headers)


def token_access(
    credential: Credential, *roles: Role, errors: Callable[[int, str], Response] = json_error
) -> Callable[[TokenView], Endpoint]:
    """Guard a route that takes tokens: ``roles`` may call it (none: it is public); a
    missing or unknown credential gets 401, another role 403, both through ``errors``.
    NotFoundError and InputError in the view become 404 and 400 the same way."""
    if (credential is Credential.NONE) != (not roles):
        raise ValueError("a public route names no roles; a guarded one names at least one")
    allowed = frozenset(roles) if roles else None

    def decorate(view: TokenView) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            return await run_in_threadpool(_handle, request, view, credential, allowed, errors)

        endpoint.access = allowed  # type: ignore[attr-defined] # read by the route tests
        endpoint.credential = credential  # type: ignore[attr-defined]
        endpoint.__name__ = view.__name__
        endpoint.__doc__ = view.__doc__
        return endpoint

    return decorate


def _presented(request: Request, credential: Credential) -> str | None:
    if credential is Credential.BEARER:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    if credential is Credential.FEED:
        return request.query_params.get("token") or None
    return None


def _session_user(console: Console, request: Request, db: Session) -> User | None:
    """The signed-in user of a browser (feeds only), with the console's own checks."""
    cookie = console.codec.loads(request.cookies.get(COOKIE_NAME))
    if cookie is None or cookie.user_id is None:
        return None
    user = db.get(User, cookie.user_id)
    return user if user is not None and user.session_epoch == cookie.epoch else None


def _handle(
    request: Request,
    view: TokenView,
    credential: Credential,
    allowed: frozenset[Role] | None,
    errors: Callable[[int, str], Response],
) -> Response:
    console: Console = request.app.state.console
    try:
        with console.app.session() as db:
            if allowed is None:
                return view(Call(console, request, db, None))
            token = _presented(request, credential)
            user = user_for_token(db, token) if token is not None else None
            if token is None and credential is Credential.FEED:
                user = _session_user(console, request, db)
            if user is None:
                refusal = Refusal.NO_TOKEN if token is None else Refusal.BAD_TOKEN
                return errors(401, REFUSAL_TEXT[refusal])
            caller = Caller(user.id, user.username, Role(user.role), user.language)
            if caller.role not in allowed:
                return errors(403, REFUSAL_TEXT[Refusal.FORBIDDEN])
            return view(Call(console, request, db, caller))
    except NotFoundError as exc:
        return errors(404, str(exc))
    except InputError as exc:
        return errors(400, str(exc))
