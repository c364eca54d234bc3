"""Attachments are identified by their extracted text, the same way ingest fingerprints them."""

from __future__ import annotations

from typing import Any

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Source

PLAN = "후보 특구별 계획 요약\n\n목표 입주기업 250개사."


def attachment(sha256: str, text: str | None) -> dict[str, Any]:
    return {
        "name": "계획 요약.pdf",
        "url": "https://www.example.go.kr/file/1",
        "sha256": sha256,
        "text": text,
    }


def kinds(app: App, text: str, *attachments: dict[str, Any]) -> list[str]:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(session, run, "78", text=text, attachments=list(attachments))
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        return sorted(r.kind for r in session.query(ChangeRecord) if r.id in ids)


def test_a_resaved_attachment_with_the_same_text_is_not_replaced(app: App) -> None:
    kinds(app, "인천경제청은 계획을 발표했다.", attachment("a" * 64, PLAN))
    # The body changes (so there is a version) and the file is re-saved: new bytes, same text.
    resaved = attachment("b" * 64, PLAN.replace("\n\n", "\n\n\n"))
    assert "attachment_replaced" not in kinds(app, "인천경제청은 계획을 새로 발표했다.", resaved)


def test_an_attachment_whose_text_changed_is_replaced(app: App) -> None:
    kinds(app, "인천경제청은 계획을 발표했다.", attachment("a" * 64, PLAN))
    edited = attachment("b" * 64, PLAN.replace("250", "300"))
    assert "attachment_replaced" in kinds(app, "인천경제청은 계획을 발표했다.", edited)


def test_an_attachment_without_text_is_identified_by_its_file(app: App) -> None:
    kinds(app, "인천경제청은 계획을 발표했다.", attachment("a" * 64, None))
    assert "attachment_replaced" in kinds(
        app, "인천경제청은 계획을 발표했다.", attachment("b" * 64, None)
    )
