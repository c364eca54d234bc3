"""``/tokens``: each user makes and revokes their own personal tokens (feeds, the API).

The page works on the signed-in user only: no token id from the form can reach another
user's token (:func:`zonewatch.web.tokens.revoke_token` answers "unknown" for it).
"""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.models import Role
from zonewatch.web.permissions import Page, require
from zonewatch.web.tokens import IssuedToken, issue_token, list_tokens, revoke_token

EVERYONE = tuple(Role)


def _username(page: Page) -> str:
    assert page.viewer.username is not None, "require() lets only signed-in users in"
    return page.viewer.username


def _render(page: Page, issued: IssuedToken | None = None) -> Response:
    settings = page.console.app.settings
    return page.render(
        "tokens.html",
        tokens=list_tokens(page.db, _username(page), settings.tz),
        issued=issued,
        can_read_changes=page.viewer.role in (Role.ADMIN, Role.ANALYST, Role.OPERATOR),
        feed_example=settings.public_url.rstrip("/") + "/feeds/changes.atom?token=",
    )


@require(*EVERYONE)
def tokens_page(page: Page) -> Response:
    """The user's tokens (names and first characters only) and a form for a new one."""
    return _render(page)


@require(*EVERYONE)
def create_token(page: Page) -> Response:
    """Shows the new token on the answer itself, not after a redirect: it is never stored in
    clear, so no later page could show it."""
    issued = issue_token(page.db, _username(page), page.form.get("name", ""))
    return _render(page, issued)


@require(*EVERYONE)
def remove_token(page: Page) -> Response:
    revoke_token(page.db, _username(page), page.request.path_params["token_id"])
    return page.redirect("/tokens")
