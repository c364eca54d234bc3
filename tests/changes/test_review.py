"""Review actions on one change or a batch (the service behind the CLI and the console)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes.diffing import diff_text
from zonewatch.changes.review import (
    MAX_BULK,
    ReviewAction,
    annotate_change,
    clean_note,
    parse_ids,
    review_many,
)
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import ChangeRecord, NoiseRule


def records(session: Session, count: int, **fields: object) -> list[ChangeRecord]:
    rows = [
        ChangeRecord(
            kind=str(fields.get("kind", "new_document")),
            dedupe_key=f"review-{fields.get('key', 'k')}-{n}",
            title=f"발표 {n}",
            source_id=fields.get("source_id"),
            diff=fields.get("diff", {}),
        )
        for n in range(count)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def test_a_batch_gets_one_verdict_and_who_gave_it(db_session: Session) -> None:
    first, second = records(db_session, 2)
    outcome = review_many(
        db_session, [first.id, second.id], ReviewAction.IMPORTANT, " 확인 ", "kim"
    )
    assert [record.id for record in outcome.records] == [first.id, second.id]
    for record in (first, second):
        assert (record.review_status, record.review_note, record.reviewed_by) == (
            "important",
            "확인",
            "kim",
        )
        assert record.reviewed_at is not None
    assert outcome.rules == ()


def test_a_verdict_without_a_note_keeps_the_earlier_note(db_session: Session) -> None:
    (record,) = records(db_session, 1)
    review_many(db_session, [record.id], ReviewAction.REVIEWED, "first look", "kim")
    review_many(db_session, [record.id], ReviewAction.IMPORTANT, None, "lee")
    assert (record.review_status, record.review_note, record.reviewed_by) == (
        "important",
        "first look",
        "lee",
    )


def test_a_note_keeps_the_verdict_and_an_empty_one_clears_a_single_note(
    db_session: Session,
) -> None:
    (record,) = records(db_session, 1)
    review_many(db_session, [record.id], ReviewAction.NOISE, None, "kim")
    annotate_change(db_session, record.id, "보도자료 재게시", "lee")
    assert (record.review_status, record.review_note, record.reviewed_by) == (
        "noise",
        "보도자료 재게시",
        "lee",
    )
    review_many(db_session, [record.id], ReviewAction.NOTE, "  ", "lee")
    assert record.review_note is None
    assert record.review_status == "noise"


def test_an_empty_note_on_a_batch_is_refused(db_session: Session) -> None:
    rows = records(db_session, 2)
    annotate_change(db_session, rows[0].id, "keep me", "kim")
    with pytest.raises(InputError, match="empty one would erase"):
        review_many(db_session, [row.id for row in rows], ReviewAction.NOTE, "", "kim")
    assert rows[0].review_note == "keep me"


def test_noise_in_bulk_teaches_each_source(db_session: Session) -> None:
    factories.source(db_session, "board-a")
    diff = {"body": diff_text("조회수 : 120 입니다.", "조회수 : 98765 입니다.").to_json()}
    rows = records(db_session, 2, kind="changed_document", source_id="board-a", diff=diff)
    outcome = review_many(db_session, [row.id for row in rows], ReviewAction.NOISE, None, "kim")
    assert [(rule.fragment, rule.change_id) for rule in outcome.rules] == [
        ("<count> after 조회수", rows[0].id)
    ], "the second record's rule is already known"
    review_many(db_session, [rows[0].id], ReviewAction.REVIEWED, None, "kim")
    assert db_session.scalars(select(NoiseRule).where(NoiseRule.source_id == "board-a")).all() == []


def test_unknown_ids_refuse_the_whole_batch(db_session: Session) -> None:
    (record,) = records(db_session, 1)
    with pytest.raises(InputError, match=f"unknown change {record.id + 1000}, {record.id + 1001}"):
        review_many(
            db_session,
            [record.id, record.id + 1000, record.id + 1001],
            ReviewAction.REVIEWED,
            None,
            "kim",
        )
    assert record.review_status == "new"
    with pytest.raises(InputError, match="at least one"):
        review_many(db_session, [], ReviewAction.REVIEWED, None, "kim")
    with pytest.raises(InputError, match=f"at most {MAX_BULK}"):
        review_many(db_session, list(range(1, MAX_BULK + 2)), ReviewAction.REVIEWED, None, "kim")
    with pytest.raises(NotFoundError):
        annotate_change(db_session, record.id + 1000, "x", "kim")


@pytest.mark.parametrize(
    ("values", "expected"), [(["3", " 1", "3"], [3, 1]), ([], []), (["9" * 18], [int("9" * 18)])]
)
def test_parse_ids(values: list[str], expected: list[int]) -> None:
    assert parse_ids(values) == expected


@pytest.mark.parametrize("value", ["", "x", "-1", "0", "1.5", "٣", str(2**63)])
def test_parse_ids_names_what_is_not_an_id(value: str) -> None:
    with pytest.raises(InputError, match="not a change id"):
        parse_ids(["1", value])


def test_notes_and_actions() -> None:
    assert clean_note(None) is None
    assert clean_note(" \n ") is None
    assert clean_note("가" * 2000) == "가" * 2000
    with pytest.raises(InputError, match="2001 characters"):
        clean_note("가" * 2001)
    assert ReviewAction.parse("note") is ReviewAction.NOTE
    with pytest.raises(InputError, match="unknown review action 'new'"):
        ReviewAction.parse("new")
