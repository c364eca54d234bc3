"""The sample releases (``samples/*.yaml``) and what each board shows in each state.

The YAML files are data: one file per board, each item a release with its history over the
states (``added``, ``withdrawn``, ``revisions``, attachment ``revisions``/``until``/``added``).
This module turns them into immutable :class:`Item` views for a given state; the site
modules only lay those views out.

Attachment text defaults to the release's state-0 title and body and changes only through an
explicit attachment revision, so that every change of a file is one the timeline names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zonewatch.config.loading import read_yaml, validation_message
from zonewatch.errors import ConfigError
from zonewatch.replay.clock import KST, STATES, state_time
from zonewatch.replay.documents import render_document, resaved

DocumentKind = Literal["pdf", "hwpx", "hwp"]


def digest(*parts: str) -> str:
    """A stable 40-hex-digit id for generated identifiers (file ids, hashes, tokens)."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def number_from(key: str, digits: int) -> int:
    """A stable decimal id of ``digits`` digits (no leading zero) derived from ``key``."""
    low = int(10 ** (digits - 1))
    return low + int(key[:15], 16) % (9 * low)


def lines(text: str) -> tuple[str, ...]:
    """Paragraphs of a YAML body: one per non-empty line."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AttachmentRevision(_Strict):
    text: str
    note: str = ""


class AttachmentSpec(_Strict):
    name: str
    text: str | None = None
    added: int = Field(default=0, ge=STATES[0], le=STATES[-1])
    until: int | None = Field(default=None, ge=STATES[0], le=STATES[-1])
    revisions: dict[int, AttachmentRevision] = {}

    @field_validator("name")
    @classmethod
    def _known_extension(cls, value: str) -> str:
        if value.rsplit(".", 1)[-1].lower() not in ("pdf", "hwpx", "hwp"):
            raise ValueError("attachments are .pdf, .hwpx or .hwp files")
        return value


class ItemRevision(_Strict):
    title: str | None = None
    body: str | None = None
    summary: str | None = None
    note: str = ""


class ItemSpec(_Strict):
    id: str
    date: datetime
    title: str
    body: str
    dept: str = ""
    writer: str = ""
    phone: str = ""
    category: str = ""
    agency: str = ""
    minister_code: str = ""
    grouping_code: str = ""
    subtitle: str = ""
    summary: str = ""
    body_in_attachment: bool = False
    views: int = 0
    hot: bool = False
    pinned: bool = False
    added: int = Field(default=0, ge=STATES[0], le=STATES[-1])
    withdrawn: int | None = Field(default=None, ge=STATES[0], le=STATES[-1])
    revisions: dict[int, ItemRevision] = {}
    attachments: list[AttachmentSpec] = []
    tags: list[str] = []
    corrects: str | None = None

    def visible(self, state: int) -> bool:
        return self.added <= state and (self.withdrawn is None or state < self.withdrawn)

    def revised(self, state: int) -> ItemRevision:
        """The fields as they stand in ``state`` (the base fields, overlaid by revisions)."""
        title, body, summary = self.title, self.body, self.summary
        for number in sorted(self.revisions):
            if number <= state:
                revision = self.revisions[number]
                title = revision.title or title
                body = revision.body or body
                summary = revision.summary or summary
        return ItemRevision(title=title, body=body, summary=summary)


class BoardSpec(_Strict):
    host: str
    board: str = "main"
    items: list[ItemSpec]


@dataclass(frozen=True)
class Attachment:
    """One attached file as it stands in a state; ``key`` stays the same across revisions."""

    key: str
    sn: int
    name: str
    title: str
    paragraphs: tuple[str, ...]
    modified: datetime
    saves: int = 0
    """How often the file was saved again since it was first published (same text)."""

    @property
    def kind(self) -> DocumentKind:
        extension = self.name.rsplit(".", 1)[-1].lower()
        return "pdf" if extension == "pdf" else "hwpx" if extension == "hwpx" else "hwp"

    @property
    def data(self) -> bytes:
        """The file's bytes, generated on first use and cached by content."""
        return resaved(
            self.kind, render_document(self.kind, self.title, self.paragraphs), self.saves
        )


@dataclass(frozen=True)
class Item:
    """One release as a board shows it in one state."""

    host: str
    board: str
    id: str
    title: str
    when: datetime
    paragraphs: tuple[str, ...]
    summary: str
    dept: str
    writer: str
    phone: str
    category: str
    agency: str
    minister_code: str
    grouping_code: str
    subtitle: str
    body_in_attachment: bool
    list_views: int
    page_views: int
    attachments: tuple[Attachment, ...]
    tags: tuple[str, ...]
    corrects: str | None
    modified: datetime
    pinned: bool = False

    @property
    def day(self) -> date:
        return self.when.date()


def _summary(explicit: str, paragraphs: tuple[str, ...]) -> str:
    if explicit:
        return explicit
    first = paragraphs[0] if paragraphs else ""
    return first if len(first) <= 90 else first[:88].rstrip() + "…"


def _resolve(host: str, board: str, spec: ItemSpec, state: int) -> Item:
    when = spec.date.replace(tzinfo=KST) if spec.date.tzinfo is None else spec.date
    fields = spec.revised(state)
    paragraphs = lines(fields.body or "")
    edits = [number for number in spec.revisions if number <= state]
    modified = state_time(max(edits)) if edits else when
    step = 3 + int(digest(host, spec.id)[:6], 16) % 29
    attachments: list[Attachment] = []
    base_text = "\n".join(lines(spec.body))
    for sn, att in enumerate(spec.attachments):
        if att.added > state or (att.until is not None and state >= att.until):
            continue
        text, changed = att.text or base_text, when
        for number in sorted(att.revisions):
            if number <= state:
                text, changed = att.revisions[number].text, state_time(number)
        attachments.append(
            Attachment(
                key=digest(host, board, spec.id, att.name),
                sn=sn,
                name=att.name,
                title=spec.title,
                paragraphs=lines(text),
                modified=max(changed, state_time(att.added)) if att.added else changed,
            )
        )
    return Item(
        host=host,
        board=board,
        id=spec.id,
        title=fields.title or spec.title,
        when=when,
        paragraphs=paragraphs,
        summary=_summary(fields.summary or "", paragraphs),
        dept=spec.dept,
        writer=spec.writer,
        phone=spec.phone,
        category=spec.category,
        agency=spec.agency,
        minister_code=spec.minister_code,
        grouping_code=spec.grouping_code,
        subtitle=spec.subtitle,
        body_in_attachment=spec.body_in_attachment,
        list_views=spec.views + state * step,
        page_views=spec.views + state * step if spec.hot else spec.views,
        attachments=tuple(attachments),
        tags=tuple(spec.tags),
        corrects=spec.corrects,
        modified=modified,
        pinned=spec.pinned,
    )


@dataclass(frozen=True)
class Page:
    """One page of a list: the items shown and the count a board prints ("전체 N건")."""

    items: tuple[Item, ...]
    total: int
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    def row_number(self, index: int) -> int:
        """The descending running number the Korean boards print in their first column."""
        return self.total - self.offset - index


def paginate(items: tuple[Item, ...], number: int, size: int) -> Page:
    start = (number - 1) * size
    return Page(items=items[start : start + size], total=len(items), number=number, size=size)


class Board:
    """One board of one site: its items in every state, computed on first use."""

    def __init__(self, spec: BoardSpec) -> None:
        self.spec = spec
        self.host = spec.host
        self.name = spec.board
        self._by_state: dict[int, tuple[Item, ...]] = {}

    def items(self, state: int) -> tuple[Item, ...]:
        """The visible items in ``state``, newest first (the order every board lists them)."""
        cached = self._by_state.get(state)
        if cached is None:
            resolved = [
                _resolve(self.host, self.name, spec, state)
                for spec in self.spec.items
                if spec.visible(state)
            ]
            resolved.sort(key=lambda item: (item.when, item.id), reverse=True)
            cached = self._by_state[state] = tuple(resolved)
        return cached

    def item(self, state: int, item_id: str) -> Item | None:
        return next((item for item in self.items(state) if item.id == item_id), None)

    def page(
        self, state: int, number: int, size: int = 10, keep: Callable[[Item], bool] | None = None
    ) -> Page:
        items = self.items(state)
        if keep is not None:
            items = tuple(item for item in items if keep(item))
        return paginate(items, number, size)

    def attachments(self, state: int) -> Iterator[tuple[Item, Attachment]]:
        for item in self.items(state):
            for attachment in item.attachments:
                yield item, attachment

    def find_attachment(
        self, state: int, match: Callable[[Item, Attachment], bool]
    ) -> tuple[Item, Attachment] | None:
        return next((pair for pair in self.attachments(state) if match(*pair)), None)


class Catalog:
    """Every sample board, by (host, board name)."""

    def __init__(self, boards: list[BoardSpec]) -> None:
        self.boards = {(spec.host, spec.board): Board(spec) for spec in boards}

    def board(self, host: str, name: str = "main") -> Board:
        return self.boards[(host, name)]

    @cached_property
    def hosts(self) -> frozenset[str]:
        return frozenset(host for host, _ in self.boards)


def samples_dir() -> Path:
    return Path(str(resources.files("zonewatch.replay") / "samples"))


def load_board(path: Path) -> BoardSpec:
    """Validate one sample file; errors name the file, the item and the field."""
    data = read_yaml(path)
    try:
        spec = BoardSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_message(exc)}") from exc
    ids = [item.id for item in spec.items]
    duplicates = sorted({item_id for item_id in ids if ids.count(item_id) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate item ids {duplicates}")
    for item in spec.items:
        if item.corrects is not None and item.corrects not in ids:
            raise ConfigError(f"{path}: item {item.id}: corrects unknown item {item.corrects}")
    return spec


@cache
def load_catalog(directory: Path | None = None) -> Catalog:
    """All sample boards (parsed once per process: the data never changes at run time)."""
    folder = directory or samples_dir()
    return Catalog([load_board(path) for path in sorted(folder.glob("*.yaml"))])
