"""``zonewatch model``: review the zone-model changes that releases propose."""

from __future__ import annotations

import getpass
from typing import Any

import click

from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.cli.params import ROW_ID
from zonewatch.cli.render import Column, Listing, OutputFormat, format_option, render
from zonewatch.entry_diff import describe_entry_diff
from zonewatch.models import EntityChange


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
@format_option()
@pass_cli
def proposals_command(cli_ctx: CliContext, status: str, output: OutputFormat) -> None:
    """List model changes proposed from releases (designations, lifts, renames, reforms)."""
    from zonewatch.changes.proposals import list_proposals

    with cli_ctx.app.session() as session:
        rows = [_row(p) for p in list_proposals(session, None if status == "all" else status)]
    render(cli_ctx, output, rows, PROPOSAL_LISTING)


def _evidence_title(row: dict[str, Any]) -> str:
    title = next((e.get("title") for e in row["evidence"] if "title" in e), "")
    return str(title)[:60]


PROPOSAL_LISTING: Listing[dict[str, Any]] = Listing(
    columns=(
        Column("id", lambda row: str(row["id"])),
        Column("entity", lambda row: row["entity"]),
        Column("action", lambda row: row["action"]),
        Column("status", lambda row: row["status"]),
        Column("effective", lambda row: row["effective_on"] or ""),
        Column("evidence", _evidence_title, wrap=True),
        Column("change", lambda row: row["change"][:80], wrap=True),
    ),
    record=lambda row: row,
    noun="proposals",
)


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
