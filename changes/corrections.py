"""Correction and clarification notices (정정, 해명, 수정) and the release they correct."""

from __future__ import annotations

import difflib
import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.models import ChangeRecord, Document, DocumentVersion

MARKER = re.compile(
    r"^\s*[\[\(<〈【]?\s*(정정|해명|수정|바로잡습니다|correction|clarification)\b|"
    r"(정정\s*보도|해명\s*자료|보도\s*해명|바로잡습니다)",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[「『“\"‘'<《]([^」』”\"’'>》]{6,})[」』”\"’'>》]")
LOOKBACK = timedelta(days=60)
DOCUMENT_KINDS = (
    "new_document",
    "changed_document",
    "attachment_added",
    "attachment_replaced",
    "attachment_removed",
    "correction",
)
"""Records that stand for the document itself (not one of its numbers or a proposal)."""
CANDIDATES = 300
SIMILARITY_FLOOR = 0.45


def is_correction(title: str) -> bool:
    return bool(MARKER.search(title or ""))


def _squash(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text).lower()


def corrected_document(
    session: Session, document: Document, version: DocumentVersion
) -> Document | None:
    """The release a correction notice is about: the one whose title the notice quotes, or
    else the most similar recent title of the same source."""
    quoted = [_squash(q) for q in QUOTED.findall(version.title)]
    since = document.first_seen_at - LOOKBACK
    rows = session.execute(
        select(Document, DocumentVersion.title)
        .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
        .where(Document.id != document.id, Document.first_seen_at >= since)
        .order_by(Document.first_seen_at.desc())
        .limit(CANDIDATES)
    ).all()
    candidates: list[tuple[Document, str]] = [(d, t) for d, t in rows]
    same_source = [(d, t) for d, t in candidates if d.source_id == document.source_id]
    for candidate, title in [*same_source, *candidates]:
        squashed = _squash(title)
        if any(q and (q in squashed or squashed in q) for q in quoted):
            return candidate
    notice = _squash(MARKER.sub("", version.title))
    best: Document | None = None
    best_ratio = SIMILARITY_FLOOR
    for candidate, title in same_source:
        ratio = difflib.SequenceMatcher(None, notice, _squash(title), autojunk=False).ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


def latest_record_of(session: Session, document_id: int) -> ChangeRecord | None:
    return session.scalars(
        select(ChangeRecord)
        .where(ChangeRecord.document_id == document_id)
        .where(ChangeRecord.kind.in_(DOCUMENT_KINDS))
        .order_by(ChangeRecord.id.desc())
        .limit(1)
    ).first()
