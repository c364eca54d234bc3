"""A change's page, its review actions (one change or a ticked batch) and the versions behind it.

Reading is for everyone who reads the change log; giving a verdict is for analysts and admins
(operators run the sources, they do not judge changes). The stored raw page of a version is the
publisher's HTML: it is shown as escaped source text, and its download is served as plain text
in a sandbox, so a script in it can never run in the console's origin.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from zonewatch.changes.page import DiffLayout, change_page
from zonewatch.changes.review import ReviewAction, parse_ids, review_many
from zonewatch.changes.versions import SOURCE_SHOWN, version_view
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Role
from zonewatch.web.changes import READERS
from zonewatch.web.permissions import Page, require
from zonewatch.web.redirects import safe_next

REVIEWERS = (Role.ADMIN, Role.ANALYST)
"""Who gives verdicts; operators read the log but do not judge it."""
CHANGE_LOG = "/changes"


def _row_id(page: Page, name: str) -> int:
    value: int = page.request.path_params[name]
    if not 0 < value < 2**63:
        raise NotFoundError(f"unknown {name.removesuffix('_id')} {value}")
    return value


@require(*READERS)
def change(page: Page) -> Response:
    """``/changes/{id}``: everything known about one change, and the review form."""
    change_id = _row_id(page, "change_id")
    layout = DiffLayout.parse(page.request.query_params.get("diff"))
    shown = change_page(page.db, change_id, page.console.app.settings.tz)
    return page.render(
        "change.html",
        change=shown.details,
        diffs=shown.diffs,
        facts=shown.facts,
        attachments=shown.attachments,
        related=shown.related,
        layout=layout.value,
        layouts=[choice.value for choice in DiffLayout],
        actions=[action.value for action in ReviewAction],
        can_review=page.viewer.role in REVIEWERS,
    )


def _action(page: Page) -> ReviewAction:
    return ReviewAction.parse(page.form.get("action", "").strip())


def _reviewer(page: Page) -> str:
    if page.viewer.username is None:  # require() lets no visitor through
        raise InputError("sign in to review")
    return page.viewer.username


@require(*REVIEWERS)
def review_one(page: Page) -> Response:
    """``POST /changes/{id}/review``: a verdict or a note on the change, then back to it."""
    change_id = _row_id(page, "change_id")
    review_many(page.db, [change_id], _action(page), page.form.get("note"), _reviewer(page))
    return page.redirect(f"/changes/{change_id}")


@require(*REVIEWERS)
def review_bulk(page: Page) -> Response:
    """``POST /changes/review``: one verdict for every ticked change of a change-log page, then
    back to the same filtered view (only ever a path of this site)."""
    ids = parse_ids(page.form_lists.get("ids", []))
    review_many(page.db, ids, _action(page), page.form.get("note"), _reviewer(page))
    target = safe_next(page.form.get("next"), CHANGE_LOG)
    if not (target == CHANGE_LOG or target.startswith((CHANGE_LOG + "?", CHANGE_LOG + "/"))):
        target = CHANGE_LOG
    return page.redirect(target)


@require(*READERS)
def version(page: Page) -> Response:
    """``/versions/{id}``: the text extracted from a version, and the stored raw page as
    escaped source text."""
    version_id = _row_id(page, "version_id")
    shown = version_view(page.db, page.console.app.settings.data_dir, version_id)
    source = shown.page.text() if shown.page is not None else None
    return page.render(
        "version.html",
        version=shown,
        source=source[:SOURCE_SHOWN] if source is not None else None,
        truncated=source is not None and len(source) > SOURCE_SHOWN,
    )


@require(*READERS)
def snapshot(page: Page) -> Response:
    """``/versions/{id}/snapshot``: the stored raw page, byte for byte, as a download that no
    browser renders as a page of this site (plain text, sandboxed, never sniffed)."""
    version_id = _row_id(page, "version_id")
    shown = version_view(page.db, page.console.app.settings.data_dir, version_id)
    if shown.page is None:
        raise NotFoundError(f"version {version_id} has no stored page")
    stored = shown.page
    name = f"version-{version_id}-snapshot-{stored.snapshot_id}.txt"
    return Response(
        stored.body,
        media_type=f"text/plain; charset={stored.encoding}",
        headers={
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Content-Disposition": f'attachment; filename="{quote(name)}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
