"""Store what a crawl fetched: a new version only when meaningful content changed.

Meaningful content is the title, the body text, the published date and the attachments (their
names and extracted text), all normalised; counters, session tokens in links, boilerplate and
"today" dates never reach the hash because they are not part of what is extracted.
Addresses (the document's, its snapshots' and its files') are stored in canonical form, without
session ids or tracking parameters (:mod:`zonewatch.urls`).

An item fetched before the document's newest content fetch is stale (a killed crawl's items
ingested late, a redelivered task): it is marked ``superseded`` and changes nothing, so that
older content never replaces newer content and alerts a change that did not happen.

A successfully ingested item's payload is released (set to NULL): what it said now lives in
the document and its version, and keeping every payload made a third of the database. The row
stays, with its outcome and result, for the run's statistics; an item whose ingest failed is
rolled back with its payload, ready for the retry, and a superseded one keeps it as the record
of what was fetched but not applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, delete, select, tuple_
from sqlalchemy.orm import Session, SessionTransaction, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from zonewatch.crawlers.items import FetchedAttachment, FetchedItem
from zonewatch.ingest.announcements import Appearance, appearance, link_announcements
from zonewatch.ingest.identity import attachment_identity
from zonewatch.models import Attachment, Document, DocumentVersion, FetchedPayload, Snapshot, Source
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.base import utcnow
from zonewatch.models.bulk import update_rows
from zonewatch.models.changes import follow_document_release
from zonewatch.models.enums import DocumentStatus, FetchedItemStatus, IngestOutcome, ItemOutcome

DONE_STATUSES = (FetchedItemStatus.INGESTED, FetchedItemStatus.SUPERSEDED)
CONTENT_OUTCOMES = (ItemOutcome.FETCHED, ItemOutcome.NOT_MODIFIED, ItemOutcome.GONE)
"""Outcomes that say what the document contains (a list row only says that it exists)."""


@dataclass(frozen=True)
class IngestResult:
    fetched_item_id: int
    document_id: int | None
    result: str
    version_id: int | None = None
    repeated: bool = False
    """True when the item had been ingested before (a redelivered task)."""
    appearance: Appearance | None = None
    """The document's first version, to link to its announcement (:func:`mark_items`)."""

    @property
    def created_version(self) -> bool:
        return self.version_id is not None


def attachment_fingerprint(attachment: FetchedAttachment) -> dict[str, str | None]:
    """Name and identity (see :mod:`zonewatch.ingest.identity`) of one attachment."""
    return {
        "name": attachment.name,
        "content": attachment_identity(attachment.text, attachment.sha256),
    }


def content_hash(item: FetchedItem) -> str:
    """Hash of the meaningful content only (see the module docstring)."""
    data = {
        "title": item.title or "",
        "text": item.text or "",
        "published": item.published_at.isoformat() if item.published_at else None,
        "attachments": sorted(
            (attachment_fingerprint(a) for a in item.attachments),
            key=lambda entry: (entry["name"], entry["content"] or ""),
        ),
    }
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def ingest_fetched_item(session: Session, fetched_item_id: int) -> IngestResult:
    """Ingest one staged item; running it twice changes nothing the second time."""
    result = apply_item(session, fetched_item_id)
    mark_items(session, [result])
    return result


def apply_item(session: Session, fetched_item_id: int) -> IngestResult:
    """Apply one staged item to its document, leaving its row as it is: the caller records
    the outcome with :func:`mark_items`, for a whole batch in two statements. Until then the
    row still looks pending, so a batch must not hold an item twice."""
    row = session.get(FetchedRow, fetched_item_id)
    if row is None:
        raise LookupError(f"no fetched item {fetched_item_id}")
    if row.status in DONE_STATUSES:
        return IngestResult(
            row.id, _document_id(session, row), row.result or "already", row.version_id, True
        )
    if row.payload is None:
        raise LookupError(f"fetched item {fetched_item_id} is {row.status} but has no payload")
    # Rows staged before addresses were canonicalised at staging are cleaned here too.
    item = FetchedItem.from_payload(row.payload).canonical()
    # Staging happens right after the fetch, so the row's time stands in for a missing one.
    now = item.fetched_at or row.fetched_at
    document = _document_for(session, item, now)
    if is_stale(document, item.outcome, now):
        return _supersede(session, row, document)
    document.last_seen_at = max(document.last_seen_at, now)
    if item.outcome in CONTENT_OUTCOMES:
        document.content_fetched_at = now
    version_id = None
    first = None
    if item.outcome == ItemOutcome.LISTED:
        result = IngestOutcome.SEEN
        document.list_fingerprint = item.list_fingerprint or document.list_fingerprint
    elif item.outcome == ItemOutcome.NOT_MODIFIED:
        result = IngestOutcome.NOT_MODIFIED
        document.last_checked_at = now
        if item.attachments_checked:
            document.attachments_checked_at = now
        document.list_fingerprint = item.list_fingerprint or document.list_fingerprint
    elif item.outcome == ItemOutcome.GONE:
        result = IngestOutcome.GONE
        document.last_checked_at = now
        document.status = DocumentStatus.WITHDRAWN
    else:
        item.text = strip_ignored(item.text, ignore_patterns(session, item.source_id))
        result, version_id, first = _store_version(session, document, item, now)
    session.flush()
    return IngestResult(row.id, document.id, result, version_id, appearance=first)


def mark_items(session: Session, results: Sequence[IngestResult]) -> None:
    """Record what ingest made of each item, in one UPDATE for the batch; find or make the
    announcements of new documents, in an INSERT and a SELECT; point each document to its
    newest version and its announcement (:func:`_point_documents`); and release the payloads
    of those applied, in one DELETE (a superseded item keeps its own; see the module docstring).
    Repeats are left as they were. The rows and payloads the session holds are
    brought in line without a query."""
    fresh = [result for result in results if not result.repeated]
    if not fresh:
        return
    now = utcnow()
    update_rows(
        session,
        FetchedRow,
        ("status", "result", "version_id"),
        [(r.fetched_item_id, _status(r), r.result, r.version_id) for r in fresh],
        {"ingested_at": now},
    )
    current = {
        r.document_id: r.version_id
        for r in fresh
        if r.version_id is not None and r.document_id is not None
    }
    linked = link_announcements(session, [r.appearance for r in fresh if r.appearance])
    _point_documents(session, current, linked)
    for document_id, announcement_id in linked.items():
        held = session.identity_map.get(identity_key(Document, document_id))
        if isinstance(held, Document):
            set_committed_value(held, "announcement_id", announcement_id)
    released = [r.fetched_item_id for r in fresh if _status(r) == FetchedItemStatus.INGESTED]
    if released:
        session.execute(delete(FetchedPayload).where(FetchedPayload.item_id.in_(released)))
    for result in fresh:
        _mark_held(session, result, now)


def _point_documents(session: Session, current: dict[int, int], linked: dict[int, int]) -> None:
    """Point documents to their newest versions, and new ones to their announcements too, each
    row in one UPDATE: on PostgreSQL every update of a row leaves a dead copy of it (and new
    entries in its indexes) until a vacuum. An announcement comes with a document's first
    version, so every linked document has a new version."""
    if not linked.keys() <= current.keys():
        raise ValueError(
            f"announcements without a new version: {sorted(linked.keys() - current.keys())}"
        )
    both = [
        (document, version, linked[document])
        for document, version in current.items()
        if document in linked
    ]
    if both:
        update_rows(session, Document, ("current_version_id", "announcement_id"), both)
    versions = [
        (document, version) for document, version in current.items() if document not in linked
    ]
    if versions:
        update_rows(session, Document, ("current_version_id",), versions)


def _status(result: IngestResult) -> FetchedItemStatus:
    if result.result == IngestOutcome.SUPERSEDED:
        return FetchedItemStatus.SUPERSEDED
    return FetchedItemStatus.INGESTED


def _mark_held(session: Session, result: IngestResult, now: dt.datetime) -> None:
    """What :func:`mark_items` wrote, on the row the session holds (if any), as its stored
    state: the ORM must not write it again, nor read it back."""
    row = session.identity_map.get(identity_key(FetchedRow, result.fetched_item_id))
    if not isinstance(row, FetchedRow):
        return
    status = _status(result)
    set_committed_value(row, "status", status)
    set_committed_value(row, "result", IngestOutcome(result.result))
    set_committed_value(row, "version_id", result.version_id)
    set_committed_value(row, "ingested_at", now)
    if status == FetchedItemStatus.INGESTED:
        payload = row.__dict__.get("stored_payload")
        set_committed_value(row, "stored_payload", None)
        if payload is not None and payload in session:
            session.expunge(payload)


def ignore_patterns(session: Session, source_id: str) -> list[re.Pattern[str]]:
    """The text patterns an operator wrote under ``ignore.patterns`` for the source (checked
    when sources.yaml was loaded)."""
    source = session.get(Source, source_id)
    ignore = (source.spec or {}).get("ignore") if source is not None else None
    patterns = ignore.get("patterns", []) if isinstance(ignore, dict) else []
    return [re.compile(pattern, re.MULTILINE) for pattern in patterns]


def strip_ignored(text: str | None, patterns: list[re.Pattern[str]]) -> str | None:
    """``text`` without the furniture the patterns match, removed before fingerprinting so a
    changed view counter inside the body never makes a version nor a diff."""
    if not text or not patterns:
        return text
    for pattern in patterns:
        text = pattern.sub("", text)
    return text


def is_stale(document: Document, outcome: ItemOutcome, fetched_at: dt.datetime) -> bool:
    """True when a newer fetch already showed the document's content (see the module doc)."""
    newest = document.content_fetched_at
    return outcome in CONTENT_OUTCOMES and newest is not None and fetched_at < newest


def _supersede(session: Session, row: FetchedRow, document: Document) -> IngestResult:
    """Keep the stale item as a record of what was fetched, without applying any of it
    (:func:`mark_items` says so on its row)."""
    session.flush()
    return IngestResult(row.id, document.id, IngestOutcome.SUPERSEDED)


def _document_id(session: Session, row: FetchedRow) -> int | None:
    """The document an ingested row went to, from its version when it made one, else from the
    row's own source and id (its payload is gone)."""
    if row.version_id is not None:
        return session.scalar(
            select(DocumentVersion.document_id).where(DocumentVersion.id == row.version_id)
        )
    return session.scalar(
        select(Document.id).where(
            Document.source_id == row.source_id, Document.external_id == row.external_id
        )
    )


def _document_for(session: Session, item: FetchedItem, now: dt.datetime) -> Document:
    """The item's document, locked; a new one is added to the session but not yet written:
    it goes in with everything this item sets on it (one INSERT, not an INSERT and UPDATEs)."""
    key = (item.source_id, item.external_id)
    batch = _batch_of(session)
    if batch is not None and key in batch.looked_for:
        document = _from_batch(session, batch, key)
    else:
        # Locked, so that two ingests of one document compare fetch times one after the other.
        document = session.scalars(documents_query([key]).with_for_update()).one_or_none()
    if document is None:
        document = Document(
            source_id=item.source_id,
            external_id=item.external_id,
            url=item.url,
            first_seen_at=now,
            last_seen_at=now,
        )
        session.add(document)
        if batch is not None:
            batch.made[key] = document
    return document


def documents_query(keys: Sequence[tuple[str, str]]) -> Select[tuple[Document]]:
    """The documents of (source, external id) pairs, through their unique index."""
    return select(Document).where(tuple_(Document.source_id, Document.external_id).in_(keys))


@dataclass(frozen=True)
class _BatchDocuments:
    """The documents :func:`load_items` locked for the batch, by (source, external id), and
    the transaction that holds their locks (a later one must lock them again). A key it
    looked for and did not find has no document: a concurrent ingest that makes one first
    fails this batch on the unique key, and its retry finds it. ``made`` holds the documents
    the batch added since, so that a second item of a new document finds the first's."""

    transaction: SessionTransaction | None
    ids: dict[tuple[str, str], int]
    looked_for: frozenset[tuple[str, str]]
    made: dict[tuple[str, str], Document] = field(default_factory=dict)


_BATCH_DOCUMENTS = "zonewatch.ingest.documents"


def _batch_of(session: Session) -> _BatchDocuments | None:
    """What :func:`load_items` read for this transaction's batch; None outside one."""
    batch = session.info.get(_BATCH_DOCUMENTS)
    if not isinstance(batch, _BatchDocuments):
        return None
    if batch.transaction is not session.get_transaction():
        return None
    return batch


def _from_batch(session: Session, batch: _BatchDocuments, key: tuple[str, str]) -> Document | None:
    """The document as the batch read and locked it, or as an earlier item of the batch
    added it (unless that item's savepoint was rolled back, which took it out of the
    session), from the session (no query)."""
    document_id = batch.ids.get(key)
    if document_id is not None:
        return session.get(Document, document_id)
    made = batch.made.get(key)
    return made if made is not None and made in session else None


def _store_version(
    session: Session, document: Document, item: FetchedItem, now: dt.datetime
) -> tuple[IngestOutcome, int | None, Appearance | None]:
    document.url = item.url
    document.last_checked_at = now
    document.http_etag = item.etag
    document.http_last_modified = item.last_modified
    document.list_fingerprint = item.list_fingerprint or document.list_fingerprint
    was_withdrawn = document.status != DocumentStatus.ACTIVE
    document.status = DocumentStatus.ACTIVE
    if item.attachments_checked:
        document.attachments_checked_at = now
    digest = content_hash(item)
    current = document.current_version
    if current is not None and current.content_hash == digest and not was_withdrawn:
        _keep_validators(current, item)
        return IngestOutcome.UNCHANGED, None, None
    released = item.published_at is not None and item.published_at != document.published_at
    if released:
        document.published_at = item.published_at
    if document.id is None:
        session.flush()
    first = None
    if current is None:
        first = appearance(document.id, item.title or "", document.published_at)
    snapshot = _snapshot(session, document, item)
    technical = bool(
        current is not None
        and current.extractor_version != item.extractor_version
        and snapshot is not None
        and _snapshot_sha(session, current) == snapshot.sha256
    )
    version = DocumentVersion(
        document_id=document.id,
        number=(current.number + 1) if current is not None else 1,
        snapshot_id=snapshot.id if snapshot is not None else None,
        title=item.title or "",
        subtitle=item.subtitle,
        text=item.text or "",
        published_at=item.published_at,
        department=item.department,
        language=item.language,
        content_hash=digest,
        extractor_version=item.extractor_version or "unknown",
        technical=technical,
        attachments=[
            Attachment(
                position=index,
                name=a.name,
                url=a.url,
                size=a.size,
                media_type=a.media_type,
                sha256=a.sha256,
                text=a.text,
                extraction_error=a.error,
                http_etag=a.etag,
                http_last_modified=a.last_modified,
            )
            for index, a in enumerate(item.attachments)
        ],
    )
    session.add(version)
    session.flush()
    _point_to(document, version)
    if released and current is not None:
        # A document's first version has no change records yet: none to move.
        follow_document_release(session, document)
    if technical:
        return IngestOutcome.TECHNICAL, version.id, first
    return (IngestOutcome.NEW if current is None else IngestOutcome.CHANGED), version.id, first


def _point_to(document: Document, version: DocumentVersion) -> None:
    """Make the version the document's current one in the session only: the row points to it
    once :func:`mark_items` writes the batch's pointers in one UPDATE. The two rows point to
    each other, so the ORM wrote the pointer with an UPDATE of its own per version. A
    savepoint rolled back expires the document (it was changed there), so a pointer to a
    version rolled back is never used."""
    set_committed_value(document, "current_version", version)
    set_committed_value(document, "current_version_id", version.id)


def _keep_validators(current: DocumentVersion, item: FetchedItem) -> None:
    """An unchanged version's files take the validators of their latest answer, so that the
    next revalidation is conditional on what the server sends now."""
    fetched = {(a.name, a.url): a for a in item.attachments if a.sha256}
    for attachment in current.attachments:
        answer = fetched.get((attachment.name, attachment.url))
        if answer is not None:
            attachment.http_etag = answer.etag
            attachment.http_last_modified = answer.last_modified


def _snapshot(session: Session, document: Document, item: FetchedItem) -> Snapshot | None:
    if item.raw is None:
        return None
    snapshot = Snapshot(
        document_id=document.id,
        url=item.url,
        http_status=item.raw.http_status,
        content_type=item.raw.content_type,
        encoding=item.raw.encoding,
        sha256=item.raw.sha256,
        size=item.raw.size,
        path=item.raw.path,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def _snapshot_sha(session: Session, version: DocumentVersion) -> str | None:
    if version.snapshot_id is None:
        return None
    snapshot = session.get(Snapshot, version.snapshot_id)
    return snapshot.sha256 if snapshot is not None else None


def load_items(session: Session, item_ids: Sequence[int]) -> list[object]:
    """Bring a batch's staged rows (with their payloads), their sources and their documents
    into the session in three queries, so that ingest finds each by id in the session instead
    of querying per item. The documents are locked here, in id order, for the whole batch (see
    :func:`_document_for`). The caller holds what this returns for the batch: the session's
    identity map holds rows only weakly, so a row nobody holds is read again."""
    rows = list(
        session.scalars(
            select(FetchedRow)
            .where(FetchedRow.id.in_(item_ids))
            .options(joinedload(FetchedRow.stored_payload))
        )
    )
    source_ids = {row.source_id for row in rows}
    sources = list(session.scalars(select(Source).where(Source.id.in_(source_ids))))
    keys = sorted({(row.source_id, row.external_id) for row in rows})
    documents = (
        list(session.scalars(documents_query(keys).order_by(Document.id).with_for_update()))
        if keys
        else []
    )
    session.info[_BATCH_DOCUMENTS] = _BatchDocuments(
        session.get_transaction(),
        {(document.source_id, document.external_id): document.id for document in documents},
        frozenset(keys),
    )
    return [*rows, *sources, *documents]


def pending_items(session: Session, run_id: int) -> list[int]:
    return list(
        session.scalars(
            select(FetchedRow.id)
            .where(FetchedRow.run_id == run_id, FetchedRow.status == FetchedItemStatus.PENDING)
            .order_by(FetchedRow.id)
        )
    )
