"""Create or upgrade the database and load the configuration files into it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zonewatch.alerts.services import match_event
from zonewatch.app import App
from zonewatch.config.sources import SourceList, load_configured_sources
from zonewatch.config.topics import load_topics
from zonewatch.config.zones import load_zone_model
from zonewatch.models import (
    AlertDelivery,
    ChangeRecord,
    Document,
    DocumentVersion,
    Entity,
    Source,
    migrate,
)
from zonewatch.models.services import (
    SyncReport,
    count_rows,
    sync_sources,
    sync_topics,
    sync_zone_model,
)


@dataclass(frozen=True)
class InitReport:
    migrated_from: str | None
    migrated_to: str | None
    entities: SyncReport
    topics: SyncReport
    sources: SyncReport
    source_list: SourceList


def initialize(
    app: App, zones: Path | None = None, sources: Path | None = None, *, prune: bool = False
) -> InitReport:
    """Idempotent set-up: running it twice changes nothing the second time.

    Every file is validated before anything is written, so a mistake leaves the database as
    it was. Sources are the shipped list (or ``sources``) plus the operator's local file;
    ones no longer listed are retired only with ``prune`` (see ``sync_sources``). Edits of the
    zone model are matched in the same transaction, so their subscribers find one alert each
    in the outbox (the workers send it).
    """
    zone_model = load_zone_model(zones or app.settings.zones_file)
    topic_specs = load_topics()
    source_list = load_configured_sources(
        app.settings, known_entities=set(zone_model.by_id()), shipped=sources
    )
    before = migrate.current_revision(app.engine)
    migrate.upgrade(app.engine)
    with app.session() as session:
        entity_report = sync_zone_model(session, zone_model.entities)
        for event_key in entity_report.events:
            match_event(session, event_key)
        topic_report = sync_topics(session, topic_specs)
        source_report = sync_sources(session, source_list.sources, prune=prune)
    return InitReport(
        migrated_from=before,
        migrated_to=migrate.current_revision(app.engine),
        entities=entity_report,
        topics=topic_report,
        sources=source_report,
        source_list=source_list,
    )


@dataclass(frozen=True)
class Summary:
    sources: int
    documents: int
    versions: int
    changes: int
    alerts: int
    entities: int

    def line(self) -> str:
        return (
            f"summary: sources={self.sources} documents={self.documents} "
            f"versions={self.versions} changes={self.changes} alerts={self.alerts}"
        )


def summarize(app: App) -> Summary:
    with app.session() as session:
        return Summary(
            sources=count_rows(session, Source),
            documents=count_rows(session, Document),
            versions=count_rows(session, DocumentVersion),
            changes=count_rows(session, ChangeRecord),
            alerts=count_rows(session, AlertDelivery),
            entities=count_rows(session, Entity),
        )
