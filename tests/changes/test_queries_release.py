"""The change log by release date: order, fallback, filters, baselines and time formats, on
both databases."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.changes.test_queries import entity, model_change, record
from tests.testkit import factories
from zonewatch.changes.queries import (
    BaselineFilter,
    ChangeFilter,
    ChangePosition,
    ReleaseOrigin,
    change_as_json,
    change_details,
    hidden_baselines,
    list_changes,
    timeline,
)
from zonewatch.models import ChangeRecord, Document
from zonewatch.models.changes import follow_document_release

KST = dt.timezone(dt.timedelta(hours=9))
DAY = dt.datetime(2026, 3, 10, 9, tzinfo=KST)


@pytest.fixture
def zones(db_session: Session) -> Session:
    entity(db_session, "kfez", "zone_system")
    entity(db_session, "ifez", "fez", "kfez")
    factories.source(db_session, "board-a")
    return db_session


def document(session: Session, external_id: str, published: dt.datetime | None) -> Document:
    row = Document(
        source_id="board-a",
        external_id=external_id,
        url=f"https://www.ifez.go.kr/main/pst/view.do?pst_id=noti03&pst_sn={external_id}",
        published_at=published,
    )
    session.add(row)
    session.flush()
    return row


def released(
    session: Session,
    title: str,
    *,
    release: dt.datetime | None,
    detected: dt.datetime,
    **fields: Any,
) -> ChangeRecord:
    return record(
        session,
        entities=("ifez",),
        source_id="board-a",
        title=title,
        released_at=release,
        at=detected,
        **fields,
    )


def titles(session: Session, **filters: Any) -> list[str]:
    found = list_changes(session, ChangeFilter(**filters))
    return [change.record.title for change in found]


def test_newest_release_first_then_detection_time(zones: Session) -> None:
    """A release published long ago but detected today sits at its release date; two records
    of one release are ordered by detection time."""
    released(zones, "old release seen today", release=DAY - dt.timedelta(days=30), detected=DAY)
    released(zones, "new release", release=DAY, detected=DAY + dt.timedelta(hours=1))
    released(zones, "its edit", release=DAY, detected=DAY + dt.timedelta(hours=5))
    released(
        zones,
        "middle release seen late",
        release=DAY - dt.timedelta(days=2),
        detected=DAY + dt.timedelta(days=3),
    )
    assert titles(zones) == [
        "its edit",
        "new release",
        "middle release seen late",
        "old release seen today",
    ]
    assert titles(zones, limit=2) == ["its edit", "new release"]


def test_a_record_without_release_date_uses_its_documents_and_says_so(zones: Session) -> None:
    """Records made before release dates were stored fall back, explicitly, to the document's
    date; model changes have none, and sit by detection time without pretending otherwise."""
    old_doc = document(zones, "669391", DAY - dt.timedelta(days=10))
    old = released(
        zones, "made before release dates", release=None, detected=DAY, document_id=old_doc.id
    )
    own = released(zones, "own date", release=DAY - dt.timedelta(days=5), detected=DAY)
    model = released(
        zones,
        "model change",
        release=None,
        detected=DAY - dt.timedelta(days=7),
        kind="model_change",
    )
    found = {change.record.id: change for change in list_changes(zones, ChangeFilter())}
    assert found[old.id].release.at == DAY - dt.timedelta(days=10)
    assert found[old.id].release.origin is ReleaseOrigin.DOCUMENT
    assert found[own.id].release.origin is ReleaseOrigin.RECORD
    assert (found[model.id].release.at, found[model.id].release.origin) == (None, None)
    assert found[model.id].detected_at == DAY - dt.timedelta(days=7)
    assert titles(zones) == ["own date", "model change", "made before release dates"]
    as_json = change_as_json(found[old.id])
    assert as_json["released_at"] == "2026-02-28T09:00:00+09:00"
    assert as_json["release_date_from"] == "document"
    assert as_json["url"] == old_doc.url
    model_json = change_as_json(found[model.id])
    assert (model_json["released_at"], model_json["release_date_from"]) == (None, None)
    assert model_json["detected_at"] == "2026-03-03T09:00:00+09:00"


def test_since_and_until_are_release_days_and_detection_has_its_own(zones: Session) -> None:
    released(
        zones,
        "released 1 March, seen 5 March",
        release=dt.datetime(2026, 3, 1, 23, 30, tzinfo=KST),
        detected=dt.datetime(2026, 3, 5, 10, tzinfo=KST),
    )
    released(
        zones,
        "released 2 March, seen 2 March",
        release=dt.datetime(2026, 3, 2, 0, 30, tzinfo=KST),
        detected=dt.datetime(2026, 3, 2, 1, tzinfo=KST),
    )
    march_2 = dt.date(2026, 3, 2)
    assert titles(zones, since=march_2) == ["released 2 March, seen 2 March"]
    assert titles(zones, until=dt.date(2026, 3, 1)) == ["released 1 March, seen 5 March"]
    assert titles(zones, detected_since=dt.date(2026, 3, 3)) == ["released 1 March, seen 5 March"]
    assert titles(zones, detected_until=march_2) == ["released 2 March, seen 2 March"]
    assert titles(zones, since=march_2, detected_since=march_2) == [
        "released 2 March, seen 2 March"
    ]


def test_the_release_filter_uses_the_documents_date_as_the_list_shows_it(zones: Session) -> None:
    old_doc = document(zones, "1", dt.datetime(2025, 12, 1, 10, tzinfo=KST))
    released(zones, "undated record", release=None, detected=DAY, document_id=old_doc.id)
    assert titles(zones, until=dt.date(2025, 12, 31)) == ["undated record"]
    assert titles(zones, since=dt.date(2026, 1, 1)) == []


def test_baselines_are_shown_hidden_or_alone_and_hidden_ones_counted(zones: Session) -> None:
    released(
        zones, "already there", release=DAY - dt.timedelta(days=40), detected=DAY, baseline=True
    )
    released(zones, "also there", release=DAY - dt.timedelta(days=50), detected=DAY, baseline=True)
    released(zones, "news", release=DAY, detected=DAY)
    assert titles(zones) == ["news", "already there", "also there"]
    hide = ChangeFilter(baseline=BaselineFilter.HIDE)
    assert titles(zones, baseline=BaselineFilter.HIDE) == ["news"]
    assert titles(zones, baseline=BaselineFilter.ONLY) == ["already there", "also there"]
    assert hidden_baselines(zones, hide) == 2
    assert hidden_baselines(zones, ChangeFilter()) == 0
    assert (
        hidden_baselines(zones, ChangeFilter(baseline=BaselineFilter.HIDE, source_id="board-a"))
        == 2
    )
    [baseline] = list_changes(zones, ChangeFilter(baseline=BaselineFilter.ONLY, limit=1))
    assert change_as_json(baseline)["baseline"] is True


ISO_LOCAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00")


def test_json_times_are_local_to_the_second(zones: Session) -> None:
    """No raw UTC, no microseconds, in anything a record turns into."""
    doc = document(zones, "2", DAY)
    change = released(
        zones,
        "reviewed",
        release=DAY.replace(microsecond=123456),
        detected=DAY + dt.timedelta(microseconds=654321),
        document_id=doc.id,
        reviewed_at=DAY,
        review_status="reviewed",
    )
    details = change_details(zones, change.id)
    for key in ("released_at", "detected_at", "created_at", "reviewed_at"):
        assert ISO_LOCAL.fullmatch(details[key]), (key, details[key])
    assert ISO_LOCAL.fullmatch(details["document"]["published_at"])
    assert details["released_at"] == "2026-03-10T09:00:00+09:00"


def test_the_timeline_is_ordered_by_release_date_and_marks_baselines(zones: Session) -> None:
    old = released(
        zones, "old, seen first", release=DAY - dt.timedelta(days=90), detected=DAY, baseline=True
    )
    new = released(
        zones, "new", release=DAY + dt.timedelta(days=1), detected=DAY + dt.timedelta(days=1)
    )
    applied = model_change(zones, "ifez", "update", DAY - dt.timedelta(days=5))
    events = timeline(zones, "ifez")
    assert [event.id for event in events] == [old.id, applied.id, new.id]
    first = events[0].as_json()
    assert first["baseline"] is True
    assert first["released_at"] == "2025-12-10T09:00:00+09:00"
    assert first["detected_at"] == "2026-03-10T09:00:00+09:00"
    model = events[1].as_json()
    assert (model["type"], model["released_at"]) == ("model", None)


def test_a_link_stored_before_canonicalisation_is_shown_canonical(zones: Session) -> None:
    doc = Document(
        source_id="board-a",
        external_id="518",
        url="https://www.fez.go.kr/portal/ko/bbs/news/view.do;jsessionid=0A1B?nttId=518",
    )
    zones.add(doc)
    zones.flush()
    change = released(zones, "old link", release=DAY, detected=DAY, document_id=doc.id)
    clean = "https://www.fez.go.kr/portal/ko/bbs/news/view.do?nttId=518"
    [listed] = list_changes(zones, ChangeFilter())
    assert listed.url == clean
    details = change_details(zones, change.id)
    assert details["url"] == details["document"]["url"] == clean


def test_every_record_is_placed_by_the_logs_rule_when_written(zones: Session) -> None:
    """Whoever writes a record, its stored place is its release date, else its document's,
    else its detection time: the order the log has always shown."""
    dated = document(zones, "7", DAY - dt.timedelta(days=3))
    own = released(zones, "own", release=DAY - dt.timedelta(days=1), detected=DAY)
    via_document = released(zones, "doc", release=None, detected=DAY, document_id=dated.id)
    undated = released(zones, "none", release=None, detected=DAY - dt.timedelta(days=2))
    assert own.placed_at == DAY - dt.timedelta(days=1)
    assert via_document.placed_at == DAY - dt.timedelta(days=3)
    assert undated.placed_at == DAY - dt.timedelta(days=2)


def test_records_follow_a_document_date_learnt_later(zones: Session) -> None:
    """A re-fetch that finds the page's date moves the records that had none of their own,
    and leaves a record with its own date where it is."""
    undated_doc = document(zones, "8", None)
    follows = released(zones, "follows", release=None, detected=DAY, document_id=undated_doc.id)
    stays = released(
        zones, "stays", release=DAY - dt.timedelta(days=9), detected=DAY, document_id=undated_doc.id
    )
    released(zones, "between", release=DAY - dt.timedelta(days=5), detected=DAY)
    assert titles(zones) == ["follows", "between", "stays"]
    undated_doc.published_at = DAY - dt.timedelta(days=20)
    follow_document_release(zones, undated_doc)
    zones.refresh(follows)
    assert follows.placed_at == DAY - dt.timedelta(days=20)
    assert titles(zones) == ["between", "stays", "follows"]
    assert [change.release.at for change in list_changes(zones, ChangeFilter())][-1] == (
        DAY - dt.timedelta(days=20)
    )
    zones.refresh(stays)
    assert stays.placed_at == DAY - dt.timedelta(days=9)


def test_pages_after_and_before_a_position_while_records_arrive(zones: Session) -> None:
    """Pages that start at a position neither repeat nor skip a record added meanwhile,
    newer pages (``before``) included, and ties on both times are broken by id."""
    for n in range(7):
        released(zones, f"r{n}", release=DAY - dt.timedelta(hours=n // 2), detected=DAY)
    first = list_changes(zones, ChangeFilter(limit=3))
    released(zones, "newest", release=DAY + dt.timedelta(days=1), detected=DAY)
    released(zones, "amid", release=DAY - dt.timedelta(hours=2), detected=DAY)
    second = list_changes(zones, ChangeFilter(limit=3, after=ChangePosition.of(first[-1])))
    third = list_changes(zones, ChangeFilter(limit=3, after=ChangePosition.of(second[-1])))
    shown = [change.record.title for change in first + second + third]
    assert shown == ["r1", "r0", "r3", "r2", "amid", "r5", "r4", "r6"]
    back = list_changes(zones, ChangeFilter(limit=3, before=ChangePosition.of(second[0])))
    assert [change.record.title for change in back] == ["r1", "r0", "r3"]
    top = list_changes(zones, ChangeFilter(limit=3, before=ChangePosition.of(back[0])))
    assert [change.record.title for change in top] == ["newest"]


def test_a_position_survives_its_token() -> None:
    position = ChangePosition(DAY, DAY + dt.timedelta(hours=1), 42)
    assert ChangePosition.from_token(position.token()) == position
    for bad in ("", "x", position.token()[:-2]):
        with pytest.raises(ValueError, match="not a position"):
            ChangePosition.from_token(bad)
