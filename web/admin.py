"""Account management for admins: list, add, change role, remove.

The same services as ``zonewatch users`` (:mod:`zonewatch.web.users`); they refuse to
demote or remove the last admin, and a role change or removal ends that user's sessions.
"""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.models import Role
from zonewatch.web.permissions import Page, require
from zonewatch.web.users import LANGUAGES, add_user, list_users, remove_user, set_role


@require(Role.ADMIN)
def users_page(page: Page) -> Response:
    """``/admin/users``: every account with its role and language, and the forms."""
    return page.render(
        "users.html",
        users=list_users(page.db),
        roles=[role.value for role in Role],
        languages=LANGUAGES,
    )


@require(Role.ADMIN)
def add(page: Page) -> Response:
    form = page.form
    add_user(
        page.db,
        form.get("username", ""),
        form.get("password", ""),
        form.get("role", ""),
        form.get("language", "ko"),
        cost=page.console.app.settings.password_hashing,
    )
    return page.redirect("/admin/users")


@require(Role.ADMIN)
def change_role(page: Page) -> Response:
    """A new role ends the user's sessions; an admin demoting themselves signs in again."""
    user = set_role(page.db, page.form.get("username", ""), page.form.get("role", ""))
    if user.id == page.viewer.user_id:
        return page.redirect("/login")
    return page.redirect("/admin/users")


@require(Role.ADMIN)
def remove(page: Page) -> Response:
    remove_user(page.db, page.form.get("username", ""), by=page.viewer.user_id)
    return page.redirect("/admin/users")
