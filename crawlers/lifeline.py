"""Tie a crawl process's life to the process that started it, and let the run know it lives.

A crawl process that outlives ``zonewatch crawl`` (``kill -9``, the OOM killer) goes on staging
items for a run nobody finalises, and those items, ingested much later, are stale. So:

* the parent starts the child in a process group of its own, so that it can kill the whole
  group (and Ctrl-C on a terminal reaches only the parent, which then cleans up);
* on Linux the child asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``,
  set between fork and exec) and then checks that the parent did not die before that;
* the child's heartbeat thread marks the run alive every few seconds, which tells any machine
  that the run still has a process, and exits the child if it finds itself orphaned anyway
  (systems without prctl).

``PR_SET_PDEATHSIG`` fires when the *thread* that forked the child ends, so the parent must
start the child from a thread that lives as long as the crawl (the main thread, or a Celery
task's thread, which waits for the child).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from zonewatch.app import App
from zonewatch.models import CrawlRun
from zonewatch.models.base import utcnow

PR_SET_PDEATHSIG = 1
EXIT_SKIPPED = 3
"""Exit status of a child that skipped its source (no API key): a clean end."""
EXIT_ORPHANED = 4
"""Exit status of a child that found its parent gone."""

log = logging.getLogger(__name__)


def _prctl() -> Callable[..., Any] | None:
    """libc's prctl, looked up in the parent: the child must do no lookups between fork and
    exec (another thread of the parent may hold a lock the lookup needs)."""
    if not sys.platform.startswith("linux"):
        return None
    prctl: Callable[..., Any] = ctypes.CDLL(None, use_errno=True).prctl
    return prctl


def die_with_parent(parent_pid: int) -> Callable[[], None]:
    """A ``preexec_fn`` making the child die when ``parent_pid`` does, even by ``kill -9``."""
    prctl = _prctl()

    def bind() -> None:
        if prctl is not None and prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(EXIT_ORPHANED)  # unbound, it could outlive the parent: do not start
        if os.getppid() != parent_pid:
            os._exit(EXIT_ORPHANED)  # the parent died before the request took effect

    return bind


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (the crawl process and anything it started)."""
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(pid, signal.SIGKILL)


class Heartbeat:
    """A thread of the crawl process that writes ``heartbeat_at`` on its run every interval."""

    def __init__(self, app: App, run_id: int, interval: float, parent_pid: int) -> None:
        self.app = app
        self.run_id = run_id
        self.interval = interval
        self.parent_pid = parent_pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.interval + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            if os.getppid() != self.parent_pid:
                log.error("crawl run %s: parent %s is gone; stopping", self.run_id, self.parent_pid)
                os._exit(EXIT_ORPHANED)
            self.beat()
            self._stop.wait(self.interval)

    def beat(self) -> None:
        """Mark the run alive. A failed write is logged: if they keep failing the run is
        (rightly) taken for lost, since nothing else can tell that it is not."""
        try:
            with self.app.session() as session:
                session.execute(
                    update(CrawlRun).where(CrawlRun.id == self.run_id).values(heartbeat_at=utcnow())
                )
        except SQLAlchemyError as exc:
            log.warning("crawl run %s: heartbeat not recorded: %s", self.run_id, exc)
