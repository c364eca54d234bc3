from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.cli.conftest import Run
from zonewatch.app import configure
from zonewatch.models import CrawlRun, Source
from zonewatch.models.enums import SourceHealth


def test_pause_resume_and_status(zonewatch: Run) -> None:
    zonewatch("init")
    assert zonewatch("sources", "pause", "ifez-press").stdout.strip() == "ifez-press: paused"
    rows = {row["id"]: row for row in json.loads(zonewatch("sources", "status", "--json").stdout)}
    assert rows["ifez-press"]["state"] == "paused"
    assert rows["motir-press"]["state"] == "active"
    assert rows["motir-press"]["last_run"] is None
    zonewatch("sources", "resume", "ifez-press")
    rows = {row["id"]: row for row in json.loads(zonewatch("sources", "status", "--json").stdout)}
    assert rows["ifez-press"]["state"] == "active"
    table = zonewatch("sources", "status").stdout
    assert "ifez-press" in table
    unknown = zonewatch("sources", "pause", "atlantis", check=False)
    assert unknown.returncode == 2
    assert "unknown source 'atlantis'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_status_shows_local_minutes_and_why_a_source_is_not_healthy(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    zonewatch("init")
    finished = dt.datetime(2026, 12, 6, 8, 40, 12, 345678, tzinfo=dt.UTC)  # 17:40 in Seoul
    app = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    try:
        with app.session() as session:
            session.add(
                CrawlRun(
                    source_id="daegu-press",
                    status="ok",
                    started_at=finished - dt.timedelta(seconds=400),
                    finished_at=finished,
                    items_found=6,
                )
            )
            source = session.get(Source, "daegu-press")
            assert source is not None
            source.health, source.health_reason = SourceHealth.SLOW, "took 7 min, 9× its usual 45 s"
            source.next_run_at = finished + dt.timedelta(hours=3)
    finally:
        app.dispose()

    table = zonewatch("sources", "status").stdout
    [row] = [line for line in table.splitlines() if line.startswith("│ daegu-press")]
    assert "2026-12-06 17:40 KST" in row
    assert "2026-12-06 20:40 KST" in row
    assert "08:40" not in table, "no UTC"
    assert "345678" not in table, "no microseconds"
    assert "daegu-press: took 7 min, 9× its usual 45 s" in table
    rows = {row["id"]: row for row in json.loads(zonewatch("sources", "status", "--json").stdout)}
    assert rows["daegu-press"]["last_run"] == "2026-12-06T17:40:12+09:00"
    assert rows["daegu-press"]["next_run"] == "2026-12-06T20:40:12+09:00"
    assert (rows["daegu-press"]["health"], rows["daegu-press"]["reason"]) == (
        "slow",
        "took 7 min, 9× its usual 45 s",
    )
