"""Document events: the unit a subscriber is told about once, however many records it made.

An edit of a release gives a ``changed_document`` record, a ``fact_change`` per figure that
moved and an attachment record per file that changed; a reader wants one alert about the edit
that shows all of them. Every change record therefore names its event in ``event_key``:

- ``version:{version_id}``: everything one new version of a document made;
- ``withdrawal:{document_id}:{version_id}``: a document withdrawn (its current version then);
  a release restored and withdrawn again is a new withdrawal, since restoring makes a version;
- ``proposal:{entity_change_id}``: a model change a release proposes; it waits for an
  analyst and is never alerted;
- ``model:{entity_change_id}``: a change to the zone model that is decided (an accepted
  proposal, an edit of zones.yaml), alerted as its own event;
- ``change:{record_id}``: a record made before events existed (the migration named them so).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from zonewatch.errors import InputError
from zonewatch.models import ChangeRecord

DOCUMENT_KINDS = frozenset({"new_document", "changed_document", "correction", "removed_document"})
"""Records that stand for the document itself: an event's lead when it has one."""


class EventKind(enum.StrEnum):
    VERSION = "version"
    WITHDRAWAL = "withdrawal"
    PROPOSAL = "proposal"
    MODEL = "model"
    CHANGE = "change"


_PARTS = {
    EventKind.VERSION: 1,
    EventKind.WITHDRAWAL: 2,
    EventKind.PROPOSAL: 1,
    EventKind.MODEL: 1,
    EventKind.CHANGE: 1,
}


@dataclass(frozen=True)
class EventKey:
    """A parsed event key; ``str()`` gives the stored form."""

    kind: EventKind
    ids: tuple[int, ...]

    def __str__(self) -> str:
        return ":".join((self.kind.value, *map(str, self.ids)))

    @classmethod
    def parse(cls, text: str) -> EventKey:
        """The key ``text`` names; InputError (one line) for anything else."""
        kind, *ids = text.split(":")
        try:
            parsed = cls(EventKind(kind), tuple(int(part) for part in ids))
        except ValueError:
            raise InputError(f"not an event key: {text!r} (e.g. 'version:12')") from None
        if len(parsed.ids) != _PARTS[parsed.kind] or min(parsed.ids) < 1:
            raise InputError(f"not an event key: {text!r} (e.g. 'version:12')")
        return parsed

    @property
    def alertable(self) -> bool:
        """A proposal is a question for an analyst, not news: only its acceptance (a
        ``model`` event of its own) reaches subscribers."""
        return self.kind is not EventKind.PROPOSAL


def version_event(version_id: int) -> str:
    return str(EventKey(EventKind.VERSION, (version_id,)))


def withdrawal_event(document_id: int, version_id: int) -> str:
    return str(EventKey(EventKind.WITHDRAWAL, (document_id, version_id)))


def proposal_event(entity_change_id: int) -> str:
    return str(EventKey(EventKind.PROPOSAL, (entity_change_id,)))


def model_event(entity_change_id: int) -> str:
    return str(EventKey(EventKind.MODEL, (entity_change_id,)))


def lead_first(records: Iterable[ChangeRecord]) -> list[ChangeRecord]:
    """The records of an event, the one that stands for it first: the document record (new,
    edited, corrected, withdrawn) when there is one, else the most significant; the others
    follow by significance, so a mail reads from the edit down to its details."""
    return sorted(
        records,
        key=lambda record: (record.kind not in DOCUMENT_KINDS, -record.significance, record.id),
    )


def event_keys(records: Iterable[ChangeRecord]) -> list[str]:
    """The distinct events of ``records``, in the order they first appear."""
    return list(dict.fromkeys(record.event_key for record in records if record.event_key))
