"""Classify stored versions again after the zone model or the rules changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypedDict

from sqlalchemy import select

from zonewatch.app import App
from zonewatch.classify.services import classify_version, version_text
from zonewatch.config.zones import EntitySpec, load_zone_model
from zonewatch.models import DocumentVersion, Mention

BATCH = 200


class ReclassifySummary(TypedDict):
    examined: int
    changed: int
    gained: list[int]
    lost: list[int]


def surface_forms(entity: EntitySpec) -> set[str]:
    """Every string the model lets stand for ``entity``, spaces removed and lower-cased. The
    region names count: a list of them (``인천·부산진해·광양 3곳``) names a zone with none of
    its other names."""
    names: list[str | None] = [
        entity.name.ko,
        entity.name.en,
        *entity.abbreviations,
        *entity.aliases,
        *entity.weak_aliases,
        *entity.region_names,
    ]
    for former in entity.former_names:
        names += [former.ko, former.en, *former.abbreviations]
    return {_squash(name) for name in names if name}


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def candidate_versions(app: App, since: dt.datetime | None, entity_id: str | None) -> list[int]:
    """Ids of the versions to examine: all (since a date), or those that name the entity now
    or contain one of its names (so that a new alias finds the versions it should link)."""
    with app.session() as session:
        query = select(DocumentVersion.id).where(DocumentVersion.technical.is_(False))
        if since is not None:
            query = query.where(DocumentVersion.created_at >= since)
        ids = list(session.scalars(query.order_by(DocumentVersion.id)))
        if entity_id is None:
            return ids
        entity = load_zone_model(app.settings.zones_file).by_id().get(entity_id)
        if entity is None:
            raise LookupError(f"unknown entity {entity_id!r} (see `zonewatch entities list`)")
        forms = surface_forms(entity)
        linked = set(
            session.scalars(select(Mention.version_id).where(Mention.entity_id == entity_id))
        )
        chosen = []
        for batch in _batches(ids):
            versions = session.scalars(
                select(DocumentVersion).where(DocumentVersion.id.in_(batch))
            ).all()
            for version in versions:
                text = _squash(f"{version.title}\n{version_text(version)}")
                if version.id in linked or any(form in text for form in forms):
                    chosen.append(version.id)
            session.expunge_all()
        return sorted(chosen)


def _batches(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def reclassify_versions(
    app: App,
    since: dt.datetime | None = None,
    entity_id: str | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ReclassifySummary:
    """Re-run the classifier on stored versions, one transaction per version."""
    ids = candidate_versions(app, since, entity_id)
    changed: list[int] = []
    gained: list[int] = []
    lost: list[int] = []
    for done, version_id in enumerate(ids, 1):
        with app.session() as session:
            outcome = classify_version(session, version_id, app.classifier, force=True)
        if outcome is not None and outcome.changed:
            changed.append(version_id)
            if entity_id and entity_id in outcome.entities_after - outcome.entities_before:
                gained.append(version_id)
            if entity_id and entity_id in outcome.entities_before - outcome.entities_after:
                lost.append(version_id)
        if on_progress is not None:
            on_progress("versions", done, len(ids))
    return {"examined": len(ids), "changed": len(changed), "gained": gained, "lost": lost}
