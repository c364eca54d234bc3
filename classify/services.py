"""The classification stage as the pipeline sees it: one call per version.

The classifier's findings are stored as rows (mentions, version topics, facts) with their
evidence, so that change records, filters and alert matching use indexes and an analyst can see
why a version was linked to a zone. Classifying again replaces the rows only when they differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, inspect, select
from sqlalchemy.orm import Session, selectinload

from zonewatch.classify.classifier import CLASSIFIER_VERSION, Classification, Classifier
from zonewatch.classify.evidence import shown
from zonewatch.models import DocumentVersion, Entity, Fact, Mention, Topic, VersionTopic
from zonewatch.models.base import Base, utcnow

ATTACHMENT_TEXT_LIMIT = 60_000
"""Characters of attachment text classified per version: the first pages carry the substance."""


@dataclass(frozen=True)
class Outcome:
    version_id: int
    classified: bool
    changed: bool
    entities_before: frozenset[str]
    entities_after: frozenset[str]


def version_text(version: DocumentVersion) -> str:
    """The body the classifier reads: the release text, then its attachments' text."""
    parts = [version.text or ""]
    budget = ATTACHMENT_TEXT_LIMIT
    for attachment in sorted(version.attachments, key=lambda a: a.position):
        if attachment.text and budget > 0:
            parts.append(attachment.text[:budget])
            budget -= len(parts[-1])
    return "\n\n".join(part for part in parts if part)


def load_versions(session: Session, version_ids: Sequence[int]) -> list[DocumentVersion]:
    """Bring a batch's versions and their attachments into the session in two queries, so
    that classifying each one after the other reads none of them again. The caller holds the
    list for the batch: the session's identity map holds rows only weakly."""
    return list(
        session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.id.in_(version_ids))
            .options(selectinload(DocumentVersion.attachments))
        )
    )


def classify_version(
    session: Session, version_id: int, classifier: Classifier, force: bool = False
) -> Outcome | None:
    """Classify one version; None when it is gone, ``classified=False`` when it was already
    done with this classifier version (and ``force`` is off)."""
    version = session.get(DocumentVersion, version_id)
    if version is None:
        return None
    stored = _signature(session, version_id)
    before = stored[0]
    if (
        not force
        and version.classified_at is not None
        and version.classifier_version == CLASSIFIER_VERSION
    ):
        return Outcome(version_id, False, False, before, before)
    result = classifier.classify(version.title, version_text(version), version.language)
    after = _store(session, version, result, stored)
    version.classified_at = utcnow()
    version.classifier_version = CLASSIFIER_VERSION
    session.flush()
    return Outcome(version_id, True, after is not None, before, before if after is None else after)


def _store(
    session: Session, version: DocumentVersion, result: Classification, stored: Signature
) -> frozenset[str] | None:
    """Replace the version's findings (whose signature is ``stored``) when they differ from
    ``result``; returns the entities it mentions now, or None when nothing changed."""
    known_entities = set(session.scalars(select(Entity.id).where(Entity.id.in_(result.entity_ids))))
    known_topics = set(session.scalars(select(Topic.id).where(Topic.id.in_(result.topic_ids))))
    mentions = [
        Mention(
            version_id=version.id,
            entity_id=hit.entity_id,
            score=hit.score,
            evidence=[e.stored() for e in shown(hit.evidence)],
        )
        for hit in result.entities
        if hit.entity_id in known_entities
    ]
    topics = [
        VersionTopic(
            version_id=version.id,
            topic_id=hit.topic,
            score=hit.score,
            evidence=[e.stored() for e in shown(hit.evidence)],
        )
        for hit in result.topics
        if hit.topic in known_topics
    ]
    facts = [
        Fact(
            version_id=version.id,
            entity_id=linked.entity_id if linked.entity_id in known_entities else None,
            metric=linked.fact.metric[:60],
            value=Decimal(repr(linked.fact.value)),
            unit=linked.fact.unit,
            raw=linked.fact.raw[:300],
            start=linked.fact.start,
            end=linked.fact.end,
            period=linked.fact.period,
            scope=linked.fact.scope,
        )
        for linked in result.facts
    ]
    new = _new_signature(mentions, topics, facts)
    if stored == new:
        return None
    if any(stored):
        for table in (Mention, VersionTopic, Fact):
            session.execute(delete(table).where(table.version_id == version.id))
    _insert(session, Mention, mentions)
    _insert(session, VersionTopic, topics)
    _insert(session, Fact, facts)
    return new[0]


def _insert(session: Session, model: type[Base], rows: Sequence[Base]) -> None:
    """Write new rows in one executemany of a cached INSERT: a version has dozens of findings,
    and the unit of work's per-object bookkeeping cost more than classifying it. The rows are
    built as mapped objects so that their constructors still apply."""
    if rows:
        session.execute(insert(model), [_values(row) for row in rows])


def _values(row: Base) -> dict[str, Any]:
    """A built, never added object's column values, keyed as the ORM insert takes them (the
    columns' defaults fill in the rest)."""
    state = inspect(row)
    return {
        attr.key: state.dict[attr.key]
        for attr in state.mapper.column_attrs
        if attr.key in state.dict
    }


FactKey = tuple[str | None, str, str, str, str, str | None]
Signature = tuple[frozenset[str], frozenset[str], frozenset[FactKey]]


def _signature(session: Session, version_id: int) -> Signature:
    entities = frozenset(
        session.scalars(select(Mention.entity_id).where(Mention.version_id == version_id))
    )
    topics = frozenset(
        session.scalars(select(VersionTopic.topic_id).where(VersionTopic.version_id == version_id))
    )
    facts = frozenset(
        _fact_key(fact)
        for fact in session.scalars(select(Fact).where(Fact.version_id == version_id))
    )
    return entities, topics, facts


def _new_signature(
    mentions: list[Mention], topics: list[VersionTopic], facts: list[Fact]
) -> Signature:
    return (
        frozenset(m.entity_id for m in mentions),
        frozenset(t.topic_id for t in topics),
        frozenset(_fact_key(f) for f in facts),
    )


def _fact_key(fact: Fact) -> FactKey:
    """What a stored fact says; a new period reading counts as a new classification."""
    return (fact.entity_id, fact.metric, _number(fact.value), fact.unit, fact.period, fact.scope)


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")
