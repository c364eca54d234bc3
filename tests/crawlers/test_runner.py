"""How a crawl process ended is told as it was: killed from outside is not a timeout."""

from __future__ import annotations

import pytest

from zonewatch.crawlers.runner import ChildEnd


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (ChildEnd.from_returncode(-9), "crawl process killed (signal 9, SIGKILL)"),
        (ChildEnd.from_returncode(-15), "crawl process killed (signal 15, SIGTERM)"),
        (ChildEnd.from_returncode(1), "crawl process exited 1"),
        (ChildEnd(timed_out_after=1860), "crawl process timed out after 1860s and was killed"),
        (
            ChildEnd(stopped_because="it got SIGTERM"),
            "crawl process killed because zonewatch was stopped: it got SIGTERM",
        ),
    ],
)
def test_each_end_is_told_as_it_was(end: ChildEnd, message: str) -> None:
    assert end.describe() == message
    assert not end.clean


def test_a_skip_and_a_success_are_clean_ends() -> None:
    assert ChildEnd.from_returncode(0).clean
    assert ChildEnd.from_returncode(3).clean
