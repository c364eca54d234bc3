"""An ingested item's payload is released; a failed or superseded one keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import DocumentVersion, FetchedPayload
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.enums import ItemOutcome
from zonewatch.timefmt import KST


@pytest.mark.parametrize("outcome", ["fetched", "not_modified", "listed", "gone"])
def test_an_ingested_item_keeps_its_metadata_but_not_its_payload(
    db_session: Session, outcome: str
) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    factories.fetched(db_session, run)
    ingest_fetched_item(db_session, factories.fetched(db_session, run).id)
    row = factories.fetched(db_session, run, outcome=ItemOutcome(outcome))

    result = ingest_fetched_item(db_session, row.id)
    db_session.expire_all()

    stored = db_session.get(FetchedRow, row.id)
    assert stored is not None
    assert stored.payload is None
    assert (stored.status, stored.outcome, stored.result) == ("ingested", outcome, result.result)
    assert stored.ingested_at is not None
    null_payloads = db_session.scalars(
        select(FetchedRow.id).where(FetchedRow.payload.is_(None))
    ).all()
    assert row.id in null_payloads  # SQL NULL, not the JSON text "null"


def test_a_redelivered_ingest_still_names_its_document_and_version(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    first = ingest_fetched_item(db_session, factories.fetched(db_session, run).id)
    listed = factories.fetched(db_session, run, outcome=ItemOutcome.LISTED)
    seen = ingest_fetched_item(db_session, listed.id)

    again = ingest_fetched_item(db_session, first.fetched_item_id)

    assert (again.repeated, again.document_id, again.version_id) == (
        True,
        first.document_id,
        first.version_id,
    )
    assert ingest_fetched_item(db_session, listed.id).result == seen.result


def test_an_item_whose_ingest_fails_keeps_its_payload_for_the_retry(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    row = factories.fetched(db_session, run)
    assert row.payload is not None
    broken = {**row.payload, "published_at": "the second of March"}
    row.payload = broken
    db_session.commit()

    with pytest.raises(ValueError, match="isoformat"):
        ingest_fetched_item(db_session, row.id)
    db_session.rollback()

    stored = db_session.get(FetchedRow, row.id)
    assert stored is not None
    assert (stored.status, stored.payload) == ("pending", broken)
    assert db_session.scalars(select(DocumentVersion)).all() == []
    fixed = {**broken, "published_at": dt.datetime(2026, 3, 2, 10, tzinfo=KST).isoformat()}
    stored.payload = fixed
    assert ingest_fetched_item(db_session, row.id).result == "new"
    assert stored.payload is None


def test_a_released_payload_is_deleted_so_its_pages_can_be_reused(db_session: Session) -> None:
    """Set to NULL in place, payloads left their table's pages mostly empty on SQLite; in
    their own table, released ones are deleted rows whose pages go back to the free list."""
    run = factories.crawl_run(db_session, factories.source(db_session))
    done = factories.fetched(db_session, run)
    waiting = factories.fetched(db_session, run)

    ingest_fetched_item(db_session, done.id)
    db_session.commit()

    held = db_session.scalars(select(FetchedPayload.item_id)).all()
    assert held == [waiting.id]


def test_deleting_an_item_deletes_its_payload(db_session: Session) -> None:
    run = factories.crawl_run(db_session, factories.source(db_session))
    row = factories.fetched(db_session, run)
    db_session.commit()

    db_session.delete(row)
    db_session.commit()

    assert db_session.scalars(select(FetchedPayload)).all() == []
