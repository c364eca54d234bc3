"""``/changes.csv`` and ``/changes.json``: the change-log view the query string names, every
matching record (not one page), in the format of ``zonewatch changes export``."""

from __future__ import annotations

import io
from dataclasses import replace

from starlette.responses import Response

from zonewatch.changes.export import ExportFormat, ExportRow, json_text, write_csv
from zonewatch.changes.queries import change_view, list_changes
from zonewatch.errors import InputError
from zonewatch.web.changes import READERS, only_new, parse_filters, signed_in_user, wants_new
from zonewatch.web.permissions import Page, require

MAX_EXPORT = 20_000
"""More is a job for ``zonewatch changes export``, not for one web request."""
MEDIA_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.JSON: "application/json"}


def _export(page: Page, chosen: ExportFormat) -> Response:
    params = page.request.query_params
    tz = page.console.app.settings.tz
    filters, _ = parse_filters(params, tz)
    if wants_new(params):
        filters = only_new(filters, signed_in_user(page).log_seen_at)
    found = list_changes(page.db, replace(filters, limit=MAX_EXPORT + 1, offset=0))
    if len(found) > MAX_EXPORT:
        raise InputError(
            f"more than {MAX_EXPORT} changes match: narrow the filters, or use "
            "`zonewatch changes export`"
        )
    rows = [ExportRow.of(change_view(change)) for change in found]
    if chosen is ExportFormat.JSON:
        body = json_text(rows, tz)
    else:
        out = io.StringIO()
        out.write("\ufeff")  # spreadsheets read Korean as UTF-8 only after a byte-order mark
        write_csv(rows, out, tz)
        body = out.getvalue()
    return Response(
        body,
        media_type=MEDIA_TYPES[chosen],
        headers={"Content-Disposition": f'attachment; filename="changes.{chosen.value}"'},
    )


@require(*READERS)
def export_csv(page: Page) -> Response:
    return _export(page, ExportFormat.CSV)


@require(*READERS)
def export_json(page: Page) -> Response:
    return _export(page, ExportFormat.JSON)
