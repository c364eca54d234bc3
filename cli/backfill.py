"""``zonewatch backfill``: load historical releases as the baseline, alerting nobody."""

from __future__ import annotations

import click


@click.command()
def backfill() -> None:
    """Load historical releases from a corpus file as the baseline."""
