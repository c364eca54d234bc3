"""A process started with die_with_parent does not outlive its parent, even by kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testkit.workers import wait_until

STARTER = """
import os, subprocess, sys
from zonewatch.crawlers.lifeline import die_with_parent
child = subprocess.Popen(
    ["sleep", "300"], start_new_session=True, preexec_fn=die_with_parent(os.getpid())
)
print(child.pid, flush=True)
child.wait()
"""


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped by whoever adopted it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_when_its_parent_is_killed_9() -> None:
    starter = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, text=True)
    assert starter.stdout is not None
    child = int(starter.stdout.readline())
    assert alive(child)
    assert os.getpgid(child) == child  # a group of its own, for the parent to kill

    starter.send_signal(signal.SIGKILL)
    starter.wait()

    wait_until(lambda: not alive(child), 10, lambda: f"{child} alive", "the child died")
