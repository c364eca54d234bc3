"""Review actions on one change or many: a verdict (reviewed, noise, important) or a note.

The command line and the console both go through :func:`review_many`, so a bulk verdict in the
console teaches noise rules exactly as ``zonewatch changes review --status noise`` does. A
verdict given without a note keeps each record's earlier note: in bulk, one empty note field
must not wipe fifty analysts' remarks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.changes.queries import get_change, noise_rules_of, review_change
from zonewatch.errors import InputError
from zonewatch.models import ChangeRecord, NoiseRule
from zonewatch.models.base import utcnow

MAX_NOTE = 2000
MAX_BULK = 200
"""As many as a change-log page can select, with room to spare; more is not a person's pick."""


class ReviewAction(StrEnum):
    """What an analyst does to a change: give a verdict, or only write a note."""

    REVIEWED = "reviewed"
    NOISE = "noise"
    IMPORTANT = "important"
    NOTE = "note"

    @classmethod
    def parse(cls, value: str) -> ReviewAction:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(action.value for action in cls)
            raise InputError(f"unknown review action {value[:40]!r} (one of {choices})") from None


@dataclass(frozen=True)
class ReviewOutcome:
    """What an action did: the records it touched and the noise rules it taught."""

    records: tuple[ChangeRecord, ...]
    rules: tuple[NoiseRule, ...]


def clean_note(note: str | None) -> str | None:
    """A note as stored: stripped, None when blank; InputError when it is an essay."""
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InputError(f"the note has {len(text)} characters; at most {MAX_NOTE}")
    return text or None


def parse_ids(values: Sequence[str]) -> list[int]:
    """Change ids typed or ticked (``"12"``), each once, in the order given; InputError names
    the first that is not one."""
    ids: list[int] = []
    for value in values:
        text = value.strip()
        if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**63:
            raise InputError(f"not a change id: {value[:40]!r}")
        ids.append(int(text))
    return list(dict.fromkeys(ids))


def _records(session: Session, ids: Sequence[int]) -> list[ChangeRecord]:
    if not ids:
        raise InputError("choose at least one change")
    if len(ids) > MAX_BULK:
        raise InputError(f"{len(ids)} changes chosen; at most {MAX_BULK} at once")
    found = set(session.scalars(select(ChangeRecord.id).where(ChangeRecord.id.in_(ids))))
    missing = [str(change_id) for change_id in ids if change_id not in found]
    if missing:
        raise InputError(f"unknown change {', '.join(missing)} (see `zonewatch changes list`)")
    return [get_change(session, change_id) for change_id in ids]


def annotate_change(session: Session, change_id: int, note: str | None, by: str) -> ChangeRecord:
    """Write (or clear) a change's note and keep its verdict; the note's author is recorded
    as the reviewer, since the note is what the next analyst reads."""
    record = get_change(session, change_id)
    record.review_note = clean_note(note)
    record.reviewed_by = by
    record.reviewed_at = utcnow()
    session.flush()
    return record


def review_many(
    session: Session, ids: Sequence[int], action: ReviewAction, note: str | None, by: str
) -> ReviewOutcome:
    """Apply ``action`` to every change in ``ids``, or to none: an unknown id refuses the
    whole batch (InputError naming it) before anything is written."""
    records = _records(session, ids)
    cleaned = clean_note(note)
    if action is ReviewAction.NOTE and cleaned is None and len(records) > 1:
        raise InputError("write the note to add to these changes (an empty one would erase theirs)")
    for record in records:
        if action is ReviewAction.NOTE:
            annotate_change(session, record.id, cleaned, by)
        else:
            kept = cleaned if cleaned is not None else record.review_note
            review_change(session, record.id, action.value, kept, by)
    rules = (
        tuple(rule for record in records for rule in noise_rules_of(session, record.id))
        if action is ReviewAction.NOISE
        else ()
    )
    return ReviewOutcome(tuple(records), rules)
