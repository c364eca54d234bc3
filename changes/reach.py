"""How far back the newest records about an entity tree go, importable without SQLAlchemy.

The change log reads a tree's page from its entities' links (``ix_change_entities_placed``)
in widening windows; the ORM path (:mod:`zonewatch.changes.queries`) and the compiled path
(:mod:`zonewatch.changes.fast_read`) run the same statements and share this arithmetic, so
that both find the same reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

MERGED_ARMS = 400
"""Most entities whose links one statement merges (SQLite allows 500 terms in a compound
select); a larger tree is merged in chunks of this many."""

Link = tuple[int, dt.datetime]
"""A record's id and its place in the log."""
NewestOf = Callable[[tuple[str, ...], int], list[Link]]
"""The newest ``count`` links of at most ``MERGED_ARMS`` entities, newest first (one run of
``zonewatch.changes.queries.newest_links_query``)."""


@dataclass(frozen=True)
class Reach:
    """How far back the newest ``records`` records about a tree go: the place (``oldest``) of
    the last of them, None when the tree has no more records than that.

    A page under no filter but the tree then reads only the links placed since ``oldest``:
    about ``records`` index entries, however many records the tree's entities have and
    however many entities it has (``zonewatch.changes.queries._within_reach``).
    """

    records: int
    oldest: dt.datetime | None


def _newest_links(newest_of: NewestOf, ids: tuple[str, ...], count: int) -> tuple[list[Link], bool]:
    """The newest ``count`` links of the entities (newest first), merged from chunks of
    ``MERGED_ARMS``; and whether there may be more."""
    found: list[Link] = []
    full = False
    for start in range(0, len(ids), MERGED_ARMS):
        rows = newest_of(ids[start : start + MERGED_ARMS], count)
        found += rows
        full = full or len(rows) == count
    found.sort(key=lambda link: (link[1], link[0]), reverse=True)
    return found[:count], full


def reach_of(newest_of: NewestOf, ids: tuple[str, ...], records: int) -> Reach:
    """Where the newest ``records`` records about the entities end. A record about two of
    them has two links, so the newest links are read in widening windows until they hold
    that many distinct records."""
    if records < 1:
        raise ValueError(f"a reach of {records} records")
    window = 2 * records
    while True:
        links, full = _newest_links(newest_of, ids, window)
        seen: set[int] = set()
        for change_id, placed in links:
            seen.add(change_id)
            if len(seen) == records:
                return Reach(records, placed)
        if not full:
            return Reach(records, None)
        window *= 4
