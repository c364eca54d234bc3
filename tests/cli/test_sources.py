from __future__ import annotations

import json

from tests.cli.conftest import Run


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
