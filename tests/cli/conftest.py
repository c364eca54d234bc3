from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def zonewatch(tmp_path: Path, fresh_database_url: str) -> Run:
    """Run the installed console script against a fresh database, as a user would.

    No ZONEWATCH_SECRET_KEY: commands that need one must be given it with ``env=``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    base.update(
        ZONEWATCH_DATA_DIR=str(tmp_path / "data"),
        ZONEWATCH_DATABASE_URL=fresh_database_url,
        COLUMNS="200",
        # Webhook channels in these tests name localhost, which the URL policy refuses
        # unless the operator allows it.
        ZONEWATCH_ALLOWED_PRIVATE_HOSTS="localhost",
    )

    def run(
        *args: str, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [ZONEWATCH, *args],
            capture_output=True,
            text=True,
            env=base | (env or {}),
            cwd=tmp_path,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"zonewatch {' '.join(args)} failed:\n{result.stderr}")
        return result

    return run
