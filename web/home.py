"""The first page after sign-in."""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.models import Role
from zonewatch.web.changes import READERS
from zonewatch.web.permissions import Page, require


@require(*Role)
def index(page: Page) -> Response:
    """Every signed-in user lands here; the links shown are the pages their role serves."""
    return page.render("home.html", can_read_changes=page.viewer.role in READERS)
