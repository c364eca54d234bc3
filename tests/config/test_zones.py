from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from zonewatch.config.zones import EntityKind, load_zone_model
from zonewatch.errors import ConfigError

VALID = """\
version: 1
entities:
  - id: kfez
    kind: zone_system
    name: {ko: 경제자유구역, en: Korea Free Economic Zones}
  - id: ggfez-poseung
    kind: fez_district
    parent: ggfez
    name: {ko: 평택 포승지구, en: Pyeongtaek Poseung district}
  - id: ggfez
    kind: fez
    parent: kfez
    name: {ko: 경기경제자유구역, en: Gyeonggi Free Economic Zone}
    former_names:
      - {ko: 황해경제자유구역, en: Yellow Sea Free Economic Zone, until: 2020-10-01}
    designated: 2008-05-06
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zones.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_model_loads_with_forward_parent(tmp_path: Path) -> None:
    model = load_zone_model(write(tmp_path, VALID))
    entities = model.by_id()
    assert entities["ggfez-poseung"].parent == "ggfez"
    assert entities["ggfez"].former_names[0].until == dt.date(2020, 10, 1)
    assert entities["kfez"].kind is EntityKind.ZONE_SYSTEM


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("parent: kfez\n    name: {ko: 경기", "parent: nowhere\n    name: {ko: 경기"),
            r"entry 3 \(id 'ggfez'\): field 'parent': unknown entity 'nowhere'",
        ),
        (("id: ggfez-poseung", "id: kfez"), r"entry 2 \(id 'kfez'\): field 'id': duplicate id"),
        (
            ("designated: 2008-05-06", "designated: 2008-13-40"),
            r"entry 3 \(id 'ggfez'\): field 'designated'",
        ),
        (
            ("designated: 2008-05-06", "designated: 2008-05-06\n    colour: blue"),
            r"entry 3 \(id 'ggfez'\): field 'colour': unknown field",
        ),
        (("kind: fez\n", "kind: galaxy\n"), r"entry 3 \(id 'ggfez'\): field 'kind'"),
        (
            ("until: 2020-10-01", "until: 2020-10-01, from: 2021-01-01"),
            r"entry 3 \(id 'ggfez'\): field 'former_names.0'",
        ),
        (("- id: kfez", "- id: kfez\n  - [broken"), r"zones.yaml: line \d+"),
    ],
)
def test_mistakes_name_file_entry_and_field(
    tmp_path: Path, edit: tuple[str, str], expected: str
) -> None:
    text = VALID.replace(*edit)
    assert text != VALID
    with pytest.raises(ConfigError, match=expected) as raised:
        load_zone_model(write(tmp_path, text))
    message = str(raised.value)
    assert "zones.yaml" in message
    assert "\n" not in message


def test_parent_cycle_is_rejected(tmp_path: Path) -> None:
    text = VALID.replace("kind: zone_system\n", "kind: zone_system\n    parent: ggfez\n")
    with pytest.raises(ConfigError, match="cycle"):
        load_zone_model(write(tmp_path, text))


def test_packaged_model_loads() -> None:
    model = load_zone_model()
    assert len(model.entities) > 250
    assert {"kfez", "ifez", "motie", "odz", "iccp"} <= set(model.by_id())


def _tsv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize("filename", ["entities.tsv", "entities-more.tsv"])
def test_packaged_model_uses_the_reference_ids(shared_dir: Path, filename: str) -> None:
    entities = load_zone_model().by_id()
    for row in _tsv_rows(shared_dir / "reference" / filename):
        assert row["id"] in entities, row["id"]
        entity = entities[row["id"]]
        assert entity.kind.value == row["kind"], row["id"]
        assert (entity.parent or "") == row["parent"], row["id"]


def test_packaged_model_carries_the_renames() -> None:
    entities = load_zone_model().by_id()

    def former(entity_id: str) -> dict[str, dt.date]:
        return {
            name: former.until
            for former in entities[entity_id].former_names
            for name in (former.ko, former.en)
            if name
        }

    assert entities["motie"].name.ko == "산업통상부"
    assert former("motie")["산업통상자원부"] == dt.date(2025, 10, 1)
    assert "지식경제부" in former("motie")
    assert former("ggfez")["황해경제자유구역"] == dt.date(2020, 10, 1)
    assert former("efez")["동해안권경제자유구역"] == dt.date(2024, 1, 1)
    assert entities["efez"].name.ko == "강원경제자유구역"


def test_packaged_model_has_no_alias_meaning_two_entities() -> None:
    owners: dict[str, str] = {}
    for entity in load_zone_model().entities:
        names = {entity.name.ko, entity.name.en, *entity.abbreviations, *entity.aliases}
        for name in names:
            key = re.sub(r"\s+", "", name).lower()
            assert owners.setdefault(key, entity.id) == entity.id, (name, owners[key], entity.id)
