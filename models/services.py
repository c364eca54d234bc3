"""Bring the database in line with the configuration files, recording every model change.

Applying ``zones.yaml`` is how the zone model evolves by hand: each edit becomes an
:class:`EntityChange` with its before and after, plus a ``model_change`` record for the change
log. The first load of an empty model is recorded as history but raises no change records:
it is the baseline, not news. Each later edit is an event of its own (``model:{id}``) that
the caller matches once the sync is done (see :attr:`SyncReport.events`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.changes.events import model_event
from zonewatch.changes.significance import band_score
from zonewatch.config.sources import SourceSpec
from zonewatch.config.topics import TopicSpec
from zonewatch.config.zones import EntitySpec
from zonewatch.entry_diff import PAST_TENSE, describe_entry_diff
from zonewatch.models.base import utcnow
from zonewatch.models.changes import ChangeEntity, ChangeRecord, EntityChange
from zonewatch.models.classification import Topic
from zonewatch.models.entities import Entity, EntityAlias
from zonewatch.models.enums import ChangeKind, ModelAction, ProposalOrigin, ProposalStatus
from zonewatch.models.sources import Source

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
CONFIG_ORIGIN = "config"


@dataclass
class SyncReport:
    """What a sync did, for the command line to print."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    events: list[str] = field(default_factory=list)
    """The model events the edits recorded, to be matched against subscriptions."""
    kept: list[str] = field(default_factory=list)
    """In the database, no longer configured, and left as they are (sources without prune)."""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def language_of(text: str) -> str:
    return "ko" if _HANGUL.search(text) else "en"


def entity_entry(spec: EntitySpec) -> dict[str, Any]:
    """The canonical JSON form of an entry: what is stored, compared and shown as before/after."""
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)


def alias_rows(spec: EntitySpec) -> list[EntityAlias]:
    """Every name of an entity with its kind, language and validity."""
    rows = [
        EntityAlias(text=spec.name.ko, lang="ko", alias_kind="name"),
        EntityAlias(text=spec.name.en, lang="en", alias_kind="name"),
    ]
    for kind, names in (
        ("abbreviation", spec.abbreviations),
        ("alias", spec.aliases),
        ("weak", spec.weak_aliases),
    ):
        rows.extend(
            EntityAlias(text=text, lang=language_of(text), alias_kind=kind) for text in names
        )
    for former in spec.former_names:
        texts = [name for name in (former.ko, former.en) if name] + list(former.abbreviations)
        rows.extend(
            EntityAlias(
                text=text,
                lang=language_of(text),
                alias_kind="former",
                valid_from=former.from_,
                valid_to=former.until,
            )
            for text in texts
        )
    unique: dict[tuple[str, str], EntityAlias] = {}
    for row in rows:
        unique.setdefault((row.text, row.alias_kind), row)
    return list(unique.values())


def classify_edit(before: dict[str, Any] | None, after: dict[str, Any] | None) -> ModelAction:
    """Name an edit the way an analyst would: create, rename, designate, lift, retire, update."""
    if before is None:
        return ModelAction.CREATE
    if after is None:
        return ModelAction.RETIRE
    if before.get("name") != after.get("name"):
        return ModelAction.RENAME
    if before.get("lifted") != after.get("lifted") and after.get("lifted"):
        return ModelAction.LIFT
    if before.get("designated") != after.get("designated"):
        return ModelAction.DESIGNATE
    return ModelAction.UPDATE


def _apply_spec(entity: Entity, spec: EntitySpec) -> None:
    entity.kind = spec.kind.value
    entity.parent_id = spec.parent
    entity.name_ko = spec.name.ko
    entity.name_en = spec.name.en
    entity.authority_id = spec.authority
    entity.region_id = spec.region
    entity.valid_from = spec.designated
    entity.valid_to = spec.lifted
    entity.notes = spec.notes
    entity.retired = False
    entity.spec = entity_entry(spec)
    _replace_aliases(entity, alias_rows(spec))


def _replace_aliases(entity: Entity, wanted: list[EntityAlias]) -> None:
    """Update aliases in place: rows that stay keep their ids (and the unique key holds)."""
    current = {(alias.text, alias.alias_kind): alias for alias in entity.aliases}
    keep = []
    for row in wanted:
        existing = current.pop((row.text, row.alias_kind), None)
        if existing is None:
            keep.append(row)
            continue
        existing.lang, existing.valid_from, existing.valid_to = (
            row.lang,
            row.valid_from,
            row.valid_to,
        )
        keep.append(existing)
    entity.aliases = keep


def _record_change(
    session: Session,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    baseline: bool,
) -> str | None:
    """Record one edit of the model; the event key of its change record, if it made one."""
    action = classify_edit(before, after)
    change = EntityChange(
        entity_id=entity_id,
        action=action,
        status=ProposalStatus.APPLIED,
        origin=CONFIG_ORIGIN,
        before=before,
        after=after,
        effective_on=utcnow().date(),
        decided_by="zones.yaml",
        decided_at=utcnow(),
    )
    session.add(change)
    if baseline:
        return None
    session.flush()
    title = f"Zone model: {entity_id} {PAST_TENSE[action]}"
    record = ChangeRecord(
        kind=ChangeKind.MODEL_CHANGE,
        dedupe_key=f"entity-change:{change.id}",
        event_key=model_event(change.id),
        entity_change_id=change.id,
        title=title,
        summary=describe_entry_diff(before, after),
        significance=_model_significance(action),
        signals={"model_change": action, "origin": CONFIG_ORIGIN},
        diff={"before": before, "after": after},
    )
    session.add(record)
    session.flush()
    if session.get(Entity, entity_id) is not None:
        session.add(ChangeEntity(change_id=record.id, entity_id=entity_id))
    return record.event_key


def apply_validity(
    entity: Entity, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    """Set the validity dates a proposal changes (and only those) on the entity."""
    before, after = before or {}, after or {}
    for name in ("valid_from", "valid_to"):
        value = after.get(name)
        if value and value != before.get(name):
            setattr(entity, name, dt.date.fromisoformat(value))


def reapply_decisions(session: Session, entity: Entity) -> None:
    """Accepted proposals are analysts' decisions that zones.yaml does not hold: after the
    file's entry is applied again, they are re-applied where the file states no date of its
    own (a date written in the file wins)."""
    stated = {"valid_from": entity.valid_from, "valid_to": entity.valid_to}
    decisions = session.scalars(
        select(EntityChange)
        .where(
            EntityChange.entity_id == entity.id,
            EntityChange.origin == ProposalOrigin.DOCUMENT,
            EntityChange.status == ProposalStatus.ACCEPTED,
        )
        .order_by(EntityChange.id)
    )
    for decision in decisions:
        after = {k: v for k, v in (decision.after or {}).items() if stated.get(k) is None}
        apply_validity(entity, decision.before, after)


_MAP_ACTIONS = frozenset(
    {
        ModelAction.CREATE,
        ModelAction.RETIRE,
        ModelAction.RENAME,
        ModelAction.LIFT,
        ModelAction.DESIGNATE,
    }
)


def _model_significance(action: ModelAction) -> float:
    """Zones created, lifted or renamed change the map (designation band); other edits of an
    entry (a description, an alias) are routine."""
    return band_score("designation" if action in _MAP_ACTIONS else "routine")


def sync_zone_model(session: Session, specs: Iterable[EntitySpec]) -> SyncReport:
    """Make the entities table match ``specs``; returns what changed."""
    report = SyncReport()
    specs = list(specs)
    existing = {entity.id: entity for entity in session.scalars(select(Entity))}
    baseline = not existing
    wanted = {spec.id for spec in specs}

    # Create every entity first (without references) so that parents may come later in the file.
    for spec in specs:
        if spec.id not in existing:
            entity = Entity(
                id=spec.id, kind=spec.kind.value, name_ko=spec.name.ko, name_en=spec.name.en
            )
            session.add(entity)
            existing[spec.id] = entity
            report.created.append(spec.id)
    session.flush()

    for spec in specs:
        entity = existing[spec.id]
        after = entity_entry(spec)
        if spec.id in report.created:
            _apply_spec(entity, spec)
            _note(report, _record_change(session, spec.id, None, after, baseline=baseline))
        elif entity.spec != after or entity.retired:
            before = None if entity.retired else dict(entity.spec)
            _apply_spec(entity, spec)
            reapply_decisions(session, entity)
            session.flush()
            _note(report, _record_change(session, spec.id, before, after, baseline=False))
            report.updated.append(spec.id)
        else:
            report.unchanged += 1

    for entity_id, entity in existing.items():
        if entity_id not in wanted and not entity.retired:
            before = dict(entity.spec)
            entity.retired = True
            entity.valid_to = entity.valid_to or utcnow().date()
            _note(report, _record_change(session, entity_id, before, None, baseline=False))
            report.retired.append(entity_id)
    session.flush()
    return report


def _note(report: SyncReport, event_key: str | None) -> None:
    if event_key is not None:
        report.events.append(event_key)


def sync_topics(session: Session, topics: Iterable[TopicSpec]) -> SyncReport:
    report = SyncReport()
    for spec in topics:
        topic = session.get(Topic, spec.id)
        values = {"name_en": spec.name.en, "name_ko": spec.name.ko, "description": spec.description}
        if topic is None:
            session.add(Topic(id=spec.id, **values))
            report.created.append(spec.id)
        elif any(getattr(topic, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(topic, key, value)
            report.updated.append(spec.id)
        else:
            report.unchanged += 1
    session.flush()
    return report


def source_entry(spec: SourceSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", exclude_none=True)


def sync_sources(
    session: Session, specs: Iterable[SourceSpec], *, prune: bool = False
) -> SyncReport:
    """Upsert sources from configuration, keeping operator state (pause, schedule position).

    A source in the database that no file lists any more is only retired (disabled) with
    ``prune``: it may be one an operator added through a file that is not read this time, and
    retiring it would stop its crawls without a word. Without ``prune`` it is kept, and named
    in the report so that the command can say so."""
    report = SyncReport()
    specs = list(specs)
    existing = {source.id: source for source in session.scalars(select(Source))}
    for spec in specs:
        entry = source_entry(spec)
        source = existing.get(spec.id)
        if source is None:
            source = Source(id=spec.id)
            session.add(source)
            report.created.append(spec.id)
        elif source.spec == entry and source.enabled == spec.enabled:
            report.unchanged += 1
            continue
        else:
            report.updated.append(spec.id)
        source.name = spec.name
        source.kind = spec.kind.value
        source.url = spec.url
        source.owner_id = spec.owner
        source.language = spec.language
        source.enabled = spec.enabled
        source.spec = entry
    wanted = {spec.id for spec in specs}
    for source_id, source in sorted(existing.items()):
        if source_id in wanted or not source.enabled:
            continue
        if prune:
            source.enabled = False
            report.retired.append(source_id)
        else:
            report.kept.append(source_id)
    session.flush()
    return report


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
