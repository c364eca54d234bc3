from __future__ import annotations

import datetime as dt

from zonewatch.crawlers.recheck import KnownAttachment, KnownItem, attachments_due, fetch_reason

NOW = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)


def known(published_days_ago: float, checked_hours_ago: float, fp: str = "fp") -> KnownItem:
    return KnownItem(
        external_id="1",
        list_fingerprint=fp,
        etag='"abc"',
        last_modified=None,
        published_at=NOW - dt.timedelta(days=published_days_ago),
        first_seen_at=NOW - dt.timedelta(days=published_days_ago),
        last_checked_at=NOW - dt.timedelta(hours=checked_hours_ago),
        status="active",
    )


def test_new_and_changed_rows_are_fetched() -> None:
    assert fetch_reason(None, "fp", NOW) == "new"
    assert fetch_reason(known(100, 1), "other", NOW) == "list changed"


def test_fresh_items_are_rechecked_every_time_older_ones_less() -> None:
    assert fetch_reason(known(1, 0.01), "fp", NOW) == "recheck"
    assert fetch_reason(known(10, 1), "fp", NOW) is None
    assert fetch_reason(known(10, 7), "fp", NOW) == "recheck"
    assert fetch_reason(known(30, 23), "fp", NOW) is None
    assert fetch_reason(known(30, 25), "fp", NOW) == "recheck"
    assert fetch_reason(known(365, 1000), "fp", NOW) is None


def test_withdrawn_item_that_reappears_is_fetched() -> None:
    item = known(365, 1)
    gone = KnownItem(**{**item.__dict__, "status": "withdrawn"})
    assert fetch_reason(gone, "fp", NOW) == "reappeared"


def test_fresh_items_missing_from_the_list_are_asked_for_again() -> None:
    from zonewatch.crawlers.spiders.board import vanished_items

    now = dt.datetime(2026, 8, 12, 9, tzinfo=dt.UTC)

    def known(external_id: str, age_days: int, status: str = "active") -> KnownItem:
        published = now - dt.timedelta(days=age_days)
        return KnownItem(
            external_id=external_id,
            list_fingerprint="fp",
            etag=None,
            last_modified=None,
            published_at=published,
            first_seen_at=published,
            last_checked_at=None,
            status=status,
            url=f"https://www.example.go.kr/view/{external_id}",
        )

    items = {
        "listed": known("listed", 1),
        "vanished": known("vanished", 1),
        "old": known("old", 400),
        "withdrawn": known("withdrawn", 1, "withdrawn"),
    }
    found = vanished_items(items, seen={"listed"}, now=now)
    assert [item.external_id for item in found] == ["vanished"]


def with_files(published_days_ago: float, files_checked_hours_ago: float | None) -> KnownItem:
    item = known(published_days_ago, 0.01)
    checked = (
        None
        if files_checked_hours_ago is None
        else NOW - dt.timedelta(hours=files_checked_hours_ago)
    )
    files = (KnownAttachment(name="a.pdf", url="https://x.go.kr/f/1", identity="i", etag='"e"'),)
    return KnownItem(**{**item.__dict__, "attachments": files, "attachments_checked_at": checked})


def test_files_of_fresh_items_are_revalidated_every_crawl_then_daily_then_never() -> None:
    assert attachments_due(with_files(1, 0.01), NOW)
    assert not attachments_due(with_files(10, 7), NOW)  # the page is due (6 h), files are not
    assert attachments_due(with_files(10, 25), NOW)
    assert not attachments_due(with_files(90, 1000), NOW)
    assert attachments_due(with_files(20, None), NOW)  # never checked: since first seen


def test_no_files_or_an_inactive_item_means_nothing_to_revalidate() -> None:
    assert not attachments_due(known(1, 0.01), NOW)
    assert not attachments_due(None, NOW)
    gone = KnownItem(**{**with_files(1, 30).__dict__, "status": "withdrawn"})
    assert not attachments_due(gone, NOW)
