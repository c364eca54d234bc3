"""A version with its extracted text and stored raw page, read back from the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes.versions import stored_page, version_view
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.errors import NotFoundError
from zonewatch.models import Document, DocumentVersion, Snapshot

EUC_KR_PAGE = "<p>송도 국제도시</p>".encode("euc-kr")


def version(
    session: Session, data_dir: Path, body: bytes | None, encoding: str | None = "euc-kr"
) -> DocumentVersion:
    factories.source(session, "board-a")
    document = Document(source_id="board-a", external_id="1", url="https://example.go.kr/1")
    session.add(document)
    session.flush()
    snapshot_id = None
    if body is not None:
        digest, relative = store_snapshot(data_dir, body)
        snapshot = Snapshot(
            document_id=document.id,
            url=document.url,
            http_status=200,
            content_type="text/html",
            encoding=encoding,
            sha256=digest,
            size=len(body),
            path=relative,
        )
        session.add(snapshot)
        session.flush()
        snapshot_id = snapshot.id
    row = DocumentVersion(
        document_id=document.id,
        number=1,
        snapshot_id=snapshot_id,
        title="송도",
        text="송도 국제도시",
        content_hash="h",
        extractor_version="1",
    )
    session.add(row)
    session.flush()
    return row


def test_the_stored_page_in_its_declared_encoding(db_session: Session, tmp_path: Path) -> None:
    row = version(db_session, tmp_path, EUC_KR_PAGE)
    shown = version_view(db_session, tmp_path, row.id)
    assert shown.text == "송도 국제도시"
    assert shown.document_url == "https://example.go.kr/1"
    assert shown.page is not None
    assert shown.page.body == EUC_KR_PAGE
    assert shown.page.encoding == "euc_kr"
    assert shown.page.text() == "<p>송도 국제도시</p>"


def test_an_unknown_encoding_decodes_as_utf8_and_says_so(
    db_session: Session, tmp_path: Path
) -> None:
    row = version(db_session, tmp_path, "<p>송도</p>".encode(), encoding="x-unheard-of")
    shown = version_view(db_session, tmp_path, row.id)
    assert shown.page is not None
    assert (shown.page.encoding, shown.page.declared_encoding) == ("utf-8", "x-unheard-of")
    assert shown.page.text() == "<p>송도</p>"


def test_no_stored_page(db_session: Session, tmp_path: Path) -> None:
    row = version(db_session, tmp_path, None)
    assert version_view(db_session, tmp_path, row.id).page is None


def test_a_lost_file_or_a_path_outside_the_store_is_not_found(
    db_session: Session, tmp_path: Path
) -> None:
    row = version(db_session, tmp_path, EUC_KR_PAGE)
    snapshot = db_session.get(Snapshot, row.snapshot_id)
    assert snapshot is not None
    (tmp_path / "secret.gz").write_bytes(b"x")
    snapshot.path = "snapshots/../secret.gz"
    with pytest.raises(NotFoundError, match="missing from the data directory"):
        stored_page(db_session, tmp_path, snapshot.id)
    snapshot.path = "snapshots/00/gone.gz"
    with pytest.raises(NotFoundError, match="missing"):
        version_view(db_session, tmp_path, row.id)
    with pytest.raises(NotFoundError, match="unknown version"):
        version_view(db_session, tmp_path, row.id + 1000)
