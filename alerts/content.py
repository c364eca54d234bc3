"""What a subscriber reads about one event: its change records turned into display data.

An event is what one alert stands for: the records one document version made (the document
record plus its attachment, figure and proposal records), all records of one document in a
digest's period, or one model change. Emails, digests and chat channels all render the
:class:`AlertItem` :func:`load_event` builds, so what a reader learns — the release date,
source and department, a lede, the figures, the edit, what a correction corrects — is decided
once, here, in the subscriber's language. Items are plain frozen data: rendering never
touches the database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.alerts.links import clean_url
from zonewatch.alerts.wording import (
    DEFAULT_TIMEZONE,
    LANGUAGES,
    AttachmentAction,
    Level,
    action_phrase,
    effective_words,
    kind_label,
    language_code,
    language_name,
    level_of,
    level_word,
    metric_label,
    period_words,
    release_day,
    source_label,
    timezone_of,
    word,
)
from zonewatch.changes.diffing import DiffOp, TextDiff, render_plain
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Entity,
    EntityChange,
    Fact,
    Source,
    Subscriber,
    Subscription,
    Topic,
)
from zonewatch.models.enums import ChangeKind, ProposalOrigin, ProposalStatus

__all__ = [  # kind_label, metric_label and word live in wording; imported from here too
    "LANGUAGES",
    "AlertItem",
    "AttachmentChange",
    "Correction",
    "Edit",
    "FactLine",
    "FigureChange",
    "Link",
    "diff_excerpt",
    "digest_summary",
    "group_for_digest",
    "kind_label",
    "language_of",
    "lede",
    "load_event",
    "load_item",
    "metric_label",
    "release_line",
    "subject",
    "why",
    "word",
]

EXCERPT_LIMIT = 400
LEDE_LIMIT = 280
FACT_LIMIT = 8
_SHORT_CHANGE = 40
ATTACHMENT_KINDS = {
    "attachment_added": AttachmentAction.ADDED,
    "attachment_replaced": AttachmentAction.REPLACED,
    "attachment_removed": AttachmentAction.REMOVED,
}

# Lower rank sorts first: a reader thinks in zones, then programmes, then who said it.
_KIND_RANK = {
    "fez": 0,
    "fez_district": 1,
    "special_zone": 1,
    "industrial_complex": 1,
    "cluster": 1,
    "district": 1,
    "programme": 2,
    "zone_type": 3,
    "zone_system": 3,
    "body": 4,
    "authority": 5,
}
_SPACES = re.compile(r"\s+")
_MARK = re.compile(r"\[-|\{\+")
_SQUASH = re.compile(r"[\s\W_]+")
# Line openers of Korean press releases (□ ○ ㅇ ◇ - *) and light Markdown (#, >, **).
_BULLET = re.compile(r"^\s*(?:[□■◇◆○●◦ㅇ▪▴•※*#>\-–—]+\s*)+")
_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")
_CORRECTION_MARK = re.compile(
    r"^\s*[\[\(<〈【]\s*(?:정정|해명|수정|correction|clarification)\s*[\]\)>〉】]\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class Link:
    """A release a reader may want to open: its title and clean URL (None: not linkable)."""

    text: str
    url: str | None


@dataclass(frozen=True)
class FactLine:
    """A figure the release states: "목표 입주기업 (인천경제자유구역)" and "300개사"."""

    label: str
    value: str


@dataclass(frozen=True)
class FigureChange:
    """A figure that moved, as written before and after; ``was``/``now`` cite the releases
    when the two figures come from different ones, so either side can be checked."""

    label: str
    old: str
    new: str
    was: Link | None = None
    now: Link | None = None


@dataclass(frozen=True)
class AttachmentChange:
    action: AttachmentAction
    name: str
    url: str | None


@dataclass(frozen=True)
class Edit:
    """One edit of the release: a one-line gist and the ``[-old-]{+new+}`` excerpt."""

    headline: str
    diff_excerpt: str


@dataclass(frozen=True)
class Correction:
    """What a correction notice corrects. ``original`` is None when no release could be
    identified; the mail then says so rather than pretending."""

    original: Link | None
    original_released_at: datetime | None
    figures: tuple[FigureChange, ...]


@dataclass(frozen=True)
class AlertItem:
    """One event as one subscriber will read it; every text is already in their language.

    ``released_at`` is the publisher's date (None when no source states one), never the
    moment zonewatch noticed the release, which is ``detected_at``."""

    change_id: int
    kind: str
    title: str
    url: str | None
    source_name: str | None
    department: str | None
    released_at: datetime | None
    detected_at: datetime
    significance: float
    zones: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]
    headline: str
    lede: str
    why: str
    language: str = "ko"
    timezone: str = DEFAULT_TIMEZONE
    change_ids: tuple[int, ...] = ()
    document_title: str | None = None
    facts: tuple[FactLine, ...] = ()
    more_facts: int = 0
    edits: tuple[Edit, ...] = ()
    figure_changes: tuple[FigureChange, ...] = ()
    attachments: tuple[AttachmentChange, ...] = ()
    correction: Correction | None = None
    model_changes: tuple[str, ...] = ()

    @property
    def level(self) -> Level:
        return level_of(self.significance)

    @property
    def is_correction(self) -> bool:
        return self.kind == ChangeKind.CORRECTION

    @property
    def is_model_change(self) -> bool:
        return self.kind == ChangeKind.MODEL_CHANGE


def language_of(subscriber: Subscriber) -> str:
    """The subscriber's language if we write it, else Korean (the sources' language)."""
    return language_code(subscriber.language)


# --- loading ---------------------------------------------------------------------------------


def load_item(
    session: Session, change_id: int, subscriber: Subscriber, subscription: Subscription | None
) -> AlertItem:
    """The event of one record; raises LookupError when the record is gone (it may have
    been deleted between matching and sending)."""
    record = session.get(ChangeRecord, change_id)
    if record is None:
        raise LookupError(f"change record {change_id} not found")
    return load_event(session, [record], subscriber, subscription)


def load_event(
    session: Session,
    records: Sequence[ChangeRecord],
    subscriber: Subscriber,
    subscription: Subscription | None,
) -> AlertItem:
    """Everything a mail about the event of ``records`` (lead record first) shows to
    ``subscriber``; raises ValueError for no records."""
    if not records:
        raise ValueError("an event needs at least one change record")
    language = language_of(subscriber)
    lead = records[0]
    names = _Names(session, language)
    version = _event_version(session, records)
    document = _event_document(session, lead, version)
    notice = next((r for r in records if r.kind == ChangeKind.CORRECTION), None)
    correction, corrected = (
        _correction(session, notice, version, names) if notice else (None, frozenset())
    )
    shown = {_figure_key(f) for f in correction.figures} if correction else set()
    figures = tuple(f for f in _figure_changes(records, names) if _figure_key(f) not in shown)
    facts, more = _stated_facts(session, version, names, corrected)
    models = tuple(
        _model_sentence(session, r, names) for r in records if r.kind == ChangeKind.MODEL_CHANGE
    )
    edits = tuple(
        _edit(r.diff or {}, language) for r in records if r.kind == ChangeKind.CHANGED_DOCUMENT
    )
    title = _title(lead, version, models)
    return AlertItem(
        change_id=lead.id,
        change_ids=tuple(r.id for r in records),
        kind=lead.kind,
        title=title,
        document_title=_document_title(lead, version),
        url=clean_url(document.url) if document else None,
        source_name=_source_name(session, _source_id(lead, document)),
        department=_one_line(version.department) if version and version.department else None,
        released_at=_released_at(records, document, version),
        detected_at=lead.occurred_at,
        significance=max(r.significance for r in records),
        zones=_zones(session, [r.id for r in records], names),
        topics=_topics(session, [r.id for r in records], language),
        headline=_headline(lead, language, edits, figures, correction, _attachments([lead])),
        lede=lede(version.text, version.title, version.subtitle) if version else "",
        why=why(session, subscription, language),
        language=language,
        timezone=subscriber.timezone or DEFAULT_TIMEZONE,
        facts=facts,
        more_facts=more,
        edits=edits,
        figure_changes=figures,
        attachments=_attachments(records),
        correction=correction,
        model_changes=models[1:] if lead.kind == ChangeKind.MODEL_CHANGE else models,
    )


class _Names:
    """Entity names in the reader's language, looked up once per event."""

    def __init__(self, session: Session, language: str) -> None:
        self.session = session
        self.language = language
        self._cache: dict[str, str | None] = {}

    def entity(self, entity_id: str | None) -> str | None:
        if not entity_id:
            return None
        if entity_id not in self._cache:
            row = self.session.get(Entity, entity_id)
            self._cache[entity_id] = _entity_name(row, self.language) if row else None
        return self._cache[entity_id]


def _entity_name(entity: Entity, language: str) -> str:
    name = entity.name_en if language == "en" else entity.name_ko
    return name or entity.name_ko or entity.name_en


def _event_version(session: Session, records: Sequence[ChangeRecord]) -> DocumentVersion | None:
    """The version the event is about: the newest one its records made. A withdrawal made
    none and points at the last version as its old one; a figure compared with another
    release points at that release as its old one, so only withdrawals count that way."""
    made = [r.new_version_id for r in records if r.new_version_id is not None]
    if not made:
        made = [
            r.old_version_id
            for r in records
            if r.kind == ChangeKind.REMOVED_DOCUMENT and r.old_version_id is not None
        ]
    if made:
        return session.get(DocumentVersion, max(made))
    documents = [r.document_id for r in records if r.document_id is not None]
    document = session.get(Document, documents[0]) if documents else None
    if document is None or document.current_version_id is None:
        return None
    return session.get(DocumentVersion, document.current_version_id)


def _event_document(
    session: Session, lead: ChangeRecord, version: DocumentVersion | None
) -> Document | None:
    document_id = lead.document_id or (version.document_id if version else None)
    return session.get(Document, document_id) if document_id is not None else None


def _released_at(
    records: Sequence[ChangeRecord], document: Document | None, version: DocumentVersion | None
) -> datetime | None:
    """The publisher's date: the record's, else the document's, else the version's."""
    stated = [r.released_at for r in records if r.released_at is not None]
    if stated:
        return stated[0]
    if document is not None and document.published_at is not None:
        return document.published_at
    return version.published_at if version is not None else None


def _document_title(lead: ChangeRecord, version: DocumentVersion | None) -> str | None:
    """The release a model change was reported in (its title is the change itself)."""
    return _one_line(version.title) if version and lead.kind == ChangeKind.MODEL_CHANGE else None


def _title(lead: ChangeRecord, version: DocumentVersion | None, models: Sequence[str]) -> str:
    """The release's own title; a model change is titled by what changed. Records name
    themselves for analysts ("… — investment: 1,800억 → 1,950억", "Proposed: cbfez expand"),
    so a record's title is shown only when there is no version, cut before its detail."""
    if lead.kind == ChangeKind.MODEL_CHANGE and models:
        return models[0]
    if version is not None:
        return _one_line(version.title)
    return _one_line(lead.title.split(" — ", 1)[0])


def _zones(
    session: Session, change_ids: Sequence[int], names: _Names
) -> tuple[tuple[str, str], ...]:
    linked = select(ChangeEntity.entity_id).where(ChangeEntity.change_id.in_(change_ids))
    entities = session.scalars(select(Entity).where(Entity.id.in_(linked)))
    ordered = sorted(entities, key=lambda e: (_KIND_RANK.get(e.kind, 6), e.id))
    return tuple((entity.id, _entity_name(entity, names.language)) for entity in ordered)


def _topics(session: Session, change_ids: Sequence[int], language: str) -> tuple[str, ...]:
    linked = select(ChangeTopic.topic_id).where(ChangeTopic.change_id.in_(change_ids))
    topics = session.scalars(select(Topic).where(Topic.id.in_(linked)).order_by(Topic.id))
    return tuple(_topic_name(topic, language) for topic in topics)


def _topic_name(topic: Topic, language: str) -> str:
    return (topic.name_en if language == "en" else topic.name_ko) or topic.name_ko


def _source_id(lead: ChangeRecord, document: Document | None) -> str | None:
    return lead.source_id or (document.source_id if document is not None else None)


def _source_name(session: Session, source_id: str | None) -> str | None:
    source = session.get(Source, source_id) if source_id else None
    return source.name if source is not None else None


# --- headline and edits ------------------------------------------------------------------------


def _headline(
    lead: ChangeRecord,
    language: str,
    edits: Sequence[Edit],
    figures: Sequence[FigureChange],
    correction: Correction | None,
    attachments: Sequence[AttachmentChange],
) -> str:
    """One line on what happened, so a reader knows whether to open the mail at all."""
    label = kind_label(lead.kind, language)
    if lead.kind == ChangeKind.CHANGED_DOCUMENT and edits:
        return edits[0].headline
    if lead.kind == ChangeKind.FACT_CHANGE and figures:
        return f"{label}: {_figure_text(figures[0])}{_more(len(figures), language)}"
    if lead.kind in ATTACHMENT_KINDS and attachments:
        return f"{label}: {attachments[0].name}"
    if lead.kind == ChangeKind.CORRECTION and correction is not None and correction.figures:
        first = correction.figures[0]
        return f"{label}: {_figure_text(first)}{_more(len(correction.figures), language)}"
    if (
        lead.kind == ChangeKind.CORRECTION
        and correction is not None
        and correction.original is not None
    ):
        return f"{label}: {correction.original.text}"
    if lead.kind == ChangeKind.REMOVED_DOCUMENT:
        return f"{label}: {word('withdrawn', language)}"
    return label


def _figure_text(figure: FigureChange) -> str:
    return f"{figure.label} {figure.old} → {figure.new}"


def _more(count: int, language: str) -> str:
    return f" {word('more', language, n=count - 1)}" if count > 1 else ""


def _edit(diff: Mapping[str, Any], language: str) -> Edit:
    return Edit(headline=_edit_headline(diff, language), diff_excerpt=diff_excerpt(diff))


def _edit_headline(diff: Mapping[str, Any], language: str) -> str:
    body = _text_diff(diff.get("body"))
    if body is not None and body.changed:
        return _ops_headline(body, word("body_edited", language), language)
    title = _text_diff(diff.get("title"))
    if title is not None and title.changed:
        return _ops_headline(title, word("title_edited", language), language)
    return word("no_text_change", language)


def _ops_headline(diff: TextDiff, label: str, language: str) -> str:
    changes = list(dict.fromkeys((op.old.strip(), op.new.strip()) for op in _changed(diff.ops)))
    old, new = changes[0]
    if max(len(old), len(new)) > _SHORT_CHANGE:
        counts = f"+{diff.words_inserted}/−{diff.words_deleted} {word('words', language)}"
        return f"{label} ({counts})"
    shown = f"{old or '∅'} → {new or '∅'}"
    return f"{label}: {shown}{_more(len(changes), language)}"


def _changed(ops: Iterable[DiffOp]) -> list[DiffOp]:
    return [op for op in ops if op.op != "equal"]


def diff_excerpt(diff: Mapping[str, Any] | None, limit: int = EXCERPT_LIMIT) -> str:
    """The changed words with a little context, in ``[-old-]{+new+}`` markup; "" if none.

    Starts shortly before the first change, so a long unchanged lead-in never pushes the
    change itself out of the excerpt."""
    diff = diff or {}
    for part in ("body", "title"):
        text_diff = _text_diff(diff.get(part))
        if text_diff is not None and text_diff.changed:
            return _window(_one_line(render_plain(text_diff)), limit)
    return ""


def _window(text: str, limit: int) -> str:
    first = _MARK.search(text)
    start = max(0, first.start() - limit // 4) if first else 0
    if start:
        space = text.find(" ", start, first.start() if first else None)
        start = space + 1 if space != -1 else start
    piece = text[start : start + limit]
    if start + limit < len(text):
        piece = piece.rsplit(" ", 1)[0] if " " in piece[limit // 2 :] else piece
        piece += " …"
    return ("… " if start else "") + piece


def _text_diff(data: object) -> TextDiff | None:
    if not isinstance(data, dict):
        return None
    try:
        return TextDiff.from_json(data)
    except (ValueError, TypeError):
        return None


# --- the lede --------------------------------------------------------------------------------


def lede(text: str, title: str = "", subtitle: str | None = None, limit: int = LEDE_LIMIT) -> str:
    """What the release says first: its summary lines (부제) when they say more than the
    title, else its first sentences; whole sentences up to ``limit`` characters, or the
    first sentence cut between two words (Korean puts spaces between words too)."""
    for candidate in (subtitle or "", text or ""):
        lines = _content_lines(candidate, title)
        if lines:
            return _first_sentences(_join(lines), limit)
    return ""


def _content_lines(text: str, title: str) -> list[tuple[str, bool]]:
    """(line, opened with a bullet) without blank lines or lines repeating the title."""
    squashed_title = _squash(title)
    lines = []
    for raw in text.splitlines():
        bullet = _BULLET.match(raw) is not None
        line = _one_line(_BULLET.sub("", raw)).replace("**", "").strip(" -")
        squashed = _squash(line)
        if not squashed or (squashed_title and squashed == squashed_title):
            continue
        lines.append((line, bullet))
    return lines


def _join(lines: Sequence[tuple[str, bool]]) -> str:
    """Hard-wrapped lines run on with a space; a bulleted point after another one is set
    off with " · ", since the summary points of a release carry no full stop."""
    out = lines[0][0]
    for line, bullet in lines[1:]:
        ended = out.endswith((".", "!", "?", "。", "다"))
        out += f" {line}" if ended or not bullet else f" · {line}"
    return out


def _first_sentences(text: str, limit: int) -> str:
    sentences = _SENTENCE_END.split(text)
    out = sentences[0]
    if len(out) > limit:
        return _cut_between_words(out, limit)
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out += " " + sentence
    return out


def _cut_between_words(text: str, limit: int) -> str:
    piece = text[: limit - 1]
    space = piece.rfind(" ")
    if space > limit // 2:
        piece = piece[:space]
    return piece.rstrip(" ,·") + "…"


def _squash(text: str) -> str:
    return _SQUASH.sub("", text).lower()


# --- figures ---------------------------------------------------------------------------------


FactKey = tuple[str | None, str, str]
FactValue = tuple[FactKey, Decimal]


def _stated_facts(
    session: Session,
    version: DocumentVersion | None,
    names: _Names,
    exclude: frozenset[FactValue],
) -> tuple[tuple[FactLine, ...], int]:
    """The figures the version states, first mention first, each value once; the ones a
    correction already shows as corrected (``exclude``) are left out. At most FACT_LIMIT,
    and how many more there are.

    Figures come from the release's own text; its attachments' figures (classified after
    the text) only when the text states none, because an attachment left unchanged by an
    edit still states the old figures beside the new ones."""
    if version is None:
        return (), 0
    facts = _facts_of(session, version.id)
    in_text = [fact for fact in facts if fact.start < len(version.text or "")]
    seen: set[FactValue] = set()
    lines = []
    for fact in in_text or facts:
        key = (_key(fact), _canonical(fact.value))
        if key in seen or key in exclude:
            continue
        seen.add(key)
        lines.append(FactLine(_fact_label(fact, names), _one_line(fact.raw)))
    return tuple(lines[:FACT_LIMIT]), max(0, len(lines) - FACT_LIMIT)


def _facts_of(session: Session, version_id: int) -> list[Fact]:
    return list(
        session.scalars(
            select(Fact).where(Fact.version_id == version_id).order_by(Fact.start, Fact.id)
        )
    )


def _key(fact: Fact) -> FactKey:
    return (fact.entity_id, fact.metric, fact.unit)


def _canonical(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).normalize()


def _fact_label(fact: Fact, names: _Names) -> str:
    qualifiers = [names.entity(fact.entity_id)]
    if not fact.metric.startswith("target_") or fact.period != "target":
        qualifiers.extend(period_words(fact.period, fact.scope, names.language))
    else:
        qualifiers.extend(period_words(None, fact.scope, names.language))
    return _label(metric_label(fact.metric, names.language), qualifiers)


def _label(metric: str, qualifiers: Iterable[str | None]) -> str:
    shown = [q for q in qualifiers if q]
    return f"{metric} ({', '.join(shown)})" if shown else metric


def _figure_changes(records: Sequence[ChangeRecord], names: _Names) -> list[FigureChange]:
    """The figure records of the event, each change once."""
    out: dict[tuple[str, str, str], FigureChange] = {}
    for record in records:
        if record.kind != ChangeKind.FACT_CHANGE:
            continue
        for fact in _diff_facts(record.diff or {}):
            figure = _figure(fact, names)
            out.setdefault(_figure_key(figure), figure)
    return list(out.values())


def _diff_facts(diff: Mapping[str, Any]) -> list[dict[str, Any]]:
    facts = diff.get("facts")
    return [fact for fact in facts if isinstance(fact, dict)] if isinstance(facts, list) else []


def _figure(fact: Mapping[str, Any], names: _Names) -> FigureChange:
    entity = fact.get("entity")
    label = _label(
        metric_label(str(fact.get("metric", "")), names.language),
        [names.entity(entity if isinstance(entity, str) else None)],
    )
    old = fact.get("old_raw") or _number(fact.get("old"), fact.get("unit"))
    new = fact.get("new_raw") or _number(fact.get("new"), fact.get("unit"))
    was, now = fact.get("old_source"), fact.get("new_source")
    cited = (
        isinstance(was, dict)
        and isinstance(now, dict)
        and was.get("document_id") != now.get("document_id")
    )
    return FigureChange(
        label=label,
        old=_one_line(str(old)),
        new=_one_line(str(new)),
        was=_cite(was) if cited and isinstance(was, dict) else None,
        now=_cite(now) if cited and isinstance(now, dict) else None,
    )


def _figure_key(figure: FigureChange) -> tuple[str, str, str]:
    return (figure.label, figure.old, figure.new)


def _number(value: object, unit: object) -> str:
    return f"{value} {unit}" if unit else str(value)


def _cite(source: Mapping[str, Any]) -> Link:
    title = _one_line(str(source.get("title") or source.get("source") or "?"))
    url = source.get("url")
    return Link(title, clean_url(url) if isinstance(url, str) else None)


# --- corrections -----------------------------------------------------------------------------


def _correction(
    session: Session, record: ChangeRecord, notice: DocumentVersion | None, names: _Names
) -> tuple[Correction, frozenset[FactValue]]:
    """The release a correction notice corrects (see changes.corrections for how it is
    found), as it read when the notice came out, and the figures the notice changes; with
    the notice's own figures that are part of a correction, which the stated-figures list
    then leaves out (both "1,800억" and "1,950억" are in the notice, as one correction)."""
    original = _corrected_document(session, record)
    if original is None:
        return Correction(None, None, ()), frozenset()
    before = _version_before(session, original, notice)
    title = _one_line(before.title) if before else _one_line(original.url)
    pairs = _corrected_pairs(session, before, notice) if before and notice else []
    figures = tuple(
        FigureChange(_fact_label(new, names), _one_line(old.raw), _one_line(new.raw))
        for old, new in pairs
    )
    involved = frozenset((_key(f), _canonical(f.value)) for pair in pairs for f in pair)
    released = original.published_at or (before.published_at if before else None)
    return Correction(Link(title, clean_url(original.url)), released, figures), involved


def _corrected_document(session: Session, record: ChangeRecord) -> Document | None:
    related_id = record.related_change_id
    related = session.get(ChangeRecord, related_id) if related_id is not None else None
    if related is not None and related.document_id is not None:
        return session.get(Document, related.document_id)
    named = (record.signals or {}).get("corrects_document")
    return session.get(Document, named) if isinstance(named, int) else None


def _version_before(
    session: Session, document: Document, notice: DocumentVersion | None
) -> DocumentVersion | None:
    """The corrected release as the notice saw it: its newest version made before the
    notice (a later fix of the original would otherwise hide what was corrected)."""
    query = select(DocumentVersion).where(DocumentVersion.document_id == document.id)
    if notice is not None:
        query = query.where(DocumentVersion.created_at <= notice.created_at)
    found = session.scalars(query.order_by(DocumentVersion.number.desc()).limit(1)).first()
    if found is not None or document.current_version_id is None:
        return found
    return session.get(DocumentVersion, document.current_version_id)


def _corrected_pairs(
    session: Session, original: DocumentVersion, notice: DocumentVersion
) -> list[tuple[Fact, Fact]]:
    """(old, new) per figure kind (entity, metric, unit) the notice states differently.

    A notice either restates the release with new values (the old ones are gone: pair gone
    with new, in order) or quotes both ("(정정 전) 1,800억 원 → (정정 후) 1,950억 원": pair the
    original's values it repeats with its new ones). Anything else is ambiguous and shows
    no pairing rather than a wrong one."""
    before, after = _by_key(_facts_of(session, original.id)), _by_key(_facts_of(session, notice.id))
    pairs: list[tuple[Fact, Fact]] = []
    for key, old_facts in before.items():
        new_facts = after.get(key, [])
        old_values = {_canonical(f.value) for f in old_facts}
        new_values = {_canonical(f.value) for f in new_facts}
        came = [f for f in new_facts if _canonical(f.value) not in old_values]
        gone = [f for f in old_facts if _canonical(f.value) not in new_values]
        repeated = [f for f in old_facts if _canonical(f.value) in new_values]
        olds = gone if gone else repeated
        if came and len(olds) == len(came):
            pairs.extend(zip(olds, came, strict=True))
    return pairs


def _by_key(facts: Iterable[Fact]) -> dict[FactKey, list[Fact]]:
    """Facts per key, each value once, in the order the text states them."""
    grouped: dict[FactKey, list[Fact]] = {}
    for fact in facts:
        group = grouped.setdefault(_key(fact), [])
        if all(_canonical(f.value) != _canonical(fact.value) for f in group):
            group.append(fact)
    return grouped


# --- attachments and model changes -------------------------------------------------------------


def _attachments(records: Sequence[ChangeRecord]) -> tuple[AttachmentChange, ...]:
    changes = []
    for record in records:
        action = ATTACHMENT_KINDS.get(record.kind)
        if action is None:
            continue
        detail = (record.diff or {}).get("attachments")
        old, new = _described(detail, "old"), _described(detail, "new")
        renamed = isinstance(detail, dict) and bool(detail.get("renamed"))
        name = new.get("name") or old.get("name") or record.summary or ""
        if renamed and old.get("name") and new.get("name") and old["name"] != new["name"]:
            name = f"{old['name']} → {new['name']}"
        url = new.get("url") or old.get("url")
        changes.append(
            AttachmentChange(action, _one_line(str(name)), clean_url(str(url)) if url else None)
        )
    return tuple(changes)


def _described(detail: object, side: str) -> dict[str, Any]:
    value = detail.get(side) if isinstance(detail, dict) else None
    return value if isinstance(value, dict) else {}


def _model_sentence(session: Session, record: ChangeRecord, names: _Names) -> str:
    """ "인천경제자유구역: 지정 해제 (2026-12-01 발효)" / "Incheon FEZ: designation withdrawn,
    effective 2026-12-01": what happened to which zone, never its id."""
    language = names.language
    change = session.get(EntityChange, record.entity_change_id) if record.entity_change_id else None
    if change is None:
        zones = [name for _, name in _zones(session, [record.id], names)]
        if not zones:
            raise LookupError(f"model change record {record.id} names no zone")
        return f"{', '.join(zones)}: {action_phrase('update', language)}"
    before, after = change.before or {}, change.after or {}
    name = names.entity(change.entity_id) or _entry_name(before or after, language)
    if name is None:
        raise LookupError(f"model change {change.id} names no zone")
    sentence = f"{name}: {action_phrase(change.action, language)}"
    if change.action == "rename":
        old, new = _entry_name(before, language), _entry_name(after, language)
        if old and new and old != new:
            sentence += f" ({old} → {new})"
    event = after.get("event") if isinstance(after.get("event"), dict) else {}
    if event and event.get("round") is not None:
        sentence += f" ({word('round', language, n=event['round'])})"
    effective = _effective_day(change)
    if effective is not None:
        words = effective_words(effective, language)
        sentence += f", {words}" if language == "en" else f" ({words})"
    if change.status == ProposalStatus.PROPOSED:
        sentence += f" — {word('not_reviewed', language)}"
    return sentence


def _entry_name(entry: Mapping[str, Any], language: str) -> str | None:
    name = entry.get("name")
    if isinstance(name, dict):
        found = name.get(language) or name.get("ko") or name.get("en")
        return str(found) if found else None
    return None


def _effective_day(change: EntityChange) -> date | None:
    """When the change takes effect: the proposal's date; for a zones.yaml edit, the
    designation or lifting date the file states (the edit's own date is only when the
    file changed)."""
    if change.origin != ProposalOrigin.CONFIG:
        return change.effective_on
    after = change.after or {}
    stated = {"lift": "lifted", "designate": "designated", "create": "designated"}
    field = stated.get(change.action)
    value = after.get(field) if field else None
    return date.fromisoformat(str(value)) if value else None


# --- why -------------------------------------------------------------------------------------


def why(session: Session, subscription: Subscription | None, language: str) -> str:
    """Which of the subscriber's criteria this change met, so they can tune or leave."""
    if subscription is None:
        return word("all", language)
    parts = []
    if subscription.entity_id:
        entity = session.get(Entity, subscription.entity_id)
        name = _entity_name(entity, language) if entity else subscription.entity_id
        parts.append(word("follow", language, name=name))
    if subscription.topic_id:
        topic = session.get(Topic, subscription.topic_id)
        name = _topic_name(topic, language) if topic else subscription.topic_id
        parts.append(word("topic", language, name=name))
    if subscription.keyword:
        parts.append(word("keyword", language, name=subscription.keyword))
    if subscription.source_id:
        name = _source_name(session, subscription.source_id) or subscription.source_id
        parts.append(word("source", language, name=source_label(name, language)))
    if subscription.change_kind:
        parts.append(word("kind", language, name=kind_label(subscription.change_kind, language)))
    if subscription.language:
        name = language_name(subscription.language, language)
        parts.append(word("language", language, name=name))
    if subscription.min_significance > 0:
        level = level_word(level_of(subscription.min_significance), language)
        parts.append(word("at_least", language, name=level))
    return " · ".join(parts) or word("all", language)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


# --- subjects and digests --------------------------------------------------------------------


def subject(item: AlertItem) -> str:
    """What the event is, in a line: "정정: <the corrected release>", "Edited: <title> (+2
    figures)", "구역 변경: 인천경제자유구역: 지정 해제 …". No internal names: the title is
    the release's own (or the model-change sentence), the label a reader's word."""
    language = item.language
    label = kind_label(item.kind, language)
    title = item.title
    if item.correction is not None and item.correction.original is not None:
        title = item.correction.original.text
    elif item.is_correction:
        title = _CORRECTION_MARK.sub("", title) or title
    suffix = ""
    if item.figure_changes and item.kind != ChangeKind.FACT_CHANGE:
        key = "figure_suffix" if len(item.figure_changes) == 1 else "figures_suffix"
        suffix = f" ({word(key, language, n=len(item.figure_changes))})"
    if item.correction is not None and item.correction.figures:
        suffix = f" ({_figure_text(item.correction.figures[0])})"
    return f"{label}: {title}{suffix}"


def release_line(item: AlertItem) -> str:
    """ "발표 2026-08-05 10:00 KST · 산업통상부 보도·참고자료 · 산업입지정책과": when and by whom
    (in the item's language and its reader's timezone). A release without a stated date says
    so; a zones.yaml edit, which nobody released, shows no date at all."""
    language = item.language
    when = release_day(item.released_at, timezone_of(item.timezone))
    parts = []
    if when:
        parts.append(word("released_on", language, when=when))
    elif item.source_name or item.url:
        parts.append(word("release_unknown", language))
    if item.source_name:
        parts.append(source_label(item.source_name, language))
    if item.department:
        parts.append(item.department)
    return " · ".join(parts)


def group_key(item: AlertItem, language: str | None = None) -> str:
    """The digest section an item goes in: its first zone, or "기타"/"Other"."""
    return item.zones[0][1] if item.zones else word("other", language or item.language)


def _by_significance(item: AlertItem) -> tuple[float, float]:
    return (-item.significance, -item.detected_at.timestamp())


def group_for_digest(
    items: Sequence[AlertItem], language: str | None = None
) -> list[tuple[str, list[AlertItem]]]:
    """Sections by zone or programme, the section with the most significant change first,
    each section most significant first (newest first on ties). ``language`` names the
    zone-less section; by default each item's own language does."""
    groups: dict[str, list[AlertItem]] = {}
    for item in items:
        groups.setdefault(group_key(item, language), []).append(item)
    sections = [(name, sorted(members, key=_by_significance)) for name, members in groups.items()]
    sections.sort(key=lambda section: (-section[1][0].significance, section[0]))
    return sections


def digest_summary(
    items: Sequence[AlertItem], language: str | None = None
) -> dict[str, dict[str, int]]:
    """Counts a digest opens with: per section zone, per topic and per change kind."""
    zones = Counter(group_key(item, language) for item in items)
    topics = Counter(topic for item in items for topic in item.topics)
    kinds = Counter(item.kind for item in items)
    return {
        "zones": dict(zones.most_common()),
        "topics": dict(topics.most_common()),
        "kinds": dict(kinds.most_common()),
    }
