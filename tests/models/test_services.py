from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.config.zones import EntitySpec
from zonewatch.models import ChangeRecord, Entity, EntityAlias, EntityChange
from zonewatch.models.services import classify_edit, count_rows, sync_zone_model


def spec(**fields: object) -> EntitySpec:
    return EntitySpec.model_validate(fields)


KFEZ = spec(id="kfez", kind="zone_system", name={"ko": "경제자유구역", "en": "Korea FEZ"})
GGFEZ = spec(
    id="ggfez",
    kind="fez",
    parent="kfez",
    name={"ko": "경기경제자유구역", "en": "Gyeonggi Free Economic Zone"},
    abbreviations=["GGFEZ"],
    former_names=[{"ko": "황해경제자유구역", "en": "Yellow Sea FEZ", "until": "2020-10-01"}],
)


def test_first_load_is_a_baseline_without_change_records(db_session: Session) -> None:
    report = sync_zone_model(db_session, [GGFEZ, KFEZ])
    assert sorted(report.created) == ["ggfez", "kfez"]
    assert count_rows(db_session, ChangeRecord) == 0
    assert count_rows(db_session, EntityChange) == 2
    ggfez = db_session.get(Entity, "ggfez")
    assert ggfez is not None
    assert ggfez.parent_id == "kfez"
    former = db_session.scalars(
        select(EntityAlias).where(EntityAlias.text == "황해경제자유구역")
    ).one()
    assert former.alias_kind == "former"
    assert former.valid_to == dt.date(2020, 10, 1)


def test_same_model_twice_changes_nothing(db_session: Session) -> None:
    sync_zone_model(db_session, [KFEZ, GGFEZ])
    report = sync_zone_model(db_session, [KFEZ, GGFEZ])
    assert not report.changed
    assert report.unchanged == 2
    assert count_rows(db_session, EntityChange) == 2


def test_edit_is_recorded_with_before_and_after(db_session: Session) -> None:
    sync_zone_model(db_session, [KFEZ, GGFEZ])
    renamed = GGFEZ.model_copy(
        update={"name": GGFEZ.name.model_copy(update={"en": "Gyeonggi FEZ"})}
    )
    report = sync_zone_model(db_session, [KFEZ, renamed])
    assert report.updated == ["ggfez"]
    change = db_session.scalars(select(EntityChange).where(EntityChange.action == "rename")).one()
    assert change.before is not None
    assert change.after is not None
    assert change.before["name"]["en"] == "Gyeonggi Free Economic Zone"
    assert change.after["name"]["en"] == "Gyeonggi FEZ"
    record = db_session.scalars(select(ChangeRecord)).one()
    assert record.kind == "model_change"
    assert record.entity_change_id == change.id
    assert [link.entity_id for link in record.entities] == ["ggfez"]
    assert "Gyeonggi FEZ" in (record.summary or "")


def test_alias_edit_keeps_unchanged_alias_rows(db_session: Session) -> None:
    sync_zone_model(db_session, [KFEZ, GGFEZ])
    before_id = db_session.scalars(select(EntityAlias.id).where(EntityAlias.text == "GGFEZ")).one()
    more = GGFEZ.model_copy(update={"abbreviations": ("GGFEZ", "경기경자청")})
    sync_zone_model(db_session, [KFEZ, more])
    texts = set(
        db_session.scalars(select(EntityAlias.text).where(EntityAlias.entity_id == "ggfez"))
    )
    assert "경기경자청" in texts
    assert (
        db_session.scalars(select(EntityAlias.id).where(EntityAlias.text == "GGFEZ")).one()
        == before_id
    )


def test_removed_entity_is_retired_not_deleted(db_session: Session) -> None:
    sync_zone_model(db_session, [KFEZ, GGFEZ])
    report = sync_zone_model(db_session, [KFEZ])
    assert report.retired == ["ggfez"]
    ggfez = db_session.get(Entity, "ggfez")
    assert ggfez is not None
    assert ggfez.retired
    assert db_session.scalars(select(ChangeRecord.title)).one() == "Zone model: ggfez removed"
    back = sync_zone_model(db_session, [KFEZ, GGFEZ])
    assert back.updated == ["ggfez"]
    assert not ggfez.retired


def test_classify_edit_names_the_change() -> None:
    base = {"name": {"ko": "a", "en": "b"}}
    assert classify_edit(None, base) == "create"
    assert classify_edit(base, None) == "retire"
    assert classify_edit(base, {"name": {"ko": "c", "en": "b"}}) == "rename"
    assert classify_edit(base, {**base, "lifted": "2018-04-06"}) == "lift"
    assert classify_edit(base, {**base, "designated": "2008-05-06"}) == "designate"
    assert classify_edit(base, {**base, "notes": "x"}) == "update"
