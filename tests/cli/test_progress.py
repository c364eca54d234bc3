from __future__ import annotations

import io

import pytest

from zonewatch.cli.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_is_redrawn_in_place() -> None:
    stream = Terminal()
    progress = ProgressLine("ifez-press", stream)
    progress.crawling(3)
    progress.ingesting(1, 12)
    progress.done()
    assert stream.getvalue() == (
        "\rifez-press: crawling 3 items fetched\rifez-press: ingesting 1/12          \n"
    )


def test_in_a_log_only_stage_changes_and_the_end_are_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    progress = ProgressLine("reclassify", stream)
    for done in range(1, 4):
        progress.step("versions", done, 3)
    progress.done()
    assert stream.getvalue() == "reclassify: versions 1/3\nreclassify: versions 3/3\n"


def test_in_a_log_a_new_stage_first_writes_how_the_last_one_ended() -> None:
    stream = io.StringIO()
    progress = ProgressLine("daegu-press", stream)
    for done in range(1, 4):
        progress.ingesting(done, 3)
    progress.show("processing", "classify, diff, match")
    progress.done()
    assert stream.getvalue() == (
        "daegu-press: ingesting 1/3\n"
        "daegu-press: ingesting 3/3\n"
        "daegu-press: processing classify, diff, match\n"
    )
