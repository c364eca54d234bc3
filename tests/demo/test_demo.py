"""`zonewatch demo` end to end, as `make demo` runs it on a fresh machine."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_demo_runs_the_main_job_and_every_number_is_above_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    data_dir = tmp_path / "demo"
    result = subprocess.run(
        [ZONEWATCH, "--data-dir", str(data_dir), "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"summary: sources=(\d+) documents=(\d+) versions=(\d+) changes=(\d+) alerts=(\d+)",
        summary,
    )
    assert match, summary
    assert all(int(number) > 0 for number in match.groups()), summary
    assert "change records:" in result.stdout
    assert "changed_document" in result.stdout
    assert "correction" in result.stdout

    mails = sorted((data_dir / "mail").glob("*.eml"))
    assert mails, "no mail was received by the sink"
    subjects = []
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Message-ID"]
        assert message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        subjects.append(str(message["Subject"]))
    assert any("digest" in s.lower() or "요약" in s for s in subjects), subjects


def test_each_demo_data_directory_gets_its_own_private_random_key(tmp_path: Path) -> None:
    from zonewatch.config.settings import weak_secret_key_reason
    from zonewatch.demo.run import demo_secret_key

    first = demo_secret_key(tmp_path / "one")
    assert weak_secret_key_reason(first) is None
    assert demo_secret_key(tmp_path / "one") == first, "--keep runs reuse the key"
    assert ((tmp_path / "one" / "secret_key").stat().st_mode & 0o777) == 0o600
    assert demo_secret_key(tmp_path / "two") != first

    (tmp_path / "two" / "secret_key").write_text("change-me-in-production\n")
    assert demo_secret_key(tmp_path / "two") != "change-me-in-production"
