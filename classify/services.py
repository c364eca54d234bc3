"""The classification stage as the pipeline sees it: one call per version.

The classifier itself (entities, topics, facts) is built in its own issue; until then a version
is marked as passed through this stage with no findings, so that the stages after it run.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from zonewatch.models import DocumentVersion
from zonewatch.models.base import utcnow

CLASSIFIER_VERSION = "0"


def classify_version(session: Session, version_id: int) -> bool:
    """Classify one version; False when it was already done (or is gone)."""
    version = session.get(DocumentVersion, version_id)
    if version is None or version.classified_at is not None:
        return False
    version.classified_at = utcnow()
    version.classifier_version = CLASSIFIER_VERSION
    session.flush()
    return True
