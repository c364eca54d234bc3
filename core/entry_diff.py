"""How an edit of a zone-model entry reads to people.

Apart from :mod:`zonewatch.models.services` (which syncs configuration into the database and
so loads the source, topic and zone configuration with their parsers) and from the ORM, so
that the change log (and its fast read path) can describe model changes without importing
any of that.
"""

from __future__ import annotations

import json
from typing import Any

from zonewatch.enums import ModelAction

PAST_TENSE: dict[ModelAction, str] = {
    ModelAction.CREATE: "added",
    ModelAction.RETIRE: "removed",
    ModelAction.RENAME: "renamed",
    ModelAction.LIFT: "lifted",
    ModelAction.DESIGNATE: "designated",
    ModelAction.EXPAND: "expanded",
    ModelAction.REDUCE: "reduced",
    ModelAction.REFORM: "reformed",
    ModelAction.UPDATE: "updated",
}


def describe_entry_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """A one-line human summary of which fields changed and how."""
    if before is None:
        return "added to the zone model"
    if after is None:
        return "removed from the zone model"
    parts = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            old = json.dumps(before.get(key), ensure_ascii=False)
            new = json.dumps(after.get(key), ensure_ascii=False)
            parts.append(f"{key}: {old} -> {new}")
    return "; ".join(parts)
