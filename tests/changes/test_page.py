"""What a change page shows on top of ``changes show``: diff sections, figures, related."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from zonewatch.changes.diffing import Mark, diff_text
from zonewatch.changes.page import (
    AttachmentChange,
    DiffLayout,
    FactSource,
    FileChange,
    attachment_changes,
    change_page,
)
from zonewatch.changes.related import Relation
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeRecord

FACT = {
    "metric": "companies",
    "entity": "ifez-songdo",
    "unit": "개사",
    "old": 250,
    "new": 300.5,
    "old_raw": "250개사",
    "new_raw": "",
    "old_source": {"version_id": 4, "version": 1, "document_id": 2, "source": "board-a"},
    "new_source": "not a citation",
}


def test_sections_facts_and_related(db_session: Session) -> None:
    diff = {
        "title": diff_text("송도 계획", "송도 수정 계획").to_json(),
        "body": diff_text("250개사", "300개사").to_json(),
        "facts": [FACT, "junk"],
    }
    record = ChangeRecord(kind="changed_document", dedupe_key="page-1", title="t", diff=diff)
    db_session.add(record)
    db_session.flush()
    fix = ChangeRecord(
        kind="correction", dedupe_key="page-2", title="fix", related_change_id=record.id
    )
    db_session.add(fix)
    db_session.flush()
    page = change_page(db_session, record.id)
    assert page.details["id"] == record.id
    assert [section.part for section in page.diffs] == ["title", "body"]
    body = page.diffs[1]
    assert any(piece.mark is Mark.INSERTED and "300" in piece.text for piece in body.inline)
    assert (body.words_inserted, body.words_deleted) == (1, 1)
    (fact,) = page.facts
    assert (fact.metric, fact.entity, fact.before, fact.after) == (
        "companies",
        "ifez-songdo",
        "250개사",
        "300.5 개사",
    )
    assert fact.before_source == FactSource(4, 1, 2, "board-a", None, None)
    assert fact.after_source is None
    assert [(item.relation, item.id) for item in page.related] == [(Relation.CORRECTED_BY, fix.id)]


def test_a_change_without_a_text_diff(db_session: Session) -> None:
    record = ChangeRecord(kind="model_change", dedupe_key="page-3", title="model")
    db_session.add(record)
    db_session.flush()
    page = change_page(db_session, record.id)
    assert (page.diffs, page.facts, page.related) == ((), (), ())
    with pytest.raises(NotFoundError):
        change_page(db_session, record.id + 1000)


def test_diff_layouts() -> None:
    assert DiffLayout.parse(None) is DiffLayout.INLINE
    assert DiffLayout.parse("side") is DiffLayout.SIDE_BY_SIDE
    with pytest.raises(InputError, match="'wide' is not inline or side"):
        DiffLayout.parse("wide")


def test_attachment_changes_in_both_shapes() -> None:
    listed = {
        "added": [{"name": "계획.hwp", "url": "https://x.go.kr/a.hwp"}],
        "removed": ["old.pdf"],
        "replaced": [{"old": {"name": "표.xlsx"}, "new": {"name": "표(수정).xlsx"}}],
    }
    assert [(item.change, item.label) for item in attachment_changes(listed)] == [
        (FileChange.ADDED, "계획.hwp <https://x.go.kr/a.hwp>"),
        (FileChange.REMOVED, "old.pdf"),
        (FileChange.REPLACED, "표.xlsx → 표(수정).xlsx"),
    ]
    one = {"old": {"name": "a.pdf"}, "new": {"name": "a.pdf"}}
    assert attachment_changes(one) == (AttachmentChange(FileChange.REPLACED, "a.pdf"),)
    assert attachment_changes({"new": {"url": "https://x.go.kr/b"}}) == (
        AttachmentChange(FileChange.ADDED, "https://x.go.kr/b"),
    )
    assert attachment_changes({"old": "gone.pdf"})[0].change is FileChange.REMOVED
    assert attachment_changes(None) == ()
    assert attachment_changes({}) == ()
