"""The README's settings table names every setting there is, and nothing that is not."""

from __future__ import annotations

import re
from pathlib import Path

from zonewatch.config.settings import SETTING_NAMES, variable

ROOT = Path(__file__).resolve().parents[1]


def test_the_settings_table_lists_every_setting_and_only_those() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| variable | default | meaning |", 1)[1].split("\n\n", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    documented = {name for cell in first_cells for name in re.findall(r"ZONEWATCH_\w+", cell)}
    settings = {variable(name) for name in SETTING_NAMES}
    assert sorted(settings - documented) == [], "settings missing from the README table"
    assert sorted(documented - settings) == [], "README rows for settings that do not exist"
