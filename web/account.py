"""``/account``: every signed-in user's own language and password."""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.errors import InputError
from zonewatch.models import Role
from zonewatch.web.permissions import Page, require
from zonewatch.web.users import LANGUAGES, change_password, set_language


@require(*Role)
def account_page(page: Page) -> Response:
    done = page.request.query_params.get("done", "")
    return page.render(
        "account.html",
        languages=LANGUAGES,
        saved=done == "saved",
        password_changed=done == "password",
    )


@require(*Role)
def save_language(page: Page) -> Response:
    assert page.viewer.user_id is not None
    set_language(page.db, page.viewer.user_id, page.form.get("language", ""))
    return page.redirect("/account?done=saved")


@require(*Role)
def save_password(page: Page) -> Response:
    """The new password ends every session of the user; this browser's is re-issued, so
    the one who changed it stays signed in and every other device is signed out."""
    assert page.viewer.user_id is not None
    if page.form.get("new_password", "") != page.form.get("repeat_password", ""):
        raise InputError("the new password and its repetition differ")
    user = change_password(
        page.db,
        page.viewer.user_id,
        page.form.get("current_password", ""),
        page.form.get("new_password", ""),
        cost=page.console.app.settings.password_hashing,
    )
    page.web_session = page.web_session.signed_in(user.id, user.session_epoch)
    return page.redirect("/account?done=password")
