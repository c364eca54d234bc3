"""Every route goes through :func:`require` (or :func:`public`): one database session per
request, the signed session cookie, CSRF on every POST, and the roles the page serves.

Views are plain functions ``view(page) -> Response`` run in a worker thread; they call the
same services as the command line and render a template. They never check roles themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Role, User
from zonewatch.web import i18n
from zonewatch.web.sessions import COOKIE_NAME, CSRF_FIELD, WebSession

if TYPE_CHECKING:
    from zonewatch.web.app import Console

MAX_FORM_BYTES = 64 * 1024
View = Callable[["Page"], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as plain data (usable after the database session closed)."""

    user_id: int | None
    username: str | None
    role: Role | None
    language: str


@dataclass
class Page:
    """What a view gets: the request, its database session, who asks, the form."""

    console: Console
    request: Request
    db: Session
    viewer: Viewer
    web_session: WebSession
    form: dict[str, str] = field(default_factory=dict)
    form_lists: dict[str, list[str]] = field(default_factory=dict)
    """Every value of each form field, for repeated fields (ticked checkboxes)."""

    @property
    def user(self) -> User | None:
        return self.db.get(User, self.viewer.user_id) if self.viewer.user_id else None

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        return self.console.render(
            self.request, self.viewer, self.web_session, template, status, **context
        )

    def redirect(self, path: str) -> Response:
        return RedirectResponse(self.console.url(self.request, path), status_code=303)


def _form_dict(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _form_lists(form: FormData) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            lists.setdefault(key, []).append(value)
    return lists


def require(*roles: Role) -> Callable[[View], Endpoint]:
    """The route serves signed-in users with one of ``roles``: others signed in get 403,
    visitors are sent to the login page (GET) or refused (POST)."""
    if not roles:
        raise ValueError("require() needs at least one role; use public() for open pages")
    return _guard(frozenset(roles))


def public() -> Callable[[View], Endpoint]:
    """The route is open to visitors (the login page); CSRF still applies to its POSTs."""
    return _guard(None)


def _guard(roles: frozenset[Role] | None) -> Callable[[View], Endpoint]:
    def decorate(view: View) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            console: Console = request.app.state.console
            try:
                length = int(request.headers.get("content-length") or 0)
            except ValueError:
                length = MAX_FORM_BYTES + 1
            if length > MAX_FORM_BYTES:
                return console.error(request, None, 413, "too_large")
            form: dict[str, str] = {}
            lists: dict[str, list[str]] = {}
            if request.method == "POST":
                async with request.form(max_files=0, max_fields=200) as data:
                    form, lists = _form_dict(data), _form_lists(data)
            return await run_in_threadpool(_handle, console, request, (form, lists), view, roles)

        endpoint.access = roles  # type: ignore[attr-defined] # read by the route tests
        endpoint.__name__ = view.__name__
        endpoint.__doc__ = view.__doc__
        return endpoint

    return decorate


def _handle(
    console: Console,
    request: Request,
    fields: tuple[dict[str, str], dict[str, list[str]]],
    view: View,
    roles: frozenset[Role] | None,
) -> Response:
    form, lists = fields
    cookie = console.codec.loads(request.cookies.get(COOKIE_NAME))
    web_session = cookie or WebSession.new()
    language = i18n.negotiate(request.headers.get("accept-language"))
    viewer = Viewer(None, None, None, language)
    try:
        with console.app.session() as db:
            user = db.get(User, web_session.user_id) if web_session.user_id else None
            if web_session.user_id is not None and (
                user is None or user.session_epoch != web_session.epoch
            ):
                web_session, user = WebSession.new(), None  # ended: logout, removal, new role
            if user is not None:
                viewer = Viewer(user.id, user.username, Role(user.role), user.language)
            if request.method == "POST" and not web_session.csrf_matches(form.get(CSRF_FIELD)):
                response = console.error(request, viewer, 403, "csrf_refused", web_session)
            elif roles is not None and viewer.role is None:
                response = _to_login(console, request, viewer, web_session)
            elif roles is not None and viewer.role not in roles:
                response = console.error(request, viewer, 403, "forbidden", web_session)
            else:
                page = Page(console, request, db, viewer, web_session, form, lists)
                response = view(page)
                web_session = page.web_session
    except NotFoundError as exc:
        response = console.error(request, viewer, 404, "not_found", web_session, str(exc))
    except InputError as exc:
        response = console.error(request, viewer, 400, "bad_request", web_session, str(exc))
    if web_session != cookie:
        console.set_cookie(request, response, web_session)
    return response


def _to_login(
    console: Console, request: Request, viewer: Viewer, web_session: WebSession
) -> Response:
    if request.method != "GET":
        return console.error(request, viewer, 403, "forbidden", web_session)
    here = request.url.path.removeprefix(request.scope.get("root_path", ""))
    if request.url.query:
        here += "?" + request.url.query
    target = console.url(request, "/login?next=" + quote(here, safe="/"))
    return RedirectResponse(target, status_code=303)


def html(body: str, status: int = 200) -> Response:
    return HTMLResponse(body, status_code=status)
