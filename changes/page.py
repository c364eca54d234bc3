"""A change as its page shows it: ``changes show``'s details plus what a screen needs on top,
the diff cut into marked pieces, the moved figures with their sources, and related records.

Kept here rather than in the console so that what a page says about a change is tested like
every other service and is the same data the terminal prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zonewatch.changes.diffing import Piece, RowPair, TextDiff, inline_pieces, side_by_side_rows
from zonewatch.changes.queries import change_details
from zonewatch.changes.related import RelatedRecord, related_records
from zonewatch.errors import InputError
from zonewatch.timefmt import KST

DIFF_PARTS = ("title", "body")


class DiffLayout(StrEnum):
    """Inline reads on any width; side by side needs a wide screen (it stacks on a narrow one)."""

    INLINE = "inline"
    SIDE_BY_SIDE = "side"

    @classmethod
    def parse(cls, value: str | None) -> DiffLayout:
        if not value:
            return cls.INLINE
        try:
            return cls(value)
        except ValueError:
            raise InputError(f"diff layout: {value[:40]!r} is not inline or side") from None


@dataclass(frozen=True)
class DiffSection:
    """The diff of one part of the document (its title or its body)."""

    part: str
    inline: tuple[Piece, ...]
    rows: tuple[RowPair, ...]
    coarse: bool
    words_inserted: int
    words_deleted: int


@dataclass(frozen=True)
class FactSource:
    """Where a figure was stated: which version of which document."""

    version_id: int | None
    version: int | None
    document_id: int | None
    source: str | None
    url: str | None
    title: str | None

    @classmethod
    def of(cls, data: Any) -> FactSource | None:
        if not isinstance(data, dict):
            return None
        return cls(
            version_id=_int_or_none(data.get("version_id")),
            version=_int_or_none(data.get("version")),
            document_id=_int_or_none(data.get("document_id")),
            source=_text_or_none(data.get("source")),
            url=_text_or_none(data.get("url")),
            title=_text_or_none(data.get("title")),
        )


@dataclass(frozen=True)
class FactShown:
    """A figure that moved, as written before and after (the raw words, else value and unit)."""

    metric: str
    entity: str | None
    before: str
    after: str
    before_source: FactSource | None
    after_source: FactSource | None


class FileChange(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    REPLACED = "replaced"


@dataclass(frozen=True)
class AttachmentChange:
    """One attached file that came, went or changed; ``label`` names it (and its address)."""

    change: FileChange
    label: str


@dataclass(frozen=True)
class ChangePage:
    details: dict[str, Any]
    """:func:`~zonewatch.changes.queries.change_details`, what ``changes show --json`` prints."""
    diffs: tuple[DiffSection, ...]
    facts: tuple[FactShown, ...]
    attachments: tuple[AttachmentChange, ...]
    related: tuple[RelatedRecord, ...]


def _attachment_name(item: Any) -> str:
    if isinstance(item, dict):
        name = item.get("name") or item.get("url") or "?"
        return f"{name} <{item['url']}>" if item.get("url") and item.get("name") else str(name)
    return str(item)


def _replaced_label(item: Any) -> str:
    if isinstance(item, dict) and "old" in item and "new" in item:
        old, new = _attachment_name(item["old"]), _attachment_name(item["new"])
        return new if old == new else f"{old} → {new}"
    return _attachment_name(item)


def attachment_changes(data: Any) -> tuple[AttachmentChange, ...]:
    """The file changes a record's diff holds, in either shape records carry: lists of
    added/removed/replaced files (a document's record), or the old and new file of one
    attachment record."""
    if not isinstance(data, dict):
        return ()
    if any(key in data for key in ("added", "removed", "replaced")):
        return (
            *(
                AttachmentChange(FileChange.ADDED, _attachment_name(item))
                for item in data.get("added") or []
            ),
            *(
                AttachmentChange(FileChange.REMOVED, _attachment_name(item))
                for item in data.get("removed") or []
            ),
            *(
                AttachmentChange(FileChange.REPLACED, _replaced_label(item))
                for item in data.get("replaced") or []
            ),
        )
    old, new = data.get("old"), data.get("new")
    if old and new:
        return (AttachmentChange(FileChange.REPLACED, _replaced_label(data)),)
    if new:
        return (AttachmentChange(FileChange.ADDED, _attachment_name(new)),)
    if old:
        return (AttachmentChange(FileChange.REMOVED, _attachment_name(old)),)
    return ()


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _stated(fact: dict[str, Any], side: str) -> str:
    raw = fact.get(f"{side}_raw")
    if raw:
        return str(raw)
    return f"{fact.get(side)} {fact.get('unit') or ''}".strip()


def _facts(diff: dict[str, Any]) -> tuple[FactShown, ...]:
    facts = diff.get("facts") if isinstance(diff, dict) else None
    return tuple(
        FactShown(
            metric=str(fact.get("metric") or "?"),
            entity=_text_or_none(fact.get("entity")),
            before=_stated(fact, "old"),
            after=_stated(fact, "new"),
            before_source=FactSource.of(fact.get("old_source")),
            after_source=FactSource.of(fact.get("new_source")),
        )
        for fact in facts or []
        if isinstance(fact, dict)
    )


def _diffs(diff: dict[str, Any]) -> tuple[DiffSection, ...]:
    sections = []
    for part in DIFF_PARTS:
        data = diff.get(part) if isinstance(diff, dict) else None
        if not isinstance(data, dict):
            continue
        text_diff = TextDiff.from_json(data)
        sections.append(
            DiffSection(
                part=part,
                inline=inline_pieces(text_diff),
                rows=side_by_side_rows(text_diff),
                coarse=text_diff.coarse,
                words_inserted=text_diff.words_inserted,
                words_deleted=text_diff.words_deleted,
            )
        )
    return tuple(sections)


def change_page(session: Session, change_id: int, tz: ZoneInfo = KST) -> ChangePage:
    """Everything known about a change; NotFoundError for an unknown one."""
    details = change_details(session, change_id, tz)
    return ChangePage(
        details=details,
        diffs=_diffs(details["diff"]),
        facts=_facts(details["diff"]),
        attachments=attachment_changes(details["diff"].get("attachments")),
        related=tuple(related_records(session, change_id)),
    )
