"""The change log as a file an analyst takes away: one row per record, CSV or JSON.

A row says what was released (title, kind, canonical link), when the publisher released it
and when we detected it, where it came from, what it is about, how much it matters, whether it
was already published when monitoring began (a baseline), and what the analysts made of it.
JSON carries times as ISO 8601 with the offset (``iso_local``); CSV, which people open in a
spreadsheet, as local minutes (``local_minutes``), with every text cell that could be a
formula escaped (:mod:`zonewatch.csvcells`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TextIO

from zonewatch.csvcells import SafeWriter
from zonewatch.timefmt import KST, iso_local, local_minutes

if TYPE_CHECKING:
    from collections.abc import Iterable
    from zoneinfo import ZoneInfo

    from zonewatch.changes.log_view import ChangeView


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


EXPORT_FIELDS = (
    "id",
    "released_at",
    "detected_at",
    "kind",
    "baseline",
    "title",
    "url",
    "source",
    "entities",
    "topics",
    "significance",
    "minor",
    "review_status",
    "reviewed_by",
    "review_note",
    "summary",
)


@dataclass(frozen=True)
class ExportRow:
    """One record as exported; ``released_at`` None when it has no release date."""

    id: int
    released_at: dt.datetime | None
    detected_at: dt.datetime
    kind: str
    baseline: bool
    title: str
    url: str | None
    source: str | None
    entities: tuple[str, ...]
    topics: tuple[str, ...]
    significance: float
    minor: bool
    review_status: str
    reviewed_by: str | None
    review_note: str | None
    summary: str | None

    @classmethod
    def of(cls, change: ChangeView) -> ExportRow:
        return cls(
            id=change.id,
            released_at=change.release.at,
            detected_at=change.detected_at,
            kind=change.kind,
            baseline=change.baseline,
            title=change.title,
            url=change.url,
            source=change.source_id,
            entities=change.entities,
            topics=change.topics,
            significance=change.significance,
            minor=change.minor,
            review_status=change.review_status,
            reviewed_by=change.reviewed_by,
            review_note=change.review_note,
            summary=change.summary,
        )

    def as_json(self, tz: ZoneInfo = KST) -> dict[str, Any]:
        return {
            "id": self.id,
            "released_at": iso_local(self.released_at, tz),
            "detected_at": iso_local(self.detected_at, tz),
            "kind": self.kind,
            "baseline": self.baseline,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "entities": list(self.entities),
            "topics": list(self.topics),
            "significance": self.significance,
            "minor": self.minor,
            "review_status": self.review_status,
            "reviewed_by": self.reviewed_by,
            "review_note": self.review_note,
            "summary": self.summary,
        }

    def csv_cells(self, tz: ZoneInfo = KST) -> list[Any]:
        """The cells in :data:`EXPORT_FIELDS` order: lists space-separated, flags as
        ``true``/``false``, an unknown release date as an empty cell."""
        return [
            self.id,
            local_minutes(self.released_at, tz),
            local_minutes(self.detected_at, tz),
            self.kind,
            _flag(self.baseline),
            self.title,
            self.url or "",
            self.source or "",
            " ".join(self.entities),
            " ".join(self.topics),
            self.significance,
            _flag(self.minor),
            self.review_status,
            self.reviewed_by or "",
            self.review_note or "",
            self.summary or "",
        ]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def write_csv(rows: Iterable[ExportRow], out: TextIO, tz: ZoneInfo = KST) -> None:
    """The header, then one line per row; titles and summaries are scraped text, so cells that
    could be formulas are escaped."""
    writer = SafeWriter(out)
    writer.writerow(EXPORT_FIELDS)
    for row in rows:
        writer.writerow(row.csv_cells(tz))


def json_text(rows: Iterable[ExportRow], tz: ZoneInfo = KST) -> str:
    return json.dumps([row.as_json(tz) for row in rows], ensure_ascii=False, indent=2) + "\n"
