from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlalchemy import text

from tests.cli.conftest import Run
from zonewatch.config.zones import default_zones_path
from zonewatch.models.db import make_engine

TABLES = ("entities", "entity_aliases", "entity_changes", "change_records", "topics", "sources")


def snapshot(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: sorted(
                    (
                        tuple(str(value) for value in row)
                        for row in connection.execute(text(f"SELECT * FROM {table}"))
                    ),
                )
                for table in TABLES
            }
    finally:
        engine.dispose()


def test_init_twice_leaves_the_database_unchanged(zonewatch: Run, fresh_database_url: str) -> None:
    first = zonewatch("init")
    assert "entities:" in first.stdout
    before = snapshot(fresh_database_url)
    assert len(before["entities"]) > 250
    second = zonewatch("init")
    assert "0 added, 0 updated" in second.stdout
    assert snapshot(fresh_database_url) == before


def test_init_applies_an_edit_as_a_recorded_model_change(zonewatch: Run, tmp_path: Path) -> None:
    zonewatch("init")
    data = yaml.safe_load(default_zones_path().read_text(encoding="utf-8"))
    ifez = next(entry for entry in data["entities"] if entry["id"] == "ifez")
    ifez["notes"] = "edited by a test"
    edited = tmp_path / "zones.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = zonewatch("init", "--zones", str(edited))
    assert "updated: ifez" in result.stdout
    details = json.loads(zonewatch("entities", "show", "ifez", "--json").stdout)
    actions = [change["action"] for change in details["history"]]
    assert actions == ["create", "update"]
    assert details["history"][1]["after"]["notes"] == "edited by a test"
    assert details["history"][1]["before"].get("notes") != "edited by a test"


def test_broken_zones_file_gives_one_line_naming_the_entry(zonewatch: Run, tmp_path: Path) -> None:
    broken = tmp_path / "zones.yaml"
    broken.write_text(
        default_zones_path()
        .read_text(encoding="utf-8")
        .replace("  - id: ifez-songdo\n", "  - id: ifez-songdo\n    mood: sunny\n", 1),
        encoding="utf-8",
    )
    result = zonewatch("init", "--zones", str(broken), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "id 'ifez-songdo'" in lines[0]
    assert "'mood': unknown field" in lines[0]
    assert "Traceback" not in result.stderr


def test_an_analysts_decision_survives_init(
    zonewatch: Run, fresh_database_url: str, tmp_path: Path
) -> None:
    """Re-loading zones.yaml keeps accepted proposals applied, with their notes."""
    from tests.testkit import factories
    from zonewatch.app import configure
    from zonewatch.changes.services import record_version_changes
    from zonewatch.classify.services import classify_version
    from zonewatch.ingest.services import ingest_fetched_item
    from zonewatch.models import Source

    zonewatch("init")
    app = configure(database_url=fresh_database_url, data_dir=tmp_path / "data")
    try:
        with app.session() as session:
            source = session.get(Source, "korea-kr-press")
            assert source is not None
            row = factories.fetched(
                session,
                factories.crawl_run(session, source),
                title="부산 기회발전특구 지정 해제",
                text="지방시대위원회는 부산 기회발전특구의 지정을 해제한다고 밝혔다.",
            )
            version_id = ingest_fetched_item(session, row.id).version_id
            assert version_id is not None
            classify_version(session, version_id, app.classifier)
            record_version_changes(session, version_id)
    finally:
        app.dispose()
    proposals = json.loads(zonewatch("model", "proposals", "--json").stdout)
    (lift,) = [p for p in proposals if p["entity"] == "odz-busan"]
    zonewatch("model", "accept", str(lift["id"]), "--by", "analyst-1", "--note", "gazette")
    shown = json.loads(zonewatch("entities", "show", "odz-busan", "--json").stdout)
    zonewatch("init")
    assert json.loads(zonewatch("entities", "show", "odz-busan", "--json").stdout) == shown
    accepted = json.loads(zonewatch("model", "proposals", "--status", "accepted", "--json").stdout)
    assert [(p["id"], p["note"], p["decided_by"]) for p in accepted] == [
        (lift["id"], "gazette", "analyst-1")
    ]
