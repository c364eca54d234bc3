"""What went wrong in a crawl run, as ``crawl_runs.errors`` stores it.

Spiders, the crawl child process, its runner and the stalled-run sweep all append to the same
list, and run status and source health are decided from the kinds in it; one kind enum and
one record type keep those writers and readers agreeing on the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_MESSAGE = 500


class RunErrorKind(StrEnum):
    FETCH = "fetch"
    BLOCKED = "blocked"
    PAGE = "page"
    ATTACHMENT = "attachment"
    SELECTOR = "selector"
    """The source's configured selectors no longer fit the site."""
    LIST = "list"
    ARTICLE = "article"
    NOTICE = "notice"
    FEED_WARNING = "feed_warning"
    FEED = "feed"
    API = "api"
    SPIDER = "spider"
    STOPPED = "stopped"
    PROCESS = "process"
    ABANDONED = "abandoned"


QUIET_KINDS = frozenset({RunErrorKind.FEED_WARNING, RunErrorKind.ATTACHMENT, RunErrorKind.NOTICE})
"""Worth telling an operator, not worth calling the run partial."""
BROKEN_KINDS = frozenset({RunErrorKind.SELECTOR, RunErrorKind.FEED, RunErrorKind.API})
"""The source as configured cannot be read at all: it needs a person, not a retry."""


@dataclass(frozen=True)
class RunError:
    kind: RunErrorKind
    message: str
    url: str | None = None

    def as_json(self) -> dict[str, str | None]:
        """The stored form (a JSON column); long messages are cut, not refused."""
        return {"kind": self.kind.value, "message": self.message[:MAX_MESSAGE], "url": self.url}
