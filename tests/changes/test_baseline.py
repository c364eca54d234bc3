"""The baseline's question about earlier runs, asked once per transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.testkit import factories
from zonewatch.changes.baseline import source_crawled_before
from zonewatch.models.enums import CrawlRunStatus, FetchedItemStatus


def test_whether_a_source_was_crawled_before_is_asked_again_in_a_new_transaction(
    db_session: Session,
) -> None:
    """A batch asks once per run; a later transaction sees an earlier run finalised since."""
    source = factories.source(db_session)
    earlier = factories.crawl_run(db_session, source)
    item = factories.fetched(db_session, earlier)
    later = factories.crawl_run(db_session, source)
    assert not source_crawled_before(db_session, later)

    earlier.status = CrawlRunStatus.OK
    item.status = FetchedItemStatus.INGESTED
    db_session.flush()
    assert not source_crawled_before(db_session, later), "one answer per run in a transaction"

    db_session.commit()
    assert source_crawled_before(db_session, later)
