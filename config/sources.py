"""The watched sources: the schema of ``sources.yaml`` and its loader."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import yaml
from cssselect import GenericTranslator, SelectorError
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from zonewatch.config.cron import next_cron_time
from zonewatch.config.loading import parse_entries, read_yaml, validation_message
from zonewatch.config.parsers import PARSERS, ApiParser, BoardParser, FeedParser
from zonewatch.config.settings import Settings, check_user_agent
from zonewatch.enums import SourceKind as SourceKind
from zonewatch.errors import ConfigError

SOURCE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_CRON_FIELD = re.compile(r"^[\d*/,\-]+$")


def parse_duration(text: str) -> timedelta:
    """'90s', '15m', '6h', '1d' -> timedelta; anything else is a ValueError."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration like '15m', '6h' or '1d': {text!r}")
    return timedelta(seconds=int(match.group(1)) * _UNIT_SECONDS[match.group(2)])


@dataclass(frozen=True)
class SlowRule:
    """When a finished crawl counts as slow against its source's own history.

    A crawl is slow when it took more than ``factor`` times the median of the source's last
    ``history`` successful crawls (at least ``min_history`` of them) and at least ``margin``
    more than that median (a 10 s crawl taking 40 s is noise, not news), or when it took
    longer than its schedule's budget (``Schedule.budget_delta``).
    """

    factor: float = 3.0
    margin: timedelta = timedelta(minutes=1)
    history: int = 10
    min_history: int = 3
    budget_share: float = 0.5


SLOW_RULE = SlowRule()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Schedule(_Strict):
    """When a source is crawled: a fixed interval or a cron line, plus random jitter.

    ``budget`` is how long one crawl may take before the source counts as slow; by default
    half the interval (a crawl longer than that eats into the next one's turn), and none for a
    cron line, whose gaps vary: give one there to have it checked.
    """

    every: str | None = None
    cron: str | None = None
    jitter: str = "5m"
    budget: str | None = None

    @field_validator("every", "jitter", "budget")
    @classmethod
    def _check_duration(cls, value: str | None) -> str | None:
        if value is not None:
            parse_duration(value)
        return value

    @field_validator("cron")
    @classmethod
    def _check_cron(cls, value: str | None) -> str | None:
        if value is not None:
            fields = value.split()
            if len(fields) != 5 or not all(_CRON_FIELD.match(field) for field in fields):
                raise ValueError(f"not a five-field cron line: {value!r}")
            # The scheduler must be able to compute it: refuse now, not at dispatch time.
            next_cron_time(value, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), ZoneInfo("UTC"))
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Schedule:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of 'every' or 'cron'")
        return self

    @property
    def interval(self) -> timedelta | None:
        return parse_duration(self.every) if self.every else None

    @property
    def jitter_delta(self) -> timedelta:
        return parse_duration(self.jitter)

    @property
    def budget_delta(self) -> timedelta | None:
        if self.budget is not None:
            return parse_duration(self.budget)
        interval = self.interval
        return interval * SLOW_RULE.budget_share if interval else None


class Politeness(_Strict):
    """How gently a site is fetched. Robots rules always apply."""

    concurrency: int = Field(default=1, ge=1, le=2)
    delay_seconds: float = Field(default=2.0, ge=0, le=600)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    retries: int = Field(default=3, ge=0, le=10)
    max_response_mb: float = Field(default=20.0, gt=0, le=500)


class IgnoreRules(_Strict):
    """Page furniture an operator names for one source, so that it never makes a version.

    ``selectors`` (CSS) are removed from every page before anything is extracted: a view
    counter box, a "last updated" line, a session-bound share link. ``patterns`` (regular
    expressions, multi-line mode) are removed from the extracted text before it is
    fingerprinted and diffed: furniture that sits inside the body, such as "조회수 : 1,234".
    Both are checked when the file is loaded, so a typo fails ``zonewatch init``, not a crawl.
    """

    patterns: tuple[str, ...] = ()
    selectors: tuple[str, ...] = ()

    @field_validator("patterns")
    @classmethod
    def _check_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, pattern in enumerate(value):
            try:
                compiled = re.compile(pattern, re.MULTILINE)
            except re.error as exc:
                raise ValueError(f"item {index + 1}: not a regular expression: {exc}") from exc
            if compiled.fullmatch(""):
                raise ValueError(f"item {index + 1}: {pattern!r} matches empty text")
        return value

    @field_validator("selectors")
    @classmethod
    def _check_selectors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, css in enumerate(value):
            try:
                GenericTranslator().css_to_xpath(css)
            except SelectorError as exc:
                raise ValueError(f"item {index + 1}: not a CSS selector: {css!r}") from exc
        return value

    def compiled(self) -> list[re.Pattern[str]]:
        return [re.compile(pattern, re.MULTILINE) for pattern in self.patterns]


class SourceSpec(_Strict):
    """One watched source as written in ``sources.yaml``."""

    id: str = Field(pattern=SOURCE_ID_PATTERN)
    name: str = Field(min_length=1)
    owner: str = Field(description="Entity id of the authority that publishes the source.")
    language: str = Field(pattern=r"^(ko|en)$")
    kind: SourceKind
    url: str
    spider: str | None = Field(
        default=None, description="A site-specific spider; default: the generic one for the kind."
    )
    schedule: Schedule = Schedule(every="6h")
    politeness: Politeness = Politeness()
    user_agent: str | None = Field(
        default=None,
        description="User-Agent for this source only; default: ZONEWATCH_USER_AGENT.",
    )
    enabled: bool = True
    parser: dict[str, Any] = Field(
        default_factory=dict,
        description="Selectors and options for the generic spider of this kind.",
    )
    ignore: IgnoreRules | None = Field(
        default=None,
        description="Page furniture to leave out: CSS selectors and text patterns.",
    )
    notes: str | None = None
    verified: bool = Field(
        default=False,
        description="Whether the parser was checked against the real pages; failures of an "
        "unverified source are expected and said to be so.",
    )

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, value: str | None) -> str | None:
        return check_user_agent(value) if value is not None else None

    @field_validator("parser")
    @classmethod
    def _check_parser(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        kind = info.data.get("kind")
        if kind is None or (not value and kind != SourceKind.BOARD):
            return value
        try:
            PARSERS[kind].model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
            message = message.removeprefix("Value error, ")
            raise ValueError(f"{where}: {message}" if where else message) from exc
        if kind == SourceKind.BOARD and isinstance(info.data.get("url"), str):
            _check_board_urls(info.data["url"], BoardParser.model_validate(value))
        return value

    @model_validator(mode="after")
    def _board_needs_parser(self) -> SourceSpec:
        if self.kind is SourceKind.BOARD and not self.parser:
            raise ValueError("a board source needs a 'parser' block (list_url, rows, ...)")
        return self

    def board_parser(self) -> BoardParser:
        return BoardParser.model_validate(self.parser)

    def feed_parser(self) -> FeedParser:
        return FeedParser.model_validate(self.parser)

    def api_parser(self) -> ApiParser:
        return ApiParser.model_validate(self.parser)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http(s) URL: {value!r}")
        return value


def _check_board_urls(base: str, parser: BoardParser) -> None:
    """``list_url`` and ``article_url`` may be absolute: as fetched they must be http(s), or
    a sources.yaml entry could point the crawler at local files (file:///...)."""
    for name in ("list_url", "article_url"):
        template = getattr(parser, name)
        if template is None:
            continue
        resolved = urljoin(base, template.replace("{page}", "1").replace("{id}", "1"))
        parts = urlsplit(resolved)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{name}: must be an http(s) URL or a path, not {template!r}")


@dataclass(frozen=True)
class SourceList:
    path: Path
    sources: tuple[SourceSpec, ...]
    local_path: Path | None = None
    """The operator's local file, when it exists and was applied."""
    added: tuple[str, ...] = ()
    """Sources the local file adds."""
    overridden: tuple[str, ...] = ()
    """Shipped sources the local file changes."""

    def by_id(self) -> dict[str, SourceSpec]:
        return {source.id: source for source in self.sources}


def default_sources_path() -> Path:
    return Path(str(resources.files("zonewatch.config") / "sources.yaml"))


def load_sources(path: Path | None = None, known_entities: set[str] | None = None) -> SourceList:
    """Load and check ``sources.yaml``; owners are checked against the zone model when given."""
    path = path or default_sources_path()
    data = read_yaml(path)
    if isinstance(data, dict) and data.get("version") != 1:
        raise ConfigError(f"{path}: 'version' must be 1")
    if isinstance(data, dict) and data.get("sources") is None:
        data = {**data, "sources": []}
    sources = parse_entries(path, data, "sources", SourceSpec)
    for index, source in enumerate(sources):
        label = f"{path}: entry {index + 1} (id {source.id!r})"
        if known_entities is not None and source.owner not in known_entities:
            raise ConfigError(f"{label}: field 'owner': unknown entity {source.owner!r}")
    return SourceList(path=path, sources=tuple(sources))


LOCAL_KEYS = ("version", "sources", "overrides")


def load_configured_sources(
    settings: Settings,
    known_entities: set[str] | None = None,
    shipped: Path | None = None,
) -> SourceList:
    """Every source zonewatch watches: the shipped list (or ZONEWATCH_SOURCES_FILE, or
    ``shipped``) plus the operator's local file. Every command that looks sources up reads
    them here, so that a source added or changed locally is the same source everywhere."""
    base = load_sources(shipped or settings.sources_file)
    local = settings.effective_local_sources_file
    combined = apply_local_sources(base, local, read_yaml(local)) if local.exists() else base
    _check_owners(combined, known_entities)
    return combined


def apply_local_sources(base: SourceList, path: Path, data: Any) -> SourceList:
    """``base`` with the local file's new sources added and its overrides applied.

    A new source may not take a shipped id, and an override must name one: a typo would
    otherwise add a half-written source or change nothing without a word."""
    if data is None:
        data = {"version": 1}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'sources' and/or 'overrides'")
    unknown = sorted(str(key) for key in data if key not in LOCAL_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (expected {', '.join(LOCAL_KEYS)})")
    if data.get("version") != 1:
        raise ConfigError(f"{path}: 'version' must be 1")
    shipped = base.by_id()
    overrides = _overrides(path, data.get("overrides") or [], shipped)
    added = parse_entries(path, {"sources": data.get("sources") or []}, "sources", SourceSpec)
    for index, source in enumerate(added):
        if source.id in shipped:
            raise ConfigError(
                f"{path}: sources entry {index + 1} (id {source.id!r}): a shipped source has "
                "this id; change its fields under 'overrides' instead"
            )
    merged = tuple(overrides.get(source.id, source) for source in base.sources) + tuple(added)
    return SourceList(
        path=base.path,
        sources=merged,
        local_path=path,
        added=tuple(source.id for source in added),
        overridden=tuple(overrides),
    )


def _overrides(path: Path, entries: Any, shipped: dict[str, SourceSpec]) -> dict[str, SourceSpec]:
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'overrides' must be a list")
    result: dict[str, SourceSpec] = {}
    for index, entry in enumerate(entries):
        label = f"{path}: overrides entry {index + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ConfigError(f"{label}: needs the 'id' of the shipped source it changes")
        source_id = entry["id"]
        label = f"{label} (id {source_id!r})"
        if source_id not in shipped:
            raise ConfigError(
                f"{label}: no shipped source has this id; add new sources under 'sources'"
            )
        if source_id in result:
            raise ConfigError(f"{label}: field 'id': overridden twice")
        current = shipped[source_id].model_dump(mode="json", exclude_none=True)
        try:
            result[source_id] = SourceSpec.model_validate(deep_merge(current, entry))
        except ValidationError as exc:
            raise ConfigError(f"{label}: {validation_message(exc)}") from exc
    return result


def deep_merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` applied: mappings merge key by key (an override of one
    selector keeps the others), anything else is replaced whole (lists included)."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check_owners(sources: SourceList, known_entities: set[str] | None) -> None:
    if known_entities is None:
        return
    for source in sources.sources:
        if source.owner not in known_entities:
            where = sources.local_path if source.id in sources.added + sources.overridden else None
            raise ConfigError(
                f"{where or sources.path}: id {source.id!r}: field 'owner': unknown entity "
                f"{source.owner!r}"
            )


LOCAL_HEADER = """\
# Sources this deployment adds to the shipped list, and fields of shipped sources it changes.
# Read by every zonewatch command on top of sources.yaml (or ZONEWATCH_SOURCES_FILE);
# `zonewatch init` loads it into the database. Entries under `sources` are complete entries
# as in sources.yaml; entries under `overrides` name a shipped source by `id` and give only
# the fields to change (mappings such as `parser` merge key by key, anything else replaces).
# `zonewatch sources add FILE` appends here (and rewrites the file without comments).
"""


def read_new_entries(path: Path) -> list[dict[str, Any]]:
    """Entries an operator hands to ``zonewatch sources add``: one entry, a list of them, or
    a file shaped like sources.yaml (``sources:``, ``version`` optional)."""
    data = read_yaml(path)
    if isinstance(data, dict) and "sources" in data:
        data = data["sources"]
    entries = [data] if isinstance(data, dict) else data
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: expected a source entry, a list of them, or 'sources:'")
    parse_entries(path, {"sources": entries}, "sources", SourceSpec)  # each one checked, named
    return entries


@dataclass(frozen=True)
class LocalAddition:
    """What ``zonewatch sources add`` would make of the local file, checked, not written."""

    sources: SourceList
    data: dict[str, Any]
    """The local file's new content."""
    added: tuple[str, ...]


def add_local_sources(settings: Settings, path: Path, known_entities: set[str]) -> LocalAddition:
    """The configured sources with ``path``'s entries added to the local file's ``sources``,
    checked as a whole (ids, owners, the rest of the file); nothing is written."""
    entries = read_new_entries(path)
    local = settings.effective_local_sources_file
    current = read_yaml(local) if local.exists() else None
    data: dict[str, Any] = dict(current) if isinstance(current, dict) else {"version": 1}
    shipped = load_sources(settings.sources_file)
    local_ids = {entry.get("id") for entry in data.get("sources") or [] if isinstance(entry, dict)}
    for index, entry in enumerate(entries):
        label = f"{path}: entry {index + 1} (id {entry['id']!r})"
        if entry["id"] in shipped.by_id():
            raise ConfigError(
                f"{label}: a shipped source has this id; change its fields under 'overrides' "
                f"in {local}"
            )
        if entry["id"] in local_ids:
            raise ConfigError(f"{label}: already in {local}")
    data["sources"] = [*(data.get("sources") or []), *entries]
    combined = apply_local_sources(shipped, local, data)
    _check_owners(combined, known_entities)
    return LocalAddition(combined, data, tuple(entry["id"] for entry in entries))


def write_local(path: Path, data: dict[str, Any]) -> None:
    """Write the local file whole, through a temporary file, so that a failure half-way
    never leaves half a file for the next command to read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = LOCAL_HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
