"""Progress of long-running commands, drawn on stderr so that stdout stays machine-readable.

On a terminal the line is redrawn in place; otherwise (logs, CI) a line is written only when
the stage changes, at most every few seconds, and at the end, so that logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

QUIET_INTERVAL = 5.0


class ProgressLine:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self.stream.isatty()
        self._last_stage = ""
        self._last_written = 0.0
        self._width = 0
        self._unwritten = ""

    def show(self, stage: str, detail: str) -> None:
        text = f"{self.label}: {stage} {detail}"
        if self.interactive:
            padding = " " * max(0, self._width - len(text))
            self.stream.write(f"\r{text}{padding}")
            self._width = len(text)
        elif stage != self._last_stage or time.monotonic() - self._last_written > QUIET_INTERVAL:
            if stage != self._last_stage and self._unwritten:
                self.stream.write(self._unwritten + "\n")  # how the previous stage ended
            self.stream.write(text + "\n")
            self._last_written = time.monotonic()
            self._unwritten = ""
        else:
            self._unwritten = text
        self._last_stage = stage
        self.stream.flush()

    def done(self) -> None:
        """End the line on a terminal; in a log, write the final state if it was held back."""
        if self.interactive and self._width:
            self.stream.write("\n")
        elif self._unwritten:
            self.stream.write(self._unwritten + "\n")
        self.stream.flush()

    # the CrawlProgress protocol of zonewatch.crawlers.service
    def crawling(self, items_staged: int) -> None:
        self.show("crawling", f"{items_staged} items fetched")

    def ingesting(self, done: int, total: int) -> None:
        self.show("ingesting", f"{done}/{total}")

    # counted work with a known total
    def step(self, stage: str, done: int, total: int) -> None:
        self.show(stage, f"{done}/{total}")
