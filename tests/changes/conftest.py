"""Fixtures of the change-record tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize


@pytest.fixture
def app(initialized_data_dir: Path) -> Iterator[App]:
    """An initialised app on a fresh SQLite database (the zone model and sources loaded)."""
    built = configure(data_dir=initialized_data_dir)
    initialize(built)
    yield built
    built.dispose()
