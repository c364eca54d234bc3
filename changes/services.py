"""Change records from versions: what changed in a document, worth a person's attention.

One version can give several records: the document itself (new, changed, a correction),
its attachments (added, replaced, removed), its numbers (fact changes) and the zone model
(proposals). Every record has a unique key, so building them again writes nothing new; the
entities and topics of the version are copied onto each record so that filters and alert
matching use an index.

The records of one version are one event (``version:{id}``, see :mod:`zonewatch.changes.events`):
a subscriber gets one alert about them. Records of a source's first crawl are its baseline
(:mod:`zonewatch.changes.baseline`): kept for the log, alerted to nobody. Every record carries
the document's stated release date, never the time we happened to see it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session, aliased

from zonewatch.changes import corrections, fact_changes, noise, proposals
from zonewatch.changes.baseline import is_baseline, storing_runs
from zonewatch.changes.diffing import TextDiff, diff_text
from zonewatch.changes.events import version_event, withdrawal_event
from zonewatch.changes.noise import NoisePattern
from zonewatch.changes.significance import significance, source_tier
from zonewatch.ingest.identity import attachment_identity
from zonewatch.models import (
    Attachment,
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    CrawlRun,
    Document,
    DocumentVersion,
    EntityChange,
    Fact,
    Mention,
    NoiseRule,
    VersionTopic,
)
from zonewatch.models.base import utcnow
from zonewatch.models.enums import ChangeKind, DocumentStatus, ReviewStatus


def _existing(session: Session, key: str) -> ChangeRecord | None:
    return session.scalars(select(ChangeRecord).where(ChangeRecord.dedupe_key == key)).first()


def previous_versions(
    session: Session, versions: Sequence[DocumentVersion]
) -> dict[int, DocumentVersion]:
    """The version before each of ``versions`` in its document (by id; a first version has
    none), in one query for the batch rather than one per version."""
    later = [version.id for version in versions if version.number > 1]
    if not later:
        return {}
    this, earlier = aliased(DocumentVersion), aliased(DocumentVersion)
    before = (
        select(
            this.id.label("version_id"), this.document_id, func.max(earlier.number).label("number")
        )
        .join(earlier, (earlier.document_id == this.document_id) & (earlier.number < this.number))
        .where(this.id.in_(later))
        .group_by(this.id, this.document_id)
        .subquery()
    )
    rows = session.execute(
        select(before.c.version_id, DocumentVersion).join(
            before,
            (DocumentVersion.document_id == before.c.document_id)
            & (DocumentVersion.number == before.c.number),
        )
    )
    return dict(rows.tuples().all())


def version_record_ids(version_id: int) -> Select[tuple[int]]:
    """The ids of the records a version made, in order: one index range, however large the
    log (``ix_change_records_new_version``)."""
    return (
        select(ChangeRecord.id)
        .where(ChangeRecord.new_version_id == version_id)
        .order_by(ChangeRecord.id)
    )


def versions_record_ids(version_ids: Sequence[int]) -> Select[tuple[int | None, int]]:
    """(version, record) of the records some versions made, each version's in order: one
    index range per version (``ix_change_records_new_version``)."""
    return (
        select(ChangeRecord.new_version_id, ChangeRecord.id)
        .where(ChangeRecord.new_version_id.in_(version_ids))
        .order_by(ChangeRecord.id)
    )


@dataclass(frozen=True)
class Links:
    """Rows of ``change_entities`` and ``change_topics`` for new records."""

    entities: list[dict[str, object]]
    topics: list[dict[str, object]]


@dataclass
class VersionBatch:
    """What building a batch's records reads about its versions, read for the whole batch in
    a few queries instead of five per version: the versions and their documents (held here,
    since the session's identity map holds rows only weakly), their topics and mentioned
    entities, the records an earlier run made, the runs that stored first versions, and the
    versions before later ones, with the facts of both."""

    held: list[object] = field(default_factory=list)
    topics: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    entities: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    existing: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    runs: dict[int, CrawlRun] = field(default_factory=dict)
    links: dict[int, Links] = field(default_factory=dict)
    """The entity and topic links of each version's new records, written for the whole batch
    by :func:`write_links` (two inserts per batch instead of two per version)."""
    appearances: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    """(document, source) of every document of each announcement the batch's documents
    belong to, lowest id first: a first version's earlier appearance is found here, not by a
    query per version."""
    previous: dict[int, DocumentVersion] = field(default_factory=dict)
    """The version before each of the batch's later versions (:func:`previous_versions`)."""
    facts: dict[int, list[Fact]] = field(default_factory=dict)
    """The facts of the batch's versions and of the versions before them, for the fact
    changes within and across documents."""
    keys: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    """The keys of the records each document of the batch had when the batch was read. Every
    key :class:`_Builder` makes names its version or its document, and only a record of that
    document holds it, so these and :attr:`made` answer which keys are taken without a query
    per version."""
    made: dict[int, list[ChangeRecord]] = field(default_factory=lambda: defaultdict(list))
    """The records the batch wrote so far, by document. A record whose savepoint was rolled
    back has left the session, and its key is free again."""

    def taken(self, session: Session, document_id: int, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` a record of the document holds already."""
        written = {r.dedupe_key for r in self.made.get(document_id, ()) if r in session}
        return {key for key in keys if key in self.keys.get(document_id, ()) or key in written}

    def earlier_appearance(self, document: Document) -> int | None:
        """The same announcement at another source, first seen before this document (two
        items of one board with the same title and day are two releases, not two
        appearances), from what the batch read."""
        if document.announcement_id is None:
            return None
        return next(
            (
                other
                for other, source_id in self.appearances.get(document.announcement_id, ())
                if other < document.id and source_id != document.source_id
            ),
            None,
        )


def load_batch(session: Session, version_ids: Sequence[int]) -> VersionBatch:
    batch = VersionBatch()
    ids = list(dict.fromkeys(version_ids))
    for start in range(0, len(ids), CHUNK):
        _load_chunk(session, ids[start : start + CHUNK], batch)
    return batch


CHUNK = 500
"""Versions per IN list: well under either database's parameter limit."""


def _load_chunk(session: Session, ids: list[int], batch: VersionBatch) -> None:
    versions = list(session.scalars(select(DocumentVersion).where(DocumentVersion.id.in_(ids))))
    document_ids = {version.document_id for version in versions}
    documents = list(session.scalars(select(Document).where(Document.id.in_(document_ids))))
    batch.held += versions
    batch.held += documents
    topics = select(VersionTopic.version_id, VersionTopic.topic_id)
    for version_id, topic_id in session.execute(topics.where(VersionTopic.version_id.in_(ids))):
        batch.topics[version_id].add(topic_id)
    mentions = select(Mention.version_id, Mention.entity_id).where(Mention.version_id.in_(ids))
    for version_id, entity_id in session.execute(mentions.order_by(Mention.id)):
        batch.entities[version_id].append(entity_id)
    announced = {d.announcement_id for d in documents if d.announcement_id is not None}
    if announced:
        _load_appearances(session, announced, batch)
    for version_id, record_id in session.execute(versions_record_ids(ids)):
        batch.existing[version_id].append(record_id)
    previous = previous_versions(session, versions)
    batch.previous.update(previous)
    batch.held += previous.values()
    read = [*ids, *(version.id for version in previous.values())]
    batch.facts.update(fact_changes.facts_of(session, read))
    keys = select(ChangeRecord.document_id, ChangeRecord.dedupe_key)
    for document_id, key in session.execute(keys.where(ChangeRecord.document_id.in_(document_ids))):
        batch.keys[document_id].add(key)
    firsts = [version.id for version in versions if version.number == 1]
    batch.runs.update(storing_runs(session, firsts))


def _load_appearances(session: Session, announced: set[int], batch: VersionBatch) -> None:
    """Every document of the batch's announcements, for :meth:`VersionBatch.earlier_appearance`
    (through ``ix_documents_announcement_id``)."""
    appearances = select(Document.announcement_id, Document.id, Document.source_id).where(
        Document.announcement_id.in_(announced)
    )
    for announcement_id, document_id, source_id in session.execute(
        appearances.order_by(Document.id)
    ):
        batch.appearances[announcement_id].append((document_id, source_id))


def record_version_changes(
    session: Session, version_id: int, batch: VersionBatch | None = None
) -> list[int]:
    """The change records a new version gives (none for a technical re-extraction).
    ``batch`` is what :func:`load_batch` read for the version's batch; the caller that gives
    it writes the records' links with :func:`write_links` once the batch is built. Without
    it, the batch is read and the links written here."""
    if batch is None:
        alone = load_batch(session, [version_id])
        made = record_version_changes(session, version_id, alone)
        write_links(session, alone, [version_id])
        return made
    version = session.get(DocumentVersion, version_id)
    if version is None or version.technical:
        return []
    document = session.get(Document, version.document_id)
    assert document is not None
    if done := batch.existing.get(version_id):
        return list(done)
    builder = _Builder(session, document, version, batch)
    previous = batch.previous.get(version_id)
    if previous is None:
        builder.first_version()
    else:
        builder.new_version(previous)
    builder.facts_across()
    builder.write()
    builder.proposals()
    return builder.ids


class _Builder:
    """Collects the records of one version in memory (``version`` is always the first key
    written) and writes them in :meth:`write`: one flush for the records, whose keys are
    checked against what the batch read (:meth:`VersionBatch.taken`); their entity and topic
    links go in with the batch's (:func:`write_links`)."""

    def __init__(
        self, session: Session, document: Document, version: DocumentVersion, batch: VersionBatch
    ) -> None:
        self.session = session
        self.document = document
        self.version = version
        self.ids: list[int] = []
        self.pending: dict[str, ChangeRecord] = {}
        self.event_key = version_event(version.id)
        self.baseline = is_baseline(session, version, batch.runs)
        self.minor = False
        """Whether the edit that made this version is minor (or noise): what is derived from
        it (fact changes against other releases, proposals) inherits it."""
        self.topics = batch.topics.get(version.id, set())
        self.entities = batch.entities.get(version.id, [])
        self.batch = batch
        batch.links.pop(version.id, None)

    def key(self, part: str) -> str:
        return f"{part}:{self.version.id}"

    def add(self, kind: str, key: str, **fields: object) -> ChangeRecord | None:
        """A record to write, unless this version has one of that key already; one an earlier
        version wrote under the key is left out in :meth:`write`."""
        if key in self.pending:
            return None
        score_fields = {
            name: fields.pop(name)
            for name in ("changed_share", "facts_touched", "correction", "minor", "event")
            if name in fields
        }
        score, signals = significance(
            kind,
            topics=self.topics,
            source_tier=source_tier(self.document.source_id),
            entities=len(self.entities),
            **score_fields,  # type: ignore[arg-type]
        )
        record = ChangeRecord(
            kind=kind,
            minor=bool(score_fields.get("minor", False)),
            dedupe_key=key,
            document_id=self.document.id,
            source_id=self.document.source_id,
            new_version_id=self.version.id,
            title=(fields.pop("title", None) or self.version.title)[:1000],  # type: ignore[index]
            significance=score,
            signals={**signals, **fields.pop("signals", {})},  # type: ignore[dict-item]
            occurred_at=self.version.created_at,
            event_key=self.event_key,
            baseline=self.baseline,
            released_at=self.document.published_at,
            placed_at=self.document.published_at or self.version.created_at,
            **fields,
        )
        self.pending[key] = record
        return record

    def write(self) -> None:
        """Store the new records, in the order they were added, and link them to the
        version's entities and topics."""
        taken = self.batch.taken(self.session, self.document.id, self.pending)
        records = [record for key, record in self.pending.items() if key not in taken]
        self.pending.clear()
        if not records:
            return
        self.session.add_all(records)
        self.session.flush()
        self.batch.made[self.document.id] += records
        self.batch.links[self.version.id] = label_rows(records, (self.entities, self.topics))
        self.ids += [record.id for record in records]

    def first_version(self) -> None:
        if corrections.is_correction(self.version.title):
            target = corrections.corrected_document(self.session, self.document, self.version)
            related = corrections.latest_record_of(self.session, target.id) if target else None
            self.add(
                "correction",
                self.key("version"),
                correction=True,
                related_change_id=related.id if related else None,
                signals={"corrects_document": target.id if target else None},
            )
            return
        earlier_id = self.batch.earlier_appearance(self.document)
        earlier = self.session.get(Document, earlier_id) if earlier_id is not None else None
        if earlier is None:
            self.add("new_document", self.key("version"), event=self.zone_event())
            return
        self.minor = True
        first = corrections.latest_record_of(self.session, earlier.id)
        self.add(
            "new_document",
            self.key("version"),
            minor=True,
            related_change_id=first.id if first else None,
            summary=f"another appearance of a release first seen at {earlier.source_id}",
            signals={"appearance_of": earlier.id},
        )

    def zone_event(self) -> str | None:
        """The zone event a new release reports (designate, lift, ...), which puts it in the
        designation band; applications, plans and candidates report none."""
        if "designation" not in self.topics:
            return None
        lead = self.version.text[: proposals.LEAD]
        return proposals.proposal_action(self.version.title, lead, self.topics, "zone_type")

    def new_version(self, previous: DocumentVersion) -> None:
        title = diff_text(previous.title, self.version.title)
        body = diff_text(previous.text, self.version.text)
        facts = fact_changes.within_document(self.session, previous, self.version, self.batch.facts)
        minor = (title.minor or not title.changed) and (body.minor or not body.changed)
        noise = self._noise_only(title, body)
        self.minor = (minor or noise) and not facts
        before = len(self.pending)
        self.attachments(previous)
        for change in facts:
            self.fact_change(change, previous)
        if not title.changed and not body.changed and len(self.pending) > before:
            return  # the attachment and fact records say it all
        record = self.add(
            "changed_document",
            self.key("version"),
            old_version_id=previous.id,
            diff={"title": title.to_json(), "body": body.to_json()},
            minor=self.minor,
            changed_share=max(title.changed_share, body.changed_share),
            facts_touched=len(facts),
            summary=_summary(title, body, facts),
            signals={"noise_rule": True} if noise else {},
        )
        if record is not None and noise and not facts:
            record.review_status = ReviewStatus.NOISE

    def _noise_only(self, title: TextDiff, body: TextDiff) -> bool:
        """True when every changed piece is page furniture (a view counter, a "last changed"
        stamp, a session token) or noise an analyst already named for this source: a raw
        fragment, or a kind of token (another phone number)."""
        if noise.only_furniture((title, body)):
            return True
        rules = self.session.execute(
            select(NoiseRule.fragment, NoiseRule.kind, NoiseRule.context).where(
                NoiseRule.source_id == self.document.source_id
            )
        ).all()
        if not rules:
            return False
        patterns = {NoisePattern(kind, context or "") for _, kind, context in rules if kind}
        fragments = {fragment for fragment, kind, _ in rules if not kind}
        return noise.only_noise((title, body), patterns, fragments)

    def attachments(self, previous: DocumentVersion) -> None:
        old = {a.name: a for a in previous.attachments}
        new = {a.name: a for a in self.version.attachments}
        removed = [old[name] for name in old.keys() - new.keys()]
        added = [new[name] for name in new.keys() - old.keys()]
        for name in sorted(old.keys() & new.keys()):
            if _content(old[name]) != _content(new[name]):
                self._attachment("attachment_replaced", old[name], new[name])
        if len(removed) == len(added):
            pairs = zip(
                sorted(removed, key=lambda a: a.position),
                sorted(added, key=lambda a: a.position),
                strict=True,
            )
            for before, after in pairs:
                self._attachment("attachment_replaced", before, after, renamed=True)
            return
        for attachment in removed:
            self._attachment("attachment_removed", attachment, None)
        for attachment in added:
            self._attachment("attachment_added", None, attachment)

    def _attachment(
        self,
        kind: str,
        before: Attachment | None,
        after: Attachment | None,
        renamed: bool = False,
    ) -> None:
        name = (after or before).name  # type: ignore[union-attr]
        detail = {
            "old": _describe(before),
            "new": _describe(after),
            "renamed": renamed,
        }
        text_diff = diff_text(before.text or "", after.text or "") if before and after else None
        label = f"{before.name} → {after.name}" if renamed and before and after else name
        self.add(
            kind,
            f"{kind}:{self.version.id}:{name}",
            old_version_id=before.version_id if before else None,
            title=f"{self.version.title} — {label}",
            summary=label,
            diff={
                "attachments": detail,
                **({"body": text_diff.to_json()} if text_diff and text_diff.changed else {}),
            },
            changed_share=text_diff.changed_share if text_diff else 0.5,
        )

    def fact_change(
        self, change: fact_changes.FactChange, previous: DocumentVersion | None
    ) -> None:
        """A fact change found between versions (``previous``) is the edit itself; one found
        against another release is derived, and as minor as the edit that brought it."""
        key = change.record_key()
        self.add(
            "fact_change",
            key if previous is None else self._repeat_key(key),
            minor=previous is None and self.minor,
            old_version_id=change.old.version_id,
            title=f"{self.version.title} — {change.metric}: {change.headline()}",
            summary=change.headline(),
            diff={"facts": [change.as_json(self.session)]},
            facts_touched=1,
            signals={"across_documents": change.old_document_id != change.new_document_id},
        )

    def _repeat_key(self, key: str) -> str:
        """A change between two versions is an edit: when the same figures moved the same
        way before (changed back, then again), it is recorded again under a numbered key.
        Only this version's own record of it keeps the plain key's place. The key names the
        document (:meth:`FactChange.record_key`), so only its records are read, through the
        document's index: a prefix LIKE finds no index on either database."""
        earlier = list(
            self.session.scalars(
                select(ChangeRecord).where(
                    ChangeRecord.document_id == self.document.id,
                    (ChangeRecord.dedupe_key == key) | ChangeRecord.dedupe_key.like(f"{key}:%"),
                )
            )
        )
        if not earlier:
            return key
        mine = [r.dedupe_key for r in earlier if r.new_version_id == self.version.id]
        return mine[0] if mine else f"{key}:{len(earlier) + 1}"

    def facts_across(self) -> None:
        for change in fact_changes.across_documents(self.session, self.version, self.batch.facts):
            self.fact_change(change, None)

    def proposals(self) -> None:
        for record in proposals.propose_from_version(
            self.session, self.version, self.topics, self.document.source_id, minor=self.minor
        ):
            proposal = self.session.get(EntityChange, record.entity_change_id)
            record.significance, record.signals = significance(
                "model_change",
                event=proposal.action if proposal is not None else None,
                topics=self.topics,
                source_tier=source_tier(self.document.source_id),
                entities=len(self.entities),
                minor=self.minor,
            )
            record.signals = {**record.signals, "proposal": True}
            record.occurred_at = self.version.created_at
            record.baseline = self.baseline
            self.ids.append(record.id)


def _content(attachment: Attachment) -> str | None:
    """The attachment's identity: its extracted text, not its bytes (a re-saved file is the
    same file); the same notion ingest fingerprints with."""
    return attachment_identity(attachment.text, attachment.sha256)


def _describe(attachment: Attachment | None) -> dict[str, object] | None:
    if attachment is None:
        return None
    return {
        "name": attachment.name,
        "url": attachment.url,
        "sha256": attachment.sha256,
        "size": attachment.size,
    }


def _summary(title: TextDiff, body: TextDiff, facts: list[fact_changes.FactChange]) -> str:
    parts = []
    if title.changed:
        parts.append("title edited")
    if body.changed:
        parts.append(f"body: +{body.words_inserted}/-{body.words_deleted} words")
    parts += [f"{change.metric}: {change.headline()}" for change in facts]
    if title.minor and body.minor:
        parts.append("minor (spacing, punctuation or particles only)")
    return "; ".join(parts) or "no visible text change"


def record_withdrawal(session: Session, document_id: int) -> list[int]:
    document = session.get(Document, document_id)
    if (
        document is None
        or document.status != DocumentStatus.WITHDRAWN
        or document.current_version_id is None
    ):
        return []
    key = f"withdrawn:{document.id}:{document.current_version_id}"
    existing = _existing(session, key)
    if existing is not None:
        return [existing.id]
    version = session.get(DocumentVersion, document.current_version_id)
    assert version is not None
    topics = set(
        session.scalars(select(VersionTopic.topic_id).where(VersionTopic.version_id == version.id))
    )
    score, signals = significance(
        "removed_document", topics=topics, source_tier=source_tier(document.source_id)
    )
    record = ChangeRecord(
        kind=ChangeKind.REMOVED_DOCUMENT,
        dedupe_key=key,
        document_id=document.id,
        source_id=document.source_id,
        old_version_id=version.id,
        title=version.title,
        summary="withdrawn: gone from the list and its page no longer served",
        significance=score,
        signals=signals,
        occurred_at=utcnow(),
        event_key=withdrawal_event(document.id, version.id),
        released_at=document.published_at,
    )
    session.add(record)
    session.flush()
    _insert_links(session, label_rows([record], _labels_of(session, version.id)))
    return [record.id]


def write_links(session: Session, batch: VersionBatch, version_ids: Iterable[int]) -> None:
    """Write the links of the records :func:`record_version_changes` made for ``version_ids``
    (the versions of the batch whose records stand: one rolled back has none to link)."""
    links = [batch.links.pop(version_id) for version_id in version_ids if version_id in batch.links]
    _insert_links(
        session,
        Links(
            [row for link in links for row in link.entities],
            [row for link in links for row in link.topics],
        ),
    )


def label_rows(
    records: Sequence[ChangeRecord], labels: tuple[Iterable[str], Iterable[str]]
) -> Links:
    """Links of new records to their version's ``labels`` (entities, topics).

    The records were just made, so they have no links yet: they go in as bulk inserts
    without reading what is there first or building an ORM object per link. A bulk insert
    skips the links' insert hook, so each link is given its record's place in the log here."""
    entities, topics = (list(dict.fromkeys(label)) for label in labels)
    return Links(
        [
            {"change_id": record.id, "entity_id": entity_id, "placed_at": record.placed_at}
            for record in records
            for entity_id in entities
        ],
        [
            {"change_id": record.id, "topic_id": topic_id}
            for record in records
            for topic_id in topics
        ],
    )


def _insert_links(session: Session, links: Links) -> None:
    if links.entities:
        session.execute(insert(ChangeEntity), links.entities)
    if links.topics:
        session.execute(insert(ChangeTopic), links.topics)


def _labels_of(session: Session, version_id: int) -> tuple[list[str], list[str]]:
    entities = session.scalars(select(Mention.entity_id).where(Mention.version_id == version_id))
    topics = session.scalars(
        select(VersionTopic.topic_id).where(VersionTopic.version_id == version_id)
    )
    return list(entities), list(topics)
