"""The model-proposal queue: what releases say changed in the zone model, for an analyst to
accept or reject with a note, through the service the command line uses
(:func:`zonewatch.changes.decisions.decide_proposal`, behind ``zonewatch model accept``).

Operators may read the queue (it explains the alerts they see go out) but not decide.
"""

from __future__ import annotations

from starlette.responses import Response

from zonewatch.changes.decisions import PROPOSAL_STATUSES, decide_proposal, proposal_queue
from zonewatch.models import Role
from zonewatch.web.entities import entity_path
from zonewatch.web.permissions import Page, require

READERS = (Role.ADMIN, Role.ANALYST, Role.OPERATOR)
DECIDERS = (Role.ADMIN, Role.ANALYST)
ALL = "all"


@require(*READERS)
def proposal_list(page: Page) -> Response:
    """``/proposals?status=``: pending proposals by default, oldest first, with evidence."""
    status = page.request.query_params.get("status", "").strip() or "proposed"
    queued = proposal_queue(page.db, None if status == ALL else status)
    return page.render(
        "proposals.html",
        queued=queued,
        chosen=status,
        statuses=(*PROPOSAL_STATUSES, ALL),
        can_decide=page.viewer.role in DECIDERS,
        entity_path=entity_path,
    )


@require(*DECIDERS)
def accept(page: Page) -> Response:
    """``POST /proposals/{id}/accept``: apply the change to the model and record it."""
    return _decide(page, accept=True)


@require(*DECIDERS)
def reject(page: Page) -> Response:
    """``POST /proposals/{id}/reject``: keep the model; the proposal stays on record."""
    return _decide(page, accept=False)


def _decide(page: Page, accept: bool) -> Response:
    proposal_id: int = page.request.path_params["proposal_id"]
    by = page.viewer.username or ""
    decide_proposal(page.db, proposal_id, accept, by, page.form.get("note"))
    return page.redirect(f"/proposals?status={'accepted' if accept else 'rejected'}")
