"""The console's ASGI application (Starlette), built from a configured :class:`App`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from zonewatch.app import App
from zonewatch.web import (
    account,
    admin,
    api,
    auth,
    change_page,
    changes,
    entities,
    export,
    feeds,
    home,
    i18n,
    preferences,
    proposals,
    saved_filters,
    sources,
    token_pages,
)
from zonewatch.web.permissions import MAX_FORM_BYTES, Viewer
from zonewatch.web.ratelimit import LoginLimiter
from zonewatch.web.sessions import COOKIE_NAME, CSRF_FIELD, SessionCodec, WebSession
from zonewatch.web.templating import make_environment

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class Console:
    """What every view shares: the app, templates, cookie codec and login limiter."""

    def __init__(self, app: App, limiter: LoginLimiter | None = None) -> None:
        self.app = app
        self.codec = SessionCodec(app.settings.signing_key)
        self.limiter = limiter or LoginLimiter()
        self.templates = make_environment(app.settings.tz)
        self.secure_cookies = urlsplit(app.settings.public_url).scheme == "https"

    @staticmethod
    def url(request: Request, path: str) -> str:
        """A path of this site as the browser must ask for it (with the public URL's prefix)."""
        return str(request.scope.get("root_path", "")) + path

    def render(
        self,
        request: Request,
        viewer: Viewer,
        web_session: WebSession,
        template: str,
        status: int = 200,
        **context: Any,
    ) -> Response:
        language = viewer.language

        def t(key: str) -> str:
            return i18n.text(key, language)

        body = self.templates.get_template(template).render(
            t=t,
            lang=language,
            viewer=viewer,
            csrf_field=CSRF_FIELD,
            csrf_token=web_session.csrf,
            url=lambda path: self.url(request, path),
            **context,
        )
        return HTMLResponse(body, status_code=status)

    def error(
        self,
        request: Request,
        viewer: Viewer | None,
        status: int,
        key: str,
        web_session: WebSession | None = None,
        detail: str | None = None,
    ) -> Response:
        viewer = viewer or Viewer(
            None, None, None, i18n.negotiate(request.headers.get("accept-language"))
        )
        return self.render(
            request,
            viewer,
            web_session or WebSession.new(),
            "error.html",
            status,
            code=status,
            message=i18n.text(key, viewer.language),
            detail=detail,
        )

    def set_cookie(self, request: Request, response: Response, web_session: WebSession) -> None:
        response.set_cookie(
            COOKIE_NAME,
            self.codec.dumps(web_session),
            max_age=self.codec.max_age,
            path=str(request.scope.get("root_path", "")) or "/",
            secure=self.secure_cookies,
            httponly=True,
            samesite="lax",
        )


class SecurityHeaders:
    """Adds the headers every console answer carries (CSP, no framing, no caching)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.lower().encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.lower().encode() not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


ROUTES = [
    Route("/", home.index, methods=["GET"], name="home"),
    Route("/login", auth.login_form, methods=["GET"], name="login"),
    Route("/login", auth.login, methods=["POST"], name="login_submit"),
    Route("/logout", auth.logout, methods=["POST"], name="logout"),
    Route("/changes", changes.change_log, methods=["GET"], name="changes"),
    # operators
    Route("/sources", sources.sources_table, methods=["GET"], name="sources"),
    Route("/sources/{source_id}", sources.source_page, methods=["GET"], name="source"),
    Route("/sources/{source_id}/crawl", sources.crawl_now, methods=["POST"], name="source_crawl"),
    Route("/sources/{source_id}/pause", sources.pause, methods=["POST"], name="source_pause"),
    Route("/sources/{source_id}/resume", sources.resume, methods=["POST"], name="source_resume"),
    Route("/admin/users", admin.users_page, methods=["GET"], name="users"),
    Route("/admin/users", admin.add, methods=["POST"], name="user_add"),
    Route("/admin/users/role", admin.change_role, methods=["POST"], name="user_role"),
    Route("/admin/users/remove", admin.remove, methods=["POST"], name="user_remove"),
    Route("/account", account.account_page, methods=["GET"], name="account"),
    Route("/account/language", account.save_language, methods=["POST"], name="account_language"),
    Route("/account/password", account.save_password, methods=["POST"], name="account_password"),
    # search, saved filters, new since last visit, export
    Route("/changes.csv", export.export_csv, methods=["GET"], name="changes_csv"),
    Route("/changes.json", export.export_json, methods=["GET"], name="changes_json"),
    Route("/changes/seen", saved_filters.seen, methods=["POST"], name="changes_seen"),
    Route("/filters", saved_filters.save, methods=["POST"], name="filters_save"),
    Route(
        "/filters/{filter_id:int}/delete",
        saved_filters.delete,
        methods=["POST"],
        name="filters_delete",
    ),
    # preferences: public, the signed link in every mail is the credential
    Route(
        "/preferences/{token}",
        preferences.preferences_page,
        methods=["GET"],
        name="preferences",
    ),
    Route(
        "/preferences/{token}",
        preferences.change_preferences,
        methods=["POST"],
        name="preferences_submit",
    ),
    # personal tokens, Atom feeds and the API
    Route("/tokens", token_pages.tokens_page, methods=["GET"], name="tokens"),
    Route("/tokens", token_pages.create_token, methods=["POST"], name="token_create"),
    Route(
        "/tokens/{token_id:int}/revoke",
        token_pages.remove_token,
        methods=["POST"],
        name="token_revoke",
    ),
    Route("/feeds/changes.atom", feeds.changes_feed, methods=["GET"], name="feed_changes"),
    Route(
        "/feeds/entities/{entity_id}.atom", feeds.entity_feed, methods=["GET"], name="feed_entity"
    ),
    Route("/feeds/topics/{topic_id}.atom", feeds.topic_feed, methods=["GET"], name="feed_topic"),
    Route(
        "/feeds/sources/{source_id}.atom", feeds.source_feed, methods=["GET"], name="feed_source"
    ),
    *api.ROUTES,
    # entities and proposals
    Route("/entities", entities.entity_index, methods=["GET"], name="entities"),
    Route("/entities/{entity}", entities.entity_page, methods=["GET"], name="entity"),
    Route("/proposals", proposals.proposal_list, methods=["GET"], name="proposals"),
    Route(
        "/proposals/{proposal_id:int}/accept",
        proposals.accept,
        methods=["POST"],
        name="proposal_accept",
    ),
    Route(
        "/proposals/{proposal_id:int}/reject",
        proposals.reject,
        methods=["POST"],
        name="proposal_reject",
    ),
    # change page, review, snapshots
    Route("/changes/{change_id:int}", change_page.change, methods=["GET"], name="change"),
    Route(
        "/changes/{change_id:int}/review",
        change_page.review_one,
        methods=["POST"],
        name="change_review",
    ),
    Route("/changes/review", change_page.review_bulk, methods=["POST"], name="changes_review"),
    Route("/versions/{version_id:int}", change_page.version, methods=["GET"], name="version"),
    Route(
        "/versions/{version_id:int}/snapshot",
        change_page.snapshot,
        methods=["GET"],
        name="version_snapshot",
    ),
    # Public on purpose: the style sheet holds nothing but CSS.
    Mount("/static", StaticFiles(packages=[("zonewatch.web", "static")]), name="static"),
]


def make_web_app(app: App, limiter: LoginLimiter | None = None) -> Starlette:
    """The console. Refuses (ConfigError) without a usable secret key: it signs sessions."""
    console = Console(app, limiter)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = {404: "not_found", 413: "too_large"}.get(status, "bad_request")
        response = console.error(request, None, status, key)
        if isinstance(exc, HTTPException) and exc.headers:
            response.headers.update(exc.headers)
        return response

    web = Starlette(
        routes=ROUTES,
        exception_handlers={HTTPException: http_error},
        max_body_size=MAX_FORM_BYTES,
    )
    web.state.console = console
    web.add_middleware(SecurityHeaders)
    return web
