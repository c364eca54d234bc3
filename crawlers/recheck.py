"""When a known item's article page is fetched again.

Edits and corrections mostly happen in a release's first days, so fresh items are re-requested
on every crawl (conditionally: an unchanged page costs a 304), older ones less often, and old
ones only when their row on the list changes.

Attachments are revalidated on their own, slower schedule (:data:`ATTACHMENT_SCHEDULE`): an
article page that answers 304 says nothing about its files, which a site may replace in place
(same name, same link). Their requests are conditional too, so an unchanged file costs a 304.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zonewatch.models.enums import DocumentStatus

# (age up to, re-request at most this often)
RECHECK_SCHEDULE: tuple[tuple[dt.timedelta, dt.timedelta], ...] = (
    (dt.timedelta(days=3), dt.timedelta(0)),
    (dt.timedelta(days=14), dt.timedelta(hours=6)),
    (dt.timedelta(days=60), dt.timedelta(days=1)),
)


# (age up to, revalidate the files at most this often); older items' files are left alone.
ATTACHMENT_SCHEDULE: tuple[tuple[dt.timedelta, dt.timedelta], ...] = (
    (dt.timedelta(days=3), dt.timedelta(0)),
    (dt.timedelta(days=30), dt.timedelta(days=1)),
)


@dataclass(frozen=True)
class KnownAttachment:
    """A file of the item's current version, with what a conditional request needs."""

    name: str
    url: str
    identity: str | None
    """See :func:`zonewatch.ingest.identity.attachment_identity`."""
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class KnownItem:
    """What the database knows about an item before a crawl."""

    external_id: str
    list_fingerprint: str | None
    etag: str | None
    last_modified: str | None
    published_at: dt.datetime | None
    first_seen_at: dt.datetime
    last_checked_at: dt.datetime | None
    status: str
    url: str | None = None
    title: str | None = None
    attachments: tuple[KnownAttachment, ...] = ()
    attachments_checked_at: dt.datetime | None = None


def fetch_reason(
    known: KnownItem | None, list_fingerprint: str | None, now: dt.datetime
) -> str | None:
    """Why the article page should be requested now, or None to skip it."""
    if known is None:
        return "new"
    if known.status != DocumentStatus.ACTIVE:
        return "reappeared"
    if list_fingerprint is not None and list_fingerprint != known.list_fingerprint:
        return "list changed"
    age = now - (known.published_at or known.first_seen_at)
    since_check = now - (known.last_checked_at or known.first_seen_at)
    for max_age, interval in RECHECK_SCHEDULE:
        if age <= max_age:
            return "recheck" if since_check >= interval else None
    return None


def attachments_due(known: KnownItem | None, now: dt.datetime) -> bool:
    """Whether the item's files should be revalidated now (see :data:`ATTACHMENT_SCHEDULE`)."""
    if known is None or known.status != DocumentStatus.ACTIVE or not known.attachments:
        return False
    age = now - (known.published_at or known.first_seen_at)
    since_check = now - (known.attachments_checked_at or known.first_seen_at)
    for max_age, interval in ATTACHMENT_SCHEDULE:
        if age <= max_age:
            return since_check >= interval
    return False
