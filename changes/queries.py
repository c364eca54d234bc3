"""The read side of the change log (list, show, timeline, export) and the analysts' verdicts.

Every list is ordered by release date, newest first: when the publisher released the document
(the record's ``released_at``; for records made before it was stored, the document's
``published_at``), then by detection time. Records that have no release date (model changes,
releases whose page gives no date) take their place by detection time instead, and every
output says that they have none. That key is stored on the record (``placed_at``) and
indexed with the detection time and id, so a page is read from the index in order; pages
after the first start after a :class:`ChangePosition`, never at an offset. Filters go
through the indexes where they can: entities through ``change_entities`` (one recursive
query for the descendants of a zone, never the whole model; a page of an entity and its
descendants is read from each one's links in the log's order, see :class:`Reach` and
:func:`_entity_page`),
kinds and statuses through theirs; every list but an export is bounded.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    delete,
    false,
    func,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased, selectinload

from zonewatch.changes.log_view import CHANGE_KINDS as CHANGE_KINDS
from zonewatch.changes.log_view import REVIEW_STATUSES as REVIEW_STATUSES
from zonewatch.changes.log_view import VERDICTS as VERDICTS
from zonewatch.changes.log_view import BaselineFilter as BaselineFilter
from zonewatch.changes.log_view import (
    ChangeView,
    Release,
    document_address,
    merged_timeline,
    model_event,
    record_event,
    sorted_links,
    unknown_source,
    unknown_topic,
)
from zonewatch.changes.log_view import ReleaseOrigin as ReleaseOrigin
from zonewatch.changes.log_view import TimelineEvent as TimelineEvent
from zonewatch.changes.log_view import day_text as _day
from zonewatch.changes.reach import NewestOf, Reach, reach_of
from zonewatch.changes.search import search_conditions, search_terms
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Entity,
    EntityChange,
    Mention,
    NoiseRule,
    Source,
    Topic,
    VersionTopic,
)
from zonewatch.models.base import utcnow
from zonewatch.models.enums import ChangeKind, ReviewStatus
from zonewatch.models.names import resolve_entity_id
from zonewatch.models.queries import get_entity
from zonewatch.timefmt import KST, iso_local

if TYPE_CHECKING:
    from collections.abc import Iterable

    from zonewatch.changes.diffing import TextDiff
    from zonewatch.changes.noise import NoisePattern

ZONE_TYPE_KINDS = ("zone_type", "zone_system")
NOISE_FRAGMENT_LENGTH = (2, 200)
"""Shorter fragments would silence nearly any edit; longer ones are content, not boilerplate."""
EVIDENCE_TEXTS = 5
MAX_ID = 2**63 - 1
"""The largest id a position may name (a BIGINT): larger ones are not positions."""


@dataclass(frozen=True)
class LoggedChange:
    """A record as the change log shows it: with its document's address and release date."""

    record: ChangeRecord
    url: str | None
    """The document's canonical address (None for a record without a document)."""
    release: Release

    @property
    def detected_at(self) -> dt.datetime:
        """When we saw the change (the version's fetch; the model edit's application)."""
        return self.record.occurred_at


@dataclass(frozen=True)
class ChangePosition:
    """Where a record sits in the log (its sort key). A page that starts after a position
    (the API's cursor) stays right while new records arrive, which an offset does not."""

    placed_at: dt.datetime
    detected_at: dt.datetime
    id: int

    @classmethod
    def of(cls, change: LoggedChange) -> ChangePosition:
        return cls(change.record.placed_at, change.detected_at, change.record.id)

    def token(self) -> str:
        """The position as a short opaque string for a link (the API's cursor, the console's
        older/newer links)."""
        data = [self.placed_at.isoformat(), self.detected_at.isoformat(), self.id]
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    @classmethod
    def from_token(cls, value: str) -> ChangePosition:
        """The position :meth:`token` wrote; ValueError for anything else (the caller names
        the parameter)."""
        try:
            padded = value + "=" * (-len(value) % 4)
            placed, detected, record_id = json.loads(base64.urlsafe_b64decode(padded))
            position = cls(
                dt.datetime.fromisoformat(placed), dt.datetime.fromisoformat(detected), record_id
            )
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise ValueError(f"not a position: {value[:40]!r}") from None
        if (
            not isinstance(record_id, int)
            or not 0 < record_id <= MAX_ID
            or position.placed_at.tzinfo is None
            or position.detected_at.tzinfo is None
        ):
            raise ValueError(f"not a position: {value[:40]!r}")
        return position


@dataclass(frozen=True)
class ChangeFilter:
    """What ``zonewatch changes list`` asks for; every field left empty matches everything.

    ``since``/``until`` are KST days of the release date (of the detection time for records
    without one, where they sit in the list); ``detected_since``/``detected_until`` are days
    of the detection time. ``limit`` None is every matching record (exports).
    """

    entity_id: str | None = None
    zone_type: str | None = None
    topic_id: str | None = None
    source_id: str | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    detected_since: dt.date | None = None
    detected_until: dt.date | None = None
    min_significance: float | None = None
    baseline: BaselineFilter = BaselineFilter.SHOW
    text: str | None = None
    """Words every record must contain (``zonewatch.changes.search``)."""
    added_after: dt.datetime | None = None
    """Only records added to the log after this (``zonewatch.changes.visits``)."""
    limit: int | None = 50
    offset: int = 0
    """Records skipped before the page starts (the web console's pages)."""
    tz: ZoneInfo = KST
    after: ChangePosition | None = None
    """Only records after this one in the log's order (the API's and the console's pages)."""
    before: ChangePosition | None = None
    """Only records before this one (the console's newer pages): the nearest ``limit`` of
    them, still listed newest first."""


def subtree(entity_id: str, name: str = "subtree") -> CTE:
    """The entity and everything below it (districts, instances of a type), in one query.

    UNION rather than UNION ALL, so that a parent loop in a hand-edited model still ends;
    ``name`` keeps two trees in one statement apart.
    """
    tree = select(Entity.id).where(Entity.id == entity_id).cte(name, recursive=True)
    child = aliased(Entity)
    return tree.union(select(child.id).where(child.parent_id == tree.c.id))


def _about(entity_id: str, name: str = "subtree") -> Any:
    """A condition on ``ChangeRecord``: it names the entity or one of its descendants."""
    linked = select(ChangeEntity.change_id).where(
        ChangeEntity.entity_id.in_(select(subtree(entity_id, name).c.id))
    )
    return ChangeRecord.id.in_(linked)


ENTITY_PAGES = 64
"""Most entities in a tree whose pages, under other filters as well, are read one by one (a
zone type and its instances are a few dozen); a larger tree is then filtered as a whole,
which sorts its records. A page under no other filter is read within its reach instead, for
a tree of any size (:class:`Reach`)."""


@dataclass(frozen=True)
class EntityTree:
    """An entity filter resolved to the ids of the entity and everything below it, so that a
    page is read from each entity's links in the log's order (:func:`_entity_page`,
    :func:`_within_reach`)."""

    root: str
    ids: tuple[str, ...]
    reach: Reach | None = None
    """Set by :func:`entity_tree` for a page under no other filter."""

    @classmethod
    def of(cls, session: Session, root: str) -> EntityTree:
        return cls(root, tuple(sorted(session.scalars(select(subtree(root).c.id)))))


def newest_links_params(ids: tuple[str, ...], count: int) -> dict[str, Any]:
    """What :func:`newest_links_query` of ``len(ids)`` entities is executed with."""
    return {"count": count} | {f"entity_{n}": entity_id for n, entity_id in enumerate(ids)}


@functools.cache
def newest_links_query(entities: int) -> Select[Any]:
    """The newest ``count`` links of that many entities: each entity's newest ``count`` from
    its index, in the index's order (no join, no sort), then the newest of those. SQLite
    merges the ordered selects and stops at ``count``; PostgreSQL, which sorts a union rather
    than merging it, sorts at most the tree's size times ``count`` index entries.

    Built once per number of entities, with the ids and count as parameters
    (:func:`newest_links_params`): building and compiling a union of a tree's selects cost
    more than running it."""
    count = bindparam("count", type_=Integer)
    arms = [
        select(
            select(ChangeEntity.change_id, ChangeEntity.placed_at)
            .where(ChangeEntity.entity_id == bindparam(f"entity_{n}", type_=String))
            .order_by(ChangeEntity.placed_at.desc(), ChangeEntity.change_id.desc())
            .limit(count)
            .subquery()
        )
        for n in range(entities)
    ]
    links = union_all(*arms).subquery("links")
    return select(links).order_by(links.c.placed_at.desc(), links.c.change_id.desc()).limit(count)


def _newest_of(session: Session) -> NewestOf:
    """One run of :func:`newest_links_query` on ``session``, for :mod:`zonewatch.changes.reach`."""

    def run(ids: tuple[str, ...], count: int) -> list[tuple[int, dt.datetime]]:
        rows = session.execute(newest_links_query(len(ids)), newest_links_params(ids, count))
        return [(change_id, placed) for change_id, placed in rows]

    return run


def _within_reach(tree: EntityTree, reach: Reach) -> ColumnElement[bool]:
    """A condition on ``ChangeRecord``: about the tree and placed within its reach."""
    linked = select(ChangeEntity.change_id).where(ChangeEntity.entity_id.in_(tree.ids))
    if reach.oldest is None:
        return ChangeRecord.id.in_(linked)
    since = linked.where(ChangeEntity.placed_at >= reach.oldest)
    return and_(ChangeRecord.placed_at >= reach.oldest, ChangeRecord.id.in_(since))


def _entity_page(filters: ChangeFilter, tree: EntityTree, limit: int) -> Any:
    """A condition on ``ChangeRecord``: on the page ``filters`` ask for (``limit`` records
    after ``filters.offset``) among the records of the tree's entities that pass every other
    filter.

    Each entity's links are read from ``ix_change_entities_placed`` in the log's order (their
    ``placed_at`` is the record's) and stop at offset plus limit, so a page costs the tree's
    size times the page, however many records the entities have; the page is the best of
    those few ids, so only its own records are then read. A record about two of the entities
    comes from both and is one.
    """
    others = _conditions(filters, skip=tree.root)
    bounds: list[ColumnElement[bool]] = []
    if filters.after is not None:
        bounds.append(ChangeEntity.placed_at <= filters.after.placed_at)
    if filters.before is not None:
        bounds.append(ChangeEntity.placed_at >= filters.before.placed_at)

    def ordered(*keys: Any) -> list[Any]:
        return [key.asc() if filters.before is not None else key.desc() for key in keys]

    pages = [
        select(
            select(ChangeEntity.change_id, ChangeEntity.placed_at, ChangeRecord.occurred_at)
            .join(ChangeRecord, ChangeRecord.id == ChangeEntity.change_id)
            .where(ChangeEntity.entity_id == entity_id, *bounds, *others)
            .order_by(*ordered(ChangeEntity.placed_at, ChangeRecord.occurred_at, ChangeRecord.id))
            .limit(limit + filters.offset)
            .subquery()
        )
        for entity_id in tree.ids
    ]
    found = union(*pages).subquery()
    best = (
        select(found.c.change_id)
        .order_by(*ordered(found.c.placed_at, found.c.occurred_at, found.c.change_id))
        .limit(limit)
        .offset(filters.offset or None)
    )
    return ChangeRecord.id.in_(best)


def day_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """Midnight of a local calendar day, as an aware datetime (dates are given in KST)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def _check_known(session: Session, filters: ChangeFilter) -> None:
    """Name a misspelt id rather than answer with an empty list."""
    if filters.entity_id is not None:
        get_entity(session, filters.entity_id)
    if filters.zone_type is not None:
        zone_type = get_entity(session, filters.zone_type)
        if zone_type.kind not in ZONE_TYPE_KINDS:
            raise InputError(
                f"{filters.zone_type!r} is a {zone_type.kind}, not a zone type "
                "(see `zonewatch entities list --kind zone_type`)"
            )
    if filters.topic_id is not None and session.get(Topic, filters.topic_id) is None:
        raise unknown_topic(filters.topic_id)
    if filters.source_id is not None and session.get(Source, filters.source_id) is None:
        raise unknown_source(filters.source_id)
    unknown = sorted(set(filters.kinds) - set(CHANGE_KINDS)) + sorted(
        set(filters.statuses) - set(REVIEW_STATUSES)
    )
    if unknown:
        raise InputError(f"unknown change kind or status: {', '.join(unknown)}")
    if filters.text is not None:
        search_terms(filters.text)
    if filters.limit is not None and filters.limit < 1:
        raise InputError("--limit must be at least 1")
    if filters.offset < 0:
        raise InputError("the offset must not be negative")


def _released() -> ColumnElement[dt.datetime]:
    """The release date in SQL, with the same fallback as :meth:`Release.of`."""
    return func.coalesce(ChangeRecord.released_at, Document.published_at)


def _placed_at() -> SQLColumnExpression[dt.datetime]:
    """Where a record sits in the log: its release date, else its detection time.

    Stored (``ChangeRecord.placed_at``, kept by its writers) rather than computed from the
    document, so that the index on (placed, detected, id) reads a page in order instead of
    sorting every matching record.
    """
    return ChangeRecord.placed_at


def _day_range(
    column: SQLColumnExpression[dt.datetime],
    since: dt.date | None,
    until: dt.date | None,
    tz: ZoneInfo,
) -> list[ColumnElement[bool]]:
    conditions = []
    if since is not None:
        conditions.append(column >= day_start(since, tz))
    if until is not None:
        conditions.append(column < day_start(until + dt.timedelta(days=1), tz))
    return conditions


def _conditions(filters: ChangeFilter, skip: str | None = None) -> list[ColumnElement[bool]]:
    """The filters as conditions on ``ChangeRecord``; the entity tree rooted at ``skip`` is
    left out (the caller reads it from the entity side)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.entity_id is not None and filters.entity_id != skip:
        conditions.append(_about(filters.entity_id, "entity_tree"))
    if filters.zone_type is not None and filters.zone_type != skip:
        conditions.append(_about(filters.zone_type, "type_tree"))
    if filters.topic_id is not None:
        conditions.append(
            ChangeRecord.id.in_(
                select(ChangeTopic.change_id).where(ChangeTopic.topic_id == filters.topic_id)
            )
        )
    if filters.source_id is not None:
        conditions.append(ChangeRecord.source_id == filters.source_id)
    if filters.kinds:
        conditions.append(ChangeRecord.kind.in_(filters.kinds))
    if filters.statuses:
        conditions.append(ChangeRecord.review_status.in_(filters.statuses))
    conditions += _day_range(_placed_at(), filters.since, filters.until, filters.tz)
    conditions += _day_range(
        ChangeRecord.occurred_at, filters.detected_since, filters.detected_until, filters.tz
    )
    if filters.min_significance is not None:
        conditions.append(ChangeRecord.significance >= filters.min_significance)
    if filters.baseline is BaselineFilter.HIDE:
        conditions.append(ChangeRecord.baseline == false())
    elif filters.baseline is BaselineFilter.ONLY:
        conditions.append(ChangeRecord.baseline == true())
    if filters.text is not None:
        conditions += search_conditions(filters.text)
    if filters.added_after is not None:
        conditions.append(ChangeRecord.created_at > filters.added_after)
    if filters.after is not None:
        conditions.append(_after(filters.after))
    if filters.before is not None:
        conditions.append(_before(filters.before))
    return conditions


def _before(position: ChangePosition) -> ColumnElement[bool]:
    """Earlier in the log's order (newer) than ``position``: :func:`_after` mirrored."""
    placed, detected, record = _placed_at(), ChangeRecord.occurred_at, ChangeRecord.id
    return or_(
        placed > position.placed_at,
        and_(placed == position.placed_at, detected > position.detected_at),
        and_(
            placed == position.placed_at,
            detected == position.detected_at,
            record > position.id,
        ),
    )


def _after(position: ChangePosition) -> ColumnElement[bool]:
    """Later in the log's order (placed, detected, id; all descending) than ``position``."""
    placed, detected, record = _placed_at(), ChangeRecord.occurred_at, ChangeRecord.id
    return or_(
        placed < position.placed_at,
        and_(placed == position.placed_at, detected < position.detected_at),
        and_(
            placed == position.placed_at,
            detected == position.detected_at,
            record < position.id,
        ),
    )


def change_query(
    filters: ChangeFilter, tree: EntityTree | None = None
) -> Select[tuple[ChangeRecord, str, dt.datetime | None]]:
    """The records matching ``filters`` as ORM objects with their document's address and
    release date (see :func:`log_query`)."""
    return log_query(filters, tree, ChangeRecord, Document.url, Document.published_at)


def log_query(filters: ChangeFilter, tree: EntityTree | None, *columns: Any) -> Select[Any]:
    """The ``columns`` of the records matching ``filters``, newest release first (see the
    module docstring); oldest first after ``before``, so that the limit keeps the nearest
    (:func:`list_changes` turns them round). The documents are outer-joined for their address
    and release date: a record without a document has None for both.

    ``tree`` (the resolved ids of the filter's entity or zone type) lets a bounded page be
    read from the entities' side (:func:`_entity_page`) instead of sorting all their records.
    """
    keys = (_placed_at(), ChangeRecord.occurred_at, ChangeRecord.id)
    order = [key.asc() if filters.before is not None else key.desc() for key in keys]
    query = (
        select(*columns)
        .select_from(ChangeRecord)
        .outerjoin(Document, Document.id == ChangeRecord.document_id)
        .order_by(*order)
        .limit(filters.limit)
    )
    if tree is not None and filters.limit is not None:
        reach = tree.reach
        if reach is not None and reach.records == filters.limit + filters.offset:
            return query.where(_within_reach(tree, reach)).offset(filters.offset or None)
        if len(tree.ids) <= ENTITY_PAGES:
            return query.where(_entity_page(filters, tree, filters.limit))
    return query.where(*_conditions(filters)).offset(filters.offset or None)


def entity_tree(session: Session, filters: ChangeFilter) -> EntityTree | None:
    """The tree a list of ``filters`` is read from: its entity's (the narrower), else its
    zone type's; None without either. A bounded page under no other filter gets the tree's
    reach."""
    root = filters.entity_id or filters.zone_type
    if root is None:
        return None
    tree = EntityTree.of(session, root)
    if not tree.ids or filters.limit is None or _conditions(filters, skip=root):
        return tree
    reach = reach_of(_newest_of(session), tree.ids, filters.limit + filters.offset)
    return replace(tree, reach=reach)


def list_changes(session: Session, filters: ChangeFilter) -> list[LoggedChange]:
    """One page of the change log (all of it without a limit), entities and topics loaded."""
    _check_known(session, filters)
    query = change_query(filters, entity_tree(session, filters)).options(
        selectinload(ChangeRecord.entities), selectinload(ChangeRecord.topics)
    )
    found = [
        _logged(record, url, published)
        for record, url, published in session.execute(query).tuples()
    ]
    if filters.before is not None:
        found.reverse()
    return found


def _logged(record: ChangeRecord, url: str | None, published: dt.datetime | None) -> LoggedChange:
    return LoggedChange(record, document_address(url), Release.of(record.released_at, published))


def hidden_baselines(session: Session, filters: ChangeFilter) -> int:
    """How many baseline records ``filters`` leave out (0 unless it hides them): a list that
    hides records says how many."""
    if filters.baseline is not BaselineFilter.HIDE:
        return 0
    only = replace(filters, baseline=BaselineFilter.ONLY)
    query = (
        select(func.count())
        .select_from(ChangeRecord)
        .outerjoin(Document, Document.id == ChangeRecord.document_id)
        .where(*_conditions(only))
    )
    return int(session.scalar(query) or 0)


def change_view(change: LoggedChange) -> ChangeView:
    """What the change log shows of a record read through the ORM."""
    record = change.record
    columns = {column.key: getattr(record, column.key) for column in ChangeRecord.__table__.columns}
    return ChangeView.of(
        columns,
        change.url,
        change.release,
        tuple(sorted(link.entity_id for link in record.entities)),
        tuple(sorted(link.topic_id for link in record.topics)),
    )


def change_as_json(change: LoggedChange, tz: ZoneInfo = KST) -> dict[str, Any]:
    """Every field of a record as JSON-ready data, with its release date (and where that
    comes from), its document's address, and its entity and topic ids."""
    return change_view(change).as_json(tz)


def get_change(session: Session, change_id: int) -> ChangeRecord:
    record = session.get(
        ChangeRecord,
        change_id,
        options=[selectinload(ChangeRecord.entities), selectinload(ChangeRecord.topics)],
    )
    if record is None:
        raise NotFoundError(f"unknown change {change_id} (see `zonewatch changes list`)")
    return record


def _version_json(session: Session, version_id: int | None, tz: ZoneInfo) -> dict[str, Any] | None:
    version = session.get(DocumentVersion, version_id) if version_id is not None else None
    if version is None:
        return None
    return {
        "id": version.id,
        "number": version.number,
        "title": version.title,
        "created_at": iso_local(version.created_at, tz),
        "published_at": iso_local(version.published_at, tz),
    }


def _evidence_texts(items: Iterable[Any]) -> list[str]:
    """The distinct words that made a link, in text order, a few of them."""
    texts = [str(item["text"]) for item in items if isinstance(item, dict) and item.get("text")]
    return list(dict.fromkeys(texts))[:EVIDENCE_TEXTS]


def _entities_json(
    session: Session, record: ChangeRecord, version_id: int | None
) -> list[dict[str, Any]]:
    ids = sorted(link.entity_id for link in record.entities)
    if not ids:
        return []
    names = {
        entity.id: entity for entity in session.scalars(select(Entity).where(Entity.id.in_(ids)))
    }
    evidence: dict[str, list[Any]] = {}
    if version_id is not None:
        mentions = session.scalars(
            select(Mention).where(Mention.version_id == version_id, Mention.entity_id.in_(ids))
        )
        evidence = {mention.entity_id: mention.evidence for mention in mentions}
    return [
        {
            "id": entity_id,
            "kind": names[entity_id].kind if entity_id in names else None,
            "name_ko": names[entity_id].name_ko if entity_id in names else None,
            "name_en": names[entity_id].name_en if entity_id in names else None,
            "evidence": _evidence_texts(evidence.get(entity_id, [])),
        }
        for entity_id in ids
    ]


def _topics_json(
    session: Session, record: ChangeRecord, version_id: int | None
) -> list[dict[str, Any]]:
    ids = sorted(link.topic_id for link in record.topics)
    if not ids:
        return []
    names = {topic.id: topic for topic in session.scalars(select(Topic).where(Topic.id.in_(ids)))}
    evidence: dict[str, list[Any]] = {}
    if version_id is not None:
        found = session.scalars(
            select(VersionTopic).where(
                VersionTopic.version_id == version_id, VersionTopic.topic_id.in_(ids)
            )
        )
        evidence = {row.topic_id: row.evidence for row in found}
    return [
        {
            "id": topic_id,
            "name_en": names[topic_id].name_en if topic_id in names else None,
            "name_ko": names[topic_id].name_ko if topic_id in names else None,
            "evidence": _evidence_texts(evidence.get(topic_id, [])),
        }
        for topic_id in ids
    ]


def _related_json(session: Session, change_id: int | None) -> dict[str, Any] | None:
    related = session.get(ChangeRecord, change_id) if change_id is not None else None
    if related is None:
        return None
    return {"id": related.id, "kind": related.kind, "title": related.title}


def _entity_change_json(session: Session, change_id: int | None) -> dict[str, Any] | None:
    change = session.get(EntityChange, change_id) if change_id is not None else None
    if change is None:
        return None
    return {
        "id": change.id,
        "entity_id": change.entity_id,
        "action": change.action,
        "status": change.status,
        "origin": change.origin,
        "effective_on": _day(change.effective_on),
        "decided_by": change.decided_by,
    }


def change_details(session: Session, change_id: int, tz: ZoneInfo = KST) -> dict[str, Any]:
    """Everything ``changes show`` prints: the record, its versions, source and evidence.

    Evidence comes from the new version (the old one for a removal): that is the text that
    made the record about these entities and topics.
    """
    record = get_change(session, change_id)
    document = session.get(Document, record.document_id) if record.document_id else None
    logged = _logged(
        record,
        document.url if document is not None else None,
        document.published_at if document is not None else None,
    )
    details = change_as_json(logged, tz)
    evidence_version = record.new_version_id or record.old_version_id
    source = session.get(Source, record.source_id) if record.source_id else None
    details.update(
        source={"id": source.id, "name": source.name} if source is not None else None,
        document={
            "id": document.id,
            "url": logged.url,
            "status": document.status,
            "published_at": iso_local(document.published_at, tz),
        }
        if document is not None
        else None,
        old_version=_version_json(session, record.old_version_id, tz),
        new_version=_version_json(session, record.new_version_id, tz),
        entities=_entities_json(session, record, evidence_version),
        topics=_topics_json(session, record, evidence_version),
        related=_related_json(session, record.related_change_id),
        entity_change=_entity_change_json(session, record.entity_change_id),
    )
    return details


def _record_diffs(record: ChangeRecord) -> list[TextDiff]:
    from zonewatch.changes.diffing import TextDiff

    parts = (
        (record.diff.get(part) for part in ("title", "body"))
        if isinstance(record.diff, dict)
        else ()
    )
    return [TextDiff.from_json(data) for data in parts if isinstance(data, dict)]


def noise_fragments(record: ChangeRecord) -> list[str]:
    """The changed text of a record that a noise verdict turns into raw rules for its source:
    only the pieces that lie in no known kind of token (those become patterns)."""
    from zonewatch.changes.noise import changed_pieces

    found = [
        fragment
        for diff in _record_diffs(record)
        for piece in changed_pieces(diff)
        if piece.pattern is None
        for fragment in piece.fragments
    ]
    low, high = NOISE_FRAGMENT_LENGTH
    stripped = (fragment.strip() for fragment in found)
    return list(dict.fromkeys(text for text in stripped if low <= len(text) <= high))


def noise_patterns(record: ChangeRecord) -> list[NoisePattern]:
    """The kinds of token (a phone, a view counter, ...) a record's edit touched: a noise
    verdict stores these, so the next edit of another phone number is the same noise."""
    from zonewatch.changes.noise import changed_pieces

    pieces = (piece for diff in _record_diffs(record) for piece in changed_pieces(diff))
    return sorted({piece.pattern for piece in pieces if piece.pattern is not None})


def _store_noise_rules(session: Session, record: ChangeRecord, by: str) -> None:
    if record.kind != ChangeKind.CHANGED_DOCUMENT or record.source_id is None:
        return
    rules: dict[str, tuple[str | None, str | None]]
    rules = dict.fromkeys(noise_fragments(record), (None, None))
    rules.update(
        {pattern.key: (pattern.kind, pattern.context) for pattern in noise_patterns(record)}
    )
    if not rules:
        return
    known = set(
        session.scalars(
            select(NoiseRule.fragment).where(
                NoiseRule.source_id == record.source_id, NoiseRule.fragment.in_(list(rules))
            )
        )
    )
    session.add_all(
        NoiseRule(
            source_id=record.source_id,
            fragment=text,
            kind=kind,
            context=context,
            change_id=record.id,
            created_by=by,
        )
        for text, (kind, context) in rules.items()
        if text not in known
    )


def review_change(
    session: Session, change_id: int, status: str, note: str | None, by: str
) -> ChangeRecord:
    """Record an analyst's verdict on a change.

    "noise" on a changed document also teaches its source which fragments are noise; a later
    verdict other than noise withdraws the rules this record gave, so a slip is reversible.
    """
    if status not in VERDICTS:
        raise InputError(f"unknown review status {status!r} (one of {', '.join(VERDICTS)})")
    record = get_change(session, change_id)
    record.review_status = ReviewStatus(status)
    record.review_note = note
    record.reviewed_by = by
    record.reviewed_at = utcnow()
    if status == ReviewStatus.NOISE:
        _store_noise_rules(session, record, by)
    else:
        session.execute(delete(NoiseRule).where(NoiseRule.change_id == record.id))
    session.flush()
    return record


def noise_rules_of(session: Session, change_id: int) -> list[NoiseRule]:
    """The rules a record's noise verdict produced (fragments already known are not repeated)."""
    return list(
        session.scalars(
            select(NoiseRule).where(NoiseRule.change_id == change_id).order_by(NoiseRule.id)
        )
    )


TIMELINE_COLUMNS = (
    ChangeRecord.id,
    ChangeRecord.kind,
    ChangeRecord.title,
    ChangeRecord.review_status,
    ChangeRecord.released_at,
    Document.published_at,
    ChangeRecord.occurred_at,
    ChangeRecord.baseline,
    ChangeRecord.significance,
    ChangeRecord.source_id,
    ChangeRecord.entity_change_id,
)
"""What a timeline shows of a record: read as plain rows, not ORM objects (a record's diff
and signals are large, and building objects and their link collections was most of a
timeline's time)."""


MODEL_CHANGE_COLUMNS = (
    EntityChange.id,
    EntityChange.entity_id,
    EntityChange.action,
    EntityChange.status,
    EntityChange.origin,
    EntityChange.before,
    EntityChange.after,
    EntityChange.created_at,
    EntityChange.effective_on,
    EntityChange.decided_by,
)
"""What a timeline shows of a model change (:func:`zonewatch.changes.log_view.model_event`)."""


def linked_entities_query(change_ids: Any) -> Select[tuple[int, str]]:
    """The links of the records ``change_ids`` (a list, or a select of ids), by entity id."""
    return (
        select(ChangeEntity.change_id, ChangeEntity.entity_id)
        .where(ChangeEntity.change_id.in_(change_ids))
        .order_by(ChangeEntity.entity_id)
    )


def model_changes_query(ids: Iterable[str], limit: int) -> Select[Any]:
    """The newest ``limit`` model changes of the entities."""
    return (
        select(*MODEL_CHANGE_COLUMNS)
        .where(EntityChange.entity_id.in_(list(ids)))
        .order_by(EntityChange.created_at.desc(), EntityChange.id.desc())
        .limit(limit)
    )


def _record_events(
    session: Session, filters: ChangeFilter, tree: EntityTree
) -> list[TimelineEvent]:
    """The records of the change log's page of ``filters``, with every record's entities
    read in one query."""
    rows = session.execute(log_query(filters, tree, *TIMELINE_COLUMNS)).mappings().all()
    links = session.execute(linked_entities_query([row["id"] for row in rows]))
    entities = sorted_links(links.tuples())
    return [record_event(row, entities) for row in rows]


def timeline(session: Session, entity_id: str, limit: int = 100) -> list[TimelineEvent]:
    """What happened to an entity and everything below it, oldest first: the latest ``limit``
    change records and model changes, merged by release date (detection time for what has
    none), as in the change log.

    A model change that already has a change record (an applied zones.yaml edit) appears once,
    as the record.
    """
    if limit < 1:
        raise InputError("--limit must be at least 1")
    filters = ChangeFilter(entity_id=entity_id, limit=limit)
    tree = entity_tree(session, filters)
    if tree is None or not tree.ids:
        get_entity(session, entity_id)
        return []
    records = _record_events(session, filters, tree)
    model_changes = session.execute(model_changes_query(tree.ids, limit)).mappings().all()
    return merged_timeline(records, [model_event(row) for row in model_changes], limit)


def with_entity_ids(session: Session, filters: ChangeFilter) -> ChangeFilter:
    """The filter with its entity and zone type, given by any name (``IFEZ``, ``송도``),
    resolved to ids: an unknown name is NotFoundError, an ambiguous one an InputError that
    names the candidates, never a guess."""
    return replace(
        filters,
        entity_id=_resolved(session, filters.entity_id),
        zone_type=_resolved(session, filters.zone_type),
    )


def _resolved(session: Session, name: str | None) -> str | None:
    return resolve_entity_id(session, name) if name is not None else None
