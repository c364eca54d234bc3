"""Sign in and sign out."""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.models import Role
from zonewatch.web.permissions import Page, public, require
from zonewatch.web.redirects import safe_next
from zonewatch.web.users import authenticate, end_sessions


@public()
def login_form(page: Page) -> Response:
    if page.viewer.user_id is not None:
        return page.redirect(safe_next(page.request.query_params.get("next")))
    return page.render(
        "login.html", next=safe_next(page.request.query_params.get("next")), error=None
    )


@public()
def login(page: Page) -> Response:
    """Check the password; on success a new session (new id, new CSRF token) replaces the
    visitor's, and the browser goes on to ``next`` when that is a path of this site."""
    username = page.form.get("username", "").strip().lower()[:200]
    password = page.form.get("password", "")
    target = safe_next(page.form.get("next"))
    client = page.request.client
    address = client.host if client is not None else "-"
    limiter = page.console.limiter
    if limiter.blocked(page.db, username, address):
        return page.render("login.html", status=429, next=target, error="login_limited")
    user = authenticate(
        page.db, username, password, cost=page.console.app.settings.password_hashing
    )
    if user is None:
        limiter.failed(page.db, username, address)
        return page.render("login.html", status=400, next=target, error="login_failed")
    limiter.succeeded(page.db, username)
    page.web_session = page.web_session.signed_in(user.id, user.session_epoch)
    return page.redirect(target)


@require(*Role)
def logout(page: Page) -> Response:
    """Ends every session of the user (on every device), then shows the login page."""
    assert page.viewer.user_id is not None
    end_sessions(page.db, page.viewer.user_id)
    page.web_session = type(page.web_session).new()
    return page.redirect("/login")
