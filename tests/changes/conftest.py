"""Fixtures of the change-record tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """An initialised app on a fresh SQLite database (the zone model and sources loaded)."""
    built = configure(data_dir=tmp_path / "data")
    initialize(built)
    yield built
    built.dispose()
