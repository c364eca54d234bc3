"""What a crawl hands to the ingest stage, as plain JSON-able data.

One :class:`FetchedItem` per item seen: a fetched article (with extracted fields and
attachments), a 304 (unchanged), an item only seen on the list, or one that is gone (404/410).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from zonewatch.enums import ItemOutcome
from zonewatch.urls import canonical_url

OUTCOMES = ("fetched", "not_modified", "listed", "gone")


@dataclass
class FetchedAttachment:
    name: str
    url: str
    size: int | None = None
    media_type: str | None = None
    sha256: str | None = None
    text: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class RawSnapshot:
    """Where the raw page bytes were kept, content-addressed under the data directory."""

    sha256: str
    path: str
    size: int
    http_status: int
    content_type: str | None
    encoding: str | None


@dataclass
class FetchedItem:
    source_id: str
    external_id: str
    url: str
    outcome: ItemOutcome
    list_fingerprint: str | None = None
    title: str | None = None
    subtitle: str | None = None
    text: str | None = None
    published_at: dt.datetime | None = None
    department: str | None = None
    language: str | None = None
    attachments: list[FetchedAttachment] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    raw: RawSnapshot | None = None
    extractor_version: str | None = None
    fetch_reason: str | None = None
    fetched_at: dt.datetime | None = None
    attachments_checked: bool = False
    """True when the files were downloaded or revalidated with this fetch (a 304 page too)."""

    def canonical(self) -> FetchedItem:
        """The item with its own and its files' addresses in canonical form: what is stored.

        Requests go to the addresses as the site gave them; only what is kept is cleaned, so
        that one release crawled under two session ids is one address (and one document).
        """
        return replace(
            self,
            url=canonical_url(self.url),
            attachments=[replace(a, url=canonical_url(a.url)) for a in self.attachments],
        )

    def payload(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("published_at", "fetched_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> FetchedItem:
        values = dict(data)
        values["outcome"] = ItemOutcome(values["outcome"])
        for key in ("published_at", "fetched_at"):
            if values.get(key):
                values[key] = dt.datetime.fromisoformat(values[key])
        values["attachments"] = [FetchedAttachment(**a) for a in values.get("attachments", [])]
        values["raw"] = RawSnapshot(**values["raw"]) if values.get("raw") else None
        return cls(**values)


def fingerprint(*parts: str | None) -> str:
    """A stable short hash of what identifies a state (e.g. a list row's title and date)."""
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]
