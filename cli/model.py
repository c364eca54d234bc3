"""``zonewatch model``: review the zone-model changes that releases propose."""

from __future__ import annotations

import getpass
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import ROW_ID
from zonewatch.models import EntityChange
from zonewatch.models.services import describe_entry_diff


@click.group()
def model() -> None:
    """Proposed changes to the zone and programme model, and decisions on them."""


def _row(proposal: EntityChange) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "entity": proposal.entity_id,
        "action": proposal.action,
        "status": proposal.status,
        "effective_on": proposal.effective_on.isoformat() if proposal.effective_on else None,
        "version_id": proposal.version_id,
        "change": describe_entry_diff(proposal.before, proposal.after),
        "evidence": proposal.evidence,
        "decided_by": proposal.decided_by,
        "note": proposal.note,
    }


@model.command("proposals")
@click.option(
    "--status",
    type=click.Choice(["proposed", "accepted", "rejected", "all"]),
    default="proposed",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def proposals_command(cli_ctx: CliContext, status: str, as_json: bool) -> None:
    """List model changes proposed from releases (designations, lifts, renames, reforms)."""
    from zonewatch.changes.proposals import list_proposals

    with cli_ctx.app.session() as session:
        rows = [_row(p) for p in list_proposals(session, None if status == "all" else status)]
    if as_json:
        print_json(rows)
        return
    table = Table("id", "entity", "action", "status", "effective", "evidence", "change")
    for row in rows:
        title = next((e.get("title") for e in row["evidence"] if "title" in e), "")
        table.add_row(
            str(row["id"]),
            row["entity"],
            row["action"],
            row["status"],
            row["effective_on"] or "",
            escape(str(title)[:60]),
            escape(row["change"][:80]),
        )
    cli_ctx.console.print(table)
    cli_ctx.console.print(f"{len(rows)} proposals")


def _decide(
    cli_ctx: CliContext, proposal_id: int, accept: bool, by: str | None, note: str | None
) -> None:
    """Decide through the service the console uses too (decision and alerts in one
    transaction)."""
    from zonewatch.changes.decisions import decide_proposal

    with cli_ctx.app.session() as session:
        decision = decide_proposal(session, proposal_id, accept, by or _user(), note)
        proposal = decision.proposal
        click.echo(
            f"proposal {proposal.id} ({proposal.entity_id} {proposal.action}) {proposal.status}"
        )
    if decision.alerts_queued:
        click.echo(
            f"{decision.alerts_queued} immediate alerts queued; "
            "the workers send them within a minute"
        )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


@model.command("accept")
@click.argument("proposal_id", type=ROW_ID)
@click.option("--by", help="Who decides (default: the login name).")
@click.option("--note", help="Why: kept with the decision (and across `zonewatch init`).")
@pass_cli
def accept_command(cli_ctx: CliContext, proposal_id: int, by: str | None, note: str | None) -> None:
    """Apply a proposal to the model, with its validity date, and record the change; its
    subscribers get one alert about it (a proposal alone alerts nobody)."""
    _decide(cli_ctx, proposal_id, True, by, note)


@model.command("reject")
@click.argument("proposal_id", type=ROW_ID)
@click.option("--by", help="Who decides (default: the login name).")
@click.option("--note", help="Why: kept with the decision (and across `zonewatch init`).")
@pass_cli
def reject_command(cli_ctx: CliContext, proposal_id: int, by: str | None, note: str | None) -> None:
    """Keep the model as it is; the proposal stays on record as rejected."""
    _decide(cli_ctx, proposal_id, False, by, note)
