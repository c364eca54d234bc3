"""The pipeline's stages run in this process, in order: for one-off commands and tests.

The same service functions the tasks call, one transaction per step; everything stored and
not yet classified, diffed or matched is taken up, so running it twice does nothing more.
Matching is per document event, as on the workers: one delivery per subscriber and event.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from zonewatch.alerts.events import events_to_match
from zonewatch.alerts.services import match_event
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes, record_withdrawal
from zonewatch.classify.services import classify_version
from zonewatch.models import ChangeRecord, Document, DocumentVersion
from zonewatch.models.enums import DocumentStatus


@dataclass
class InlineReport:
    classified: int = 0
    change_ids: list[int] = field(default_factory=list)
    deliveries: int = 0
    """Immediate deliveries written (digest ones wait for their digest)."""
    events: list[str] = field(default_factory=list)
    """The events matched: one alert each at most, per subscriber and channel."""


def process_pending(app: App) -> InlineReport:
    report = InlineReport()
    with app.session() as session:
        unclassified = list(
            session.scalars(
                select(DocumentVersion.id)
                .where(DocumentVersion.classified_at.is_(None))
                .order_by(DocumentVersion.id)
            )
        )
        recorded = select(ChangeRecord.new_version_id).where(
            ChangeRecord.new_version_id.is_not(None)
        )
        unrecorded = list(
            session.scalars(
                select(DocumentVersion.id)
                .where(DocumentVersion.technical.is_(False))
                .where(DocumentVersion.id.not_in(recorded))
                .order_by(DocumentVersion.id)
            )
        )
        withdrawn = list(
            session.scalars(select(Document.id).where(Document.status == DocumentStatus.WITHDRAWN))
        )
    for version_id in unclassified:
        with app.session() as session:
            classify_version(session, version_id, app.classifier)
        report.classified += 1
    for version_id in sorted(set(unclassified) | set(unrecorded)):
        with app.session() as session:
            report.change_ids += record_version_changes(session, version_id)
    for document_id in withdrawn:
        with app.session() as session:
            report.change_ids += record_withdrawal(session, document_id)
    with app.session() as session:
        report.events = events_to_match(session, list(dict.fromkeys(report.change_ids)))
    for event_key in report.events:
        with app.session() as session:
            report.deliveries += len(match_event(session, event_key))
    return report
