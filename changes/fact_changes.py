"""Fact changes: the same entity's number moved, within one document's versions or between
documents ("597억 → 650억 원", "목표 입주기업 250 → 300개사"), with both sources cited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session

from zonewatch.models import Document, DocumentVersion, Fact

CROSS_DOCUMENT_METRICS = ("target_", "investment", "budget", "fund", "subsidy")
"""Metrics specific enough to compare between releases; plain counts are not."""

Key = tuple[str | None, str, str]


@dataclass(frozen=True)
class FactChange:
    entity_id: str | None
    metric: str
    unit: str
    old: Fact
    new: Fact
    old_document_id: int
    new_document_id: int

    def as_json(self, session: Session) -> dict[str, object]:
        return {
            "entity": self.entity_id,
            "metric": self.metric,
            "unit": self.unit,
            "old": _plain(self.old.value),
            "new": _plain(self.new.value),
            "old_raw": self.old.raw,
            "new_raw": self.new.raw,
            "old_source": _cite(session, self.old),
            "new_source": _cite(session, self.new),
        }

    def headline(self) -> str:
        return f"{self.old.raw} → {self.new.raw}"

    def identity(self) -> tuple[str, str, str, str | None, str, str]:
        """What moved, whoever the words nearby tie it to: metric, unit, period, and the
        value before and after."""
        return (
            self.metric,
            self.unit,
            self.new.period,
            self.new.scope,
            _canonical(self.old.value),
            _canonical(self.new.value),
        )

    def record_key(self) -> str:
        """The record's key: the document it is found in plus what changed (the fact's
        identity, the other document and both values), never the version. A later version
        of the same release stating the same figures finds the same key and raises nothing
        new."""
        content = "|".join(
            (
                str(self.old_document_id),
                self.entity_id or "",
                self.metric,
                self.unit,
                _canonical(self.old.value),
                _canonical(self.new.value),
            )
        )
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]
        return f"fact:{self.new_document_id}:{digest}"


def _canonical(value: Decimal) -> str:
    """One spelling per number, whatever scale the database gave back (650 = 650.00)."""
    return format(Decimal(value).normalize(), "f")


def _plain(value: Decimal) -> float:
    return float(value)


def _cite(session: Session, fact: Fact) -> dict[str, object]:
    version = session.get(DocumentVersion, fact.version_id)
    document = session.get(Document, version.document_id) if version else None
    return {
        "version_id": fact.version_id,
        "version": version.number if version else None,
        "document_id": document.id if document else None,
        "source": document.source_id if document else None,
        "url": document.url if document else None,
        "title": version.title if version else None,
    }


Known = Mapping[int, list[Fact]]
"""The facts of some versions, read before (:func:`facts_of`), by version id."""


def _facts(session: Session, version_id: int, known: Known | None = None) -> list[Fact]:
    if known is not None and version_id in known:
        return known[version_id]
    return list(
        session.scalars(
            select(Fact).where(Fact.version_id == version_id).order_by(Fact.start, Fact.id)
        )
    )


def facts_of(session: Session, version_ids: Sequence[int]) -> dict[int, list[Fact]]:
    """The facts of a batch of versions in one query, each version's in text order (as
    :func:`_facts` reads one version's), every asked version present, with none or more:
    change building reads them once for its batch and the versions before them, instead of
    once or twice per version."""
    found: dict[int, list[Fact]] = {version_id: [] for version_id in version_ids}
    query = select(Fact).where(Fact.version_id.in_(version_ids))
    for fact in session.scalars(query.order_by(Fact.version_id, Fact.start, Fact.id)):
        found[fact.version_id].append(fact)
    return found


def _by_key(facts: list[Fact]) -> dict[Key, list[Fact]]:
    grouped: dict[Key, list[Fact]] = defaultdict(list)
    for fact in facts:
        grouped[(fact.entity_id, fact.metric, fact.unit)].append(fact)
    return grouped


def within_document(
    session: Session,
    old_version: DocumentVersion,
    new_version: DocumentVersion,
    known: Known | None = None,
) -> list[FactChange]:
    """Numbers of the same (entity, metric, unit) that changed between two versions of one
    document (see :func:`_pairs` for how values are paired), one per distinct fact."""
    old = _by_key(_facts(session, old_version.id, known))
    new = _by_key(_facts(session, new_version.id, known))
    changes = []
    for key in sorted(old.keys() & new.keys(), key=str):
        for before, after in _pairs(old[key], new[key]):
            changes.append(
                FactChange(
                    key[0],
                    key[1],
                    key[2],
                    before,
                    after,
                    old_version.document_id,
                    new_version.document_id,
                )
            )
    return distinct(changes)


def distinct(changes: list[FactChange]) -> list[FactChange]:
    """One change per distinct fact. A release states a figure more than once (its title and
    its lead, the text and a table, next to a zone and next to its district): each mention is
    a stored fact, but the figure that moved is one, and a reader is told once. The change
    kept is the first tied to an entity, else the first."""
    groups: dict[tuple[str, str, str, str | None, str, str], list[FactChange]] = {}
    for change in changes:
        groups.setdefault(change.identity(), []).append(change)
    return [
        next((change for change in group if change.entity_id is not None), group[0])
        for group in groups.values()
    ]


def _pairs(old: list[Fact], new: list[Fact]) -> list[tuple[Fact, Fact]]:
    """Changed values of one key: by position when both versions state it as often (an
    edited body next to an unchanged attachment keeps the order), else the values that went
    and came, when as many went as came."""
    if len(old) == len(new):
        return [(o, n) for o, n in zip(old, new, strict=True) if o.value != n.value]
    gone = [f for f in old if f.value not in {n.value for n in new}]
    came = [f for f in new if f.value not in {o.value for o in old}]
    if gone and len(gone) == len(came):
        return list(zip(gone, came, strict=True))
    return []


def comparable(old: Fact, new: Fact) -> bool:
    """Two figures say the same thing at two times: same entity, metric, unit and period kind,
    and, when both name one, the same period (a first half is not a second quarter, nor the
    other half). A figure whose period is unknown compares only with another such figure."""
    return (old.entity_id, old.metric, old.unit, old.period) == (
        new.entity_id,
        new.metric,
        new.unit,
        new.period,
    ) and (old.scope is None or new.scope is None or old.scope == new.scope)


def across_documents(
    session: Session, version: DocumentVersion, known: Known | None = None
) -> list[FactChange]:
    """A specific metric of an entity that another release stated differently before.

    Only the latest *comparable* figure (see :func:`comparable`) is the old value; a figure no
    earlier release stated comparably is new information, not a change. A figure the release
    states twice is one change (see :func:`distinct`).
    """
    candidates = [
        fact
        for fact in _facts(session, version.id, known)
        if fact.entity_id is not None and fact.metric.startswith(CROSS_DOCUMENT_METRICS)
    ]
    if not candidates:
        return []
    earlier = _earlier_statements(session, version, candidates)
    changes = []
    for fact in candidates:
        previous = _latest_comparable(earlier.get((fact.entity_id, fact.metric), []), fact)
        if previous is not None and previous.fact.value != fact.value:
            changes.append(
                FactChange(
                    fact.entity_id,
                    fact.metric,
                    fact.unit,
                    previous.fact,
                    fact,
                    previous.document_id,
                    version.document_id,
                )
            )
    return distinct(changes)


@dataclass(frozen=True)
class _Statement:
    """A figure another release's current version states, with when that version came."""

    fact: Fact
    document_id: int
    created_at: dt.datetime


def _earlier_statements(
    session: Session, version: DocumentVersion, candidates: list[Fact]
) -> dict[tuple[str | None, str], list[_Statement]]:
    """Every figure of the candidates' (entity, metric) pairs that other releases' current
    versions stated up to this version, in one query for the whole version: driven by the
    facts' (entity, metric) index, then the version's key and the documents' current-version
    index, instead of one query (and a scan of the documents) per candidate figure."""
    keys = sorted({(fact.entity_id, fact.metric) for fact in candidates}, key=str)
    rows = session.execute(earlier_statements_query(version, keys)).tuples()
    found: dict[tuple[str | None, str], list[_Statement]] = defaultdict(list)
    for fact, document_id, created_at in rows:
        found[(fact.entity_id, fact.metric)].append(_Statement(fact, document_id, created_at))
    return found


def earlier_statements_query(
    version: DocumentVersion, keys: list[tuple[str | None, str]]
) -> Select[tuple[Fact, int, dt.datetime]]:
    """The figures of ``keys`` (entity, metric) in other releases' current versions made up
    to ``version``, with their document and version time. A key without an entity matches no
    figure (NULL equals nothing); saying so lets the planner use the (entity, metric) index,
    which holds only linked figures."""
    return (
        select(Fact, DocumentVersion.document_id, DocumentVersion.created_at)
        .join(DocumentVersion, DocumentVersion.id == Fact.version_id)
        .join(Document, Document.current_version_id == DocumentVersion.id)
        .where(
            Fact.entity_id.is_not(None),
            tuple_(Fact.entity_id, Fact.metric).in_(keys),
            DocumentVersion.document_id != version.document_id,
            DocumentVersion.created_at <= version.created_at,
        )
    )


def _latest_comparable(statements: list[_Statement], fact: Fact) -> _Statement | None:
    """The newest statement (latest version, then latest fact) comparable with ``fact``."""
    fitting = [statement for statement in statements if comparable(statement.fact, fact)]
    return max(fitting, key=lambda s: (s.created_at, s.fact.id), default=None)
