"""Full-text search of the change log on both databases: Korean and English, short and long
terms, words found only in a version's text, and rows written after the migration."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes.queries import ChangeFilter, list_changes
from zonewatch.changes.search import MAX_TERMS, search_terms
from zonewatch.errors import InputError
from zonewatch.models import ChangeRecord, Document, DocumentVersion

_numbers = itertools.count(1)


def _version(session: Session, document: Document, title: str, text: str) -> DocumentVersion:
    number = next(_numbers)
    row = DocumentVersion(
        document_id=document.id,
        number=number,
        title=title,
        text=text,
        content_hash=f"search-{number}",
        extractor_version="1",
    )
    session.add(row)
    session.flush()
    return row


def _record(session: Session, title: str, summary: str | None = None, **links: int) -> int:
    row = ChangeRecord(
        kind="changed_document",
        dedupe_key=f"search-{next(_numbers)}",
        title=title,
        summary=summary,
        **links,
    )
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def corpus(db_session: Session) -> dict[str, int]:
    """Records written after the migration ran, so the indexes must have followed them."""
    factories.source(db_session, "board-s")
    document = Document(source_id="board-s", external_id="s1", url="https://x.go.kr/s1")
    db_session.add(document)
    db_session.flush()
    old = _version(db_session, document, "공고", "청라 지구 매립 계획의 변경")
    new = _version(db_session, document, "공고", "Songdo waterfront RECLAMATION plan, 송도동 일대")
    return {
        "title": _record(db_session, "송도 국제도시 지정 고시"),
        "summary": _record(db_session, "고시", summary="Incheon Free Economic Zone expansion"),
        "body": _record(
            db_session,
            "본문만",
            new_version_id=new.id,
            old_version_id=old.id,
            document_id=document.id,
        ),
        "other": _record(db_session, "영종 하늘도시"),
    }


def _found(session: Session, text: str) -> set[int]:
    return {change.record.id for change in list_changes(session, ChangeFilter(text=text))}


def test_korean_and_english_terms_in_titles_and_summaries(
    db_session: Session, corpus: dict[str, int]
) -> None:
    assert _found(db_session, "국제도시") == {corpus["title"]}
    assert _found(db_session, "economic zone") == {corpus["summary"]}
    assert _found(db_session, "ECONOMIC") == {corpus["summary"]}, "ASCII case does not matter"


def test_a_term_only_in_the_body_finds_the_record(
    db_session: Session, corpus: dict[str, int]
) -> None:
    assert _found(db_session, "reclamation") == {corpus["body"]}
    assert _found(db_session, "waterfront 송도동") == {corpus["body"]}
    assert _found(db_session, "매립 계획"), "the old version's text counts too"


def test_two_character_korean_words_still_match(
    db_session: Session, corpus: dict[str, int]
) -> None:
    assert _found(db_session, "송도") == {corpus["title"], corpus["body"]}
    assert _found(db_session, "청라") == {corpus["body"]}
    assert _found(db_session, "영종") == {corpus["other"]}


def test_every_term_must_match_and_wildcards_are_text(
    db_session: Session, corpus: dict[str, int]
) -> None:
    assert _found(db_session, "송도 고시") == {corpus["title"]}
    assert _found(db_session, "송도 없는말") == set()
    assert _found(db_session, "%") == set()
    assert _found(db_session, '"송도" OR') == set()


def test_a_term_is_found_as_written_not_as_scattered_trigrams(
    db_session: Session, corpus: dict[str, int]
) -> None:
    """The indexes keep which rows hold a trigram, not where: a row holding every trigram
    of a term apart (경제자유 ... 자유구역) is a candidate that must not match."""
    body = db_session.get(ChangeRecord, corpus["body"])
    assert body is not None
    assert body.document_id is not None
    document = db_session.get(Document, body.document_id)
    assert document is not None
    scattered = _version(db_session, document, "경제자유 권역", "자유구역 지정")
    apart = _record(db_session, "경제자유 특구와 자유구역", new_version_id=scattered.id)
    joined = _record(db_session, "경제자유구역 확대")
    assert _found(db_session, "경제자유구역") == {joined}
    assert _found(db_session, "자유구역") == {apart, joined}
    assert _found(db_session, "PLAN,") == {corpus["body"]}
    assert _found(db_session, "reclamationplan") == set()


def test_an_edit_is_searched_by_its_new_words(db_session: Session, corpus: dict[str, int]) -> None:
    row = db_session.get(ChangeRecord, corpus["other"])
    assert row is not None
    row.title = "검단 신도시"
    db_session.flush()
    assert _found(db_session, "하늘도시") == set()
    assert _found(db_session, "검단 신도시") == {corpus["other"]}


def test_search_combines_with_the_other_filters(
    db_session: Session, corpus: dict[str, int]
) -> None:
    found = list_changes(db_session, ChangeFilter(text="송도", kinds=("correction",)))
    assert found == []


def test_too_many_or_too_long_words_are_refused() -> None:
    with pytest.raises(InputError):
        search_terms(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
    with pytest.raises(InputError):
        search_terms("가" * 101)
    assert search_terms("  송도  송도 IFEZ ") == ("송도", "IFEZ")
