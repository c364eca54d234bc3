"""A stored release for console tests: a source, a document, two versions with raw pages in
the data directory, and the change record between them, as ingest leaves them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.diffing import diff_text
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.models import ChangeRecord, Document, DocumentVersion, Snapshot, Source

FETCHED = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 KST


@dataclass(frozen=True)
class StoredRelease:
    change_id: int
    old_version_id: int
    new_version_id: int
    document_id: int


def _version(
    app: App, document: Document, number: int, text: str, html: bytes | None
) -> DocumentVersion:
    with app.session() as session:
        snapshot_id = None
        if html is not None:
            digest, relative = store_snapshot(app.settings.data_dir, html)
            snapshot = Snapshot(
                document_id=document.id,
                url=document.url,
                http_status=200,
                content_type="text/html; charset=utf-8",
                encoding="utf-8",
                sha256=digest,
                size=len(html),
                path=relative,
                fetched_at=FETCHED,
            )
            session.add(snapshot)
            session.flush()
            snapshot_id = snapshot.id
        version = DocumentVersion(
            document_id=document.id,
            number=number,
            snapshot_id=snapshot_id,
            title="송도 바이오 클러스터 계획",
            text=text,
            content_hash=f"hash-{number}-{document.id}",
            extractor_version="1",
        )
        session.add(version)
        session.flush()
        session.expunge(version)
        return version


def stored_release(
    app: App,
    old_text: str = "입주기업 목표는 250개사 입니다.",
    new_text: str = "입주기업 목표는 300개사 입니다.",
    html: bytes | None = b"<html><body><p>raw page</p></body></html>",
    source_id: str = "board-a",
    **record_fields: object,
) -> StoredRelease:
    with app.session() as session:
        if session.get(Source, source_id) is None:
            factories.source(session, source_id)
        document = Document(
            source_id=source_id,
            external_id=f"ext-{record_fields.get('dedupe_key', 'release')}",
            url=f"https://www.example.go.kr/view/{record_fields.get('dedupe_key', 'release')}",
        )
        session.add(document)
        session.flush()
        session.expunge(document)
    old = _version(app, document, 1, old_text, html)
    new = _version(app, document, 2, new_text, html)
    with app.session() as session:
        record = ChangeRecord(
            kind=str(record_fields.pop("kind", "changed_document")),
            dedupe_key=str(record_fields.pop("dedupe_key", "release")),
            title=str(record_fields.pop("title", "송도 바이오 클러스터 계획 변경")),
            document_id=document.id,
            source_id=source_id,
            old_version_id=old.id,
            new_version_id=new.id,
            diff={"body": diff_text(old_text, new_text).to_json()},
            **record_fields,
        )
        session.add(record)
        session.flush()
        return StoredRelease(record.id, old.id, new.id, document.id)
