"""The classification stage as the pipeline sees it: one call per version.

The classifier's findings are stored as rows (mentions, version topics, facts) with their
evidence, so that change records, filters and alert matching use indexes and an analyst can see
why a version was linked to a zone. Classifying again replaces the rows only when they differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

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


@dataclass
class BatchOutcome:
    """What :func:`classify_versions` made of a batch: an outcome per version found, and the
    error of each version whose input could not be classified. A version in neither is
    gone."""

    outcomes: dict[int, Outcome] = field(default_factory=dict)
    failed: dict[int, Exception] = field(default_factory=dict)


@dataclass(frozen=True)
class _Findings:
    """One version's new rows, built in memory before anything is written."""

    version_id: int
    mentions: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    replace: bool
    """Whether the version had findings that these replace."""


def classify_version(
    session: Session, version_id: int, classifier: Classifier, force: bool = False
) -> Outcome | None:
    """Classify one version; None when it is gone, ``classified=False`` when it was already
    done with this classifier version (and ``force`` is off). Bad input raises."""
    batch = classify_versions(session, [version_id], classifier, force)
    if version_id in batch.failed:
        raise batch.failed[version_id]
    return batch.outcomes.get(version_id)


def classify_versions(
    session: Session, version_ids: Sequence[int], classifier: Classifier, force: bool = False
) -> BatchOutcome:
    """Classify a batch and write what it found in a few statements for the whole batch.

    Every version is classified in memory first (one whose classifier run fails is recorded
    and left out), then the batch's rows go in one delete and one insert per table and one
    update of ``classified_at``: per-version statements, and the three queries per version
    that read back what was stored, cost more than classifying. A value the database refuses
    raises: the pipeline's stage then runs the batch again version by version
    (:func:`zonewatch.workers.pipeline.whole_or_each`), so that only that version fails; the
    classifier runs again for each, which is the price of a rare refusal."""
    batch = BatchOutcome()
    versions = {version.id: version for version in load_versions(session, version_ids)}
    stored = _signatures(session, list(versions))
    todo = [
        versions[version_id]
        for version_id in dict.fromkeys(version_ids)
        if version_id in versions and (force or not _done(versions[version_id]))
    ]
    for version_id, version in versions.items():
        if version not in todo:
            before = stored[version_id][0]
            batch.outcomes[version_id] = Outcome(version_id, False, False, before, before)
    results: dict[int, Classification] = {}
    for version in todo:
        try:
            results[version.id] = classifier.classify(
                version.title, version_text(version), version.language
            )
        except Exception as error:
            batch.failed[version.id] = error
    known = _known(session, results.values())
    findings = {
        version_id: _findings(version_id, result, known, stored[version_id])
        for version_id, result in results.items()
    }
    changed = {
        version_id: found
        for version_id, found in findings.items()
        if _signature_of(found) != stored[version_id]
    }
    _write(session, [versions[version_id] for version_id in findings], list(changed.values()))
    for version_id, found in findings.items():
        before = stored[version_id][0]
        after = _signature_of(found)[0] if version_id in changed else before
        batch.outcomes[version_id] = Outcome(version_id, True, version_id in changed, before, after)
    return batch


def _done(version: DocumentVersion) -> bool:
    return version.classified_at is not None and version.classifier_version == CLASSIFIER_VERSION


@dataclass(frozen=True)
class _Known:
    """Which of the classifier's entity and topic ids the database has (a model may know a
    name that the zone file has not been loaded with yet)."""

    entities: frozenset[str]
    topics: frozenset[str]


def _known(session: Session, results: Iterable[Classification]) -> _Known:
    entity_ids: set[str] = set()
    topic_ids: set[str] = set()
    for result in results:
        entity_ids.update(result.entity_ids)
        topic_ids.update(result.topic_ids)
    if not entity_ids and not topic_ids:
        return _Known(frozenset(), frozenset())
    return _Known(
        frozenset(session.scalars(select(Entity.id).where(Entity.id.in_(entity_ids)))),
        frozenset(session.scalars(select(Topic.id).where(Topic.id.in_(topic_ids)))),
    )


def _findings(
    version_id: int, result: Classification, known: _Known, stored: Signature
) -> _Findings:
    mentions = [
        {
            "version_id": version_id,
            "entity_id": hit.entity_id,
            "score": hit.score,
            "evidence": [e.stored() for e in shown(hit.evidence)],
        }
        for hit in result.entities
        if hit.entity_id in known.entities
    ]
    topics = [
        {
            "version_id": version_id,
            "topic_id": hit.topic,
            "score": hit.score,
            "evidence": [e.stored() for e in shown(hit.evidence)],
        }
        for hit in result.topics
        if hit.topic in known.topics
    ]
    facts = [
        {
            "version_id": version_id,
            "entity_id": linked.entity_id if linked.entity_id in known.entities else None,
            "metric": linked.fact.metric[:60],
            "value": Decimal(repr(linked.fact.value)),
            "unit": linked.fact.unit,
            "raw": linked.fact.raw[:300],
            "start": linked.fact.start,
            "end": linked.fact.end,
            "period": linked.fact.period,
            "scope": linked.fact.scope,
        }
        for linked in result.facts
    ]
    return _Findings(version_id, mentions, topics, facts, replace=any(stored))


def _write(session: Session, versions: list[DocumentVersion], changed: list[_Findings]) -> None:
    replaced = [found.version_id for found in changed if found.replace]
    if replaced:
        for table in (Mention, VersionTopic, Fact):
            session.execute(delete(table).where(table.version_id.in_(replaced)))
    _insert(session, Mention, [row for found in changed for row in found.mentions])
    _insert(session, VersionTopic, [row for found in changed for row in found.topics])
    _insert(session, Fact, [row for found in changed for row in found.facts])
    _mark_classified(session, versions)


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """One executemany of a cached INSERT for the whole batch. The table's, not the mapped
    class's: the ORM's bulk insert splits the rows into one statement per pattern of NULLs."""
    if rows:
        table: Table = model.__table__  # type: ignore[assignment]
        session.execute(insert(table), rows)


def _mark_classified(session: Session, versions: list[DocumentVersion]) -> None:
    """One UPDATE for the batch instead of one per version from the unit of work; the loaded
    objects take the same values as committed state, so the flush sends nothing more."""
    if not versions:
        return
    now = utcnow()
    session.execute(
        update(DocumentVersion)
        .where(DocumentVersion.id.in_([version.id for version in versions]))
        .values(classified_at=now, classifier_version=CLASSIFIER_VERSION)
        .execution_options(synchronize_session=False)
    )
    for version in versions:
        set_committed_value(version, "classified_at", now)
        set_committed_value(version, "classifier_version", CLASSIFIER_VERSION)


FactKey = tuple[str | None, str, str, str, str, str | None]
Signature = tuple[frozenset[str], frozenset[str], frozenset[FactKey]]
EMPTY: Signature = (frozenset(), frozenset(), frozenset())


def _signatures(session: Session, version_ids: list[int]) -> dict[int, Signature]:
    """What each version's stored findings say, in three queries for the batch; facts are
    read as the key's columns only, not as mapped objects."""
    entities: dict[int, set[str]] = {version_id: set() for version_id in version_ids}
    topics: dict[int, set[str]] = {version_id: set() for version_id in version_ids}
    facts: dict[int, set[FactKey]] = {version_id: set() for version_id in version_ids}
    if version_ids:
        for version_id, entity_id in session.execute(
            select(Mention.version_id, Mention.entity_id).where(Mention.version_id.in_(version_ids))
        ):
            entities[version_id].add(entity_id)
        for version_id, topic_id in session.execute(
            select(VersionTopic.version_id, VersionTopic.topic_id).where(
                VersionTopic.version_id.in_(version_ids)
            )
        ):
            topics[version_id].add(topic_id)
        for version_id, *key in session.execute(
            select(
                Fact.version_id,
                Fact.entity_id,
                Fact.metric,
                Fact.value,
                Fact.unit,
                Fact.period,
                Fact.scope,
            ).where(Fact.version_id.in_(version_ids))
        ):
            entity_id, metric, value, unit, period, scope = key
            facts[version_id].add((entity_id, metric, _number(value), unit, period, scope))
    return {
        version_id: (
            frozenset(entities[version_id]),
            frozenset(topics[version_id]),
            frozenset(facts[version_id]),
        )
        for version_id in version_ids
    }


def _signature_of(found: _Findings) -> Signature:
    return (
        frozenset(row["entity_id"] for row in found.mentions),
        frozenset(row["topic_id"] for row in found.topics),
        frozenset(
            (
                row["entity_id"],
                row["metric"],
                _number(row["value"]),
                row["unit"],
                row["period"],
                row["scope"],
            )
            for row in found.facts
        ),
    )


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")
