"""A feed's entry rules when no source configures them, importable without pydantic.

``zonewatch parse-feed FILE`` reads a feed under these defaults; importing the validated
configuration (:mod:`zonewatch.config.parsers`: pydantic, lxml's selector translator) to
build them cost more than parsing the feed."""

from __future__ import annotations

from dataclasses import dataclass

TITLE_PREFIX = r"^\[[^\]]{1,20}\]\s*"
"""A short bracketed tag before a title, removed from titles by default. In the releases we
hold these are mostly the release's kind ('[보도자료] ', '[보도참고] ', '[설명] '), rarely a
ministry."""


@dataclass(frozen=True)
class FeedDefaults:
    """The entry rules of :class:`zonewatch.config.parsers.FeedParser` left at their defaults."""

    id_param: str | None = None
    strip_title_prefix: str | None = TITLE_PREFIX
