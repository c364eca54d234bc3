"""Fixtures of the alert tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alerts.events import Pipeline, pipeline_at


@pytest.fixture
def pipeline(initialized_data_dir: Path) -> Iterator[Pipeline]:
    """A zonewatch on a fresh SQLite database whose releases go through the real pipeline."""
    yield from pipeline_at(initialized_data_dir.parent)
