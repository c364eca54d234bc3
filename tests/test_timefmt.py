import datetime as dt

from zonewatch.timefmt import iso_local, local_minutes


def test_naive_database_times_are_utc_and_shown_in_kst_to_the_minute() -> None:
    moment = dt.datetime(2026, 12, 6, 8, 40, 59, 123456)
    assert local_minutes(moment) == "2026-12-06 17:40 KST"
    assert local_minutes(moment, zone_name=False) == "2026-12-06 17:40"
    assert iso_local(moment) == "2026-12-06T17:40:59+09:00"


def test_aware_times_keep_their_instant() -> None:
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert local_minutes(moment) == "2027-01-01 08:30 KST"


def test_no_moment_shows_nothing() -> None:
    assert local_minutes(None) == ""
    assert iso_local(None) is None
