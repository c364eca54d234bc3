"""What a subscriber reads about one change: the change record turned into display text.

Emails, digests and other channels all render an :class:`AlertItem`, so the wording of what
changed, where, and why it was sent is decided once, here, in the subscriber's language.
Items are plain frozen data: rendering never touches the database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.changes.diffing import DiffOp, TextDiff, render_plain
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    Entity,
    Source,
    Subscriber,
    Subscription,
    Topic,
)

LANGUAGES = ("ko", "en")
EXCERPT_LIMIT = 400
_SHORT_CHANGE = 40

KIND_LABELS: dict[str, tuple[str, str]] = {
    "new_document": ("새 보도자료", "New release"),
    "changed_document": ("수정", "Edited"),
    "removed_document": ("삭제", "Withdrawn"),
    "attachment_added": ("첨부 추가", "Attachment added"),
    "attachment_replaced": ("첨부 교체", "Attachment replaced"),
    "attachment_removed": ("첨부 삭제", "Attachment removed"),
    "correction": ("정정", "Correction"),
    "fact_change": ("수치 변경", "Figure changed"),
    "model_change": ("구역 모델 변경", "Zone model change"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "other": ("기타", "Other"),
    "body_edited": ("본문 수정", "Text edited"),
    "title_edited": ("제목 수정", "Title changed"),
    "words": ("단어", "words"),
    "more": ("외 {n}건", "and {n} more"),
    "no_text_change": ("본문 변화 없음", "No visible text change"),
    "corrects": ("정정 보도: {title}", "Correction: {title}"),
    "follow": ("구독 중: {name}", "you follow {name}"),
    "topic": ("주제: {name}", "topic: {name}"),
    "keyword": ("키워드: {name}", "keyword: {name}"),
    "source": ("출처: {name}", "source: {name}"),
    "kind": ("유형: {name}", "kind: {name}"),
    "all": ("모든 변경", "all changes"),
    "was": ("이전", "before"),
    "now": ("현재", "now"),
}

_METRIC_LABELS: dict[str, tuple[str, str]] = {
    "exports": ("수출", "exports"),
    "imports": ("수입", "imports"),
    "investment": ("투자", "investment"),
    "budget": ("예산·사업비", "budget"),
    "fund": ("펀드·기금", "fund"),
    "subsidy": ("보조금", "subsidy"),
    "loan": ("융자", "loans"),
    "sales": ("매출", "sales"),
    "tax": ("세제 감면", "tax relief"),
    "support": ("지원", "support"),
    "amount": ("금액", "amount"),
    "people": ("인원", "people"),
    "area": ("면적", "area"),
    "count": ("개수", "count"),
    "change": ("증감률", "change"),
    "share": ("비율", "share"),
    "companies": ("입주기업", "companies"),
    "jobs": ("고용", "jobs"),
    "km2": ("면적", "area"),
    "percent": ("비율", "share"),
    "KRW": ("금액", "amount"),
    "USD": ("금액", "amount"),
    "EUR": ("금액", "amount"),
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


@dataclass(frozen=True)
class AlertItem:
    """One change as one subscriber will read it; every text is already in their language."""

    change_id: int
    kind: str
    title: str
    url: str | None
    source_name: str | None
    occurred_at: datetime
    significance: float
    zones: tuple[tuple[str, str], ...]
    topics: tuple[str, ...]
    headline: str
    diff_excerpt: str
    fact_lines: tuple[str, ...]
    why: str
    is_correction: bool
    is_model_change: bool
    language: str = "ko"


def language_of(subscriber: Subscriber) -> str:
    """The subscriber's language if we write it, else Korean (the sources' language)."""
    return subscriber.language if subscriber.language in LANGUAGES else "ko"


def word(key: str, language: str, **values: object) -> str:
    """A fixed phrase in ``language``, with ``{name}``-style values filled in."""
    ko, en = _WORDS[key]
    return (en if language == "en" else ko).format(**values)


def kind_label(kind: str, language: str) -> str:
    """The change kind as a reader says it; unknown kinds show as they are stored."""
    ko, en = KIND_LABELS.get(kind, (kind, kind))
    return en if language == "en" else ko


def metric_label(metric: str, language: str) -> str:
    """``target_companies`` → "목표 입주기업": the fact extractor's ids are not for readers."""
    target = metric.startswith("target_")
    base = metric.removeprefix("target_")
    ko, en = _METRIC_LABELS.get(base, (base, base.replace("_", " ")))
    if target:
        return f"target {en}" if language == "en" else f"목표 {ko}"
    return en if language == "en" else ko


def load_item(
    session: Session, change_id: int, subscriber: Subscriber, subscription: Subscription | None
) -> AlertItem:
    """Everything a mail about ``change_id`` shows to ``subscriber``; raises LookupError when
    the change is gone (it may have been deleted between matching and sending)."""
    record = session.get(ChangeRecord, change_id)
    if record is None:
        raise LookupError(f"change record {change_id} not found")
    language = language_of(subscriber)
    zones = _zones(session, record.id, language)
    names = dict(zones)
    return AlertItem(
        change_id=record.id,
        kind=record.kind,
        title=_one_line(record.title),
        url=_document_url(session, record.document_id),
        source_name=_source_name(session, record.source_id),
        occurred_at=record.occurred_at,
        significance=record.significance,
        zones=zones,
        topics=_topics(session, record.id, language),
        headline=headline(record, language),
        diff_excerpt=diff_excerpt(record.diff),
        fact_lines=fact_lines(record.diff, language, names),
        why=why(session, subscription, language),
        is_correction=record.kind == "correction",
        is_model_change=record.kind == "model_change",
        language=language,
    )


def _zones(session: Session, change_id: int, language: str) -> tuple[tuple[str, str], ...]:
    entities = session.scalars(
        select(Entity)
        .join(ChangeEntity, ChangeEntity.entity_id == Entity.id)
        .where(ChangeEntity.change_id == change_id)
    )
    ordered = sorted(entities, key=lambda e: (_KIND_RANK.get(e.kind, 6), e.id))
    return tuple((entity.id, _entity_name(entity, language)) for entity in ordered)


def _entity_name(entity: Entity, language: str) -> str:
    name = entity.name_en if language == "en" else entity.name_ko
    return name or entity.name_ko or entity.id


def _topics(session: Session, change_id: int, language: str) -> tuple[str, ...]:
    topics = session.scalars(
        select(Topic)
        .join(ChangeTopic, ChangeTopic.topic_id == Topic.id)
        .where(ChangeTopic.change_id == change_id)
        .order_by(Topic.id)
    )
    return tuple(_topic_name(topic, language) for topic in topics)


def _topic_name(topic: Topic, language: str) -> str:
    return (topic.name_en if language == "en" else topic.name_ko) or topic.id


def _document_url(session: Session, document_id: int | None) -> str | None:
    document = session.get(Document, document_id) if document_id is not None else None
    return document.url if document is not None else None


def _source_name(session: Session, source_id: str | None) -> str | None:
    source = session.get(Source, source_id) if source_id is not None else None
    return source.name if source is not None else None


def headline(record: ChangeRecord, language: str) -> str:
    """One line on what changed, so a reader knows whether to open the mail at all."""
    diff = record.diff or {}
    label = kind_label(record.kind, language)
    if record.kind == "changed_document":
        return _edit_headline(diff, language)
    if record.kind == "fact_change":
        facts = _facts(diff)
        if not facts:
            return label
        metric = metric_label(str(facts[0].get("metric", "")), language)
        return f"{label}: {metric} {_fact_change(facts[0])}"
    if record.kind.startswith("attachment_"):
        return f"{label}: {_attachment_name(diff, record.summary)}"
    if record.kind == "model_change" and record.summary:
        return f"{label}: {_one_line(record.summary)}"
    return label


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
    more = f" {word('more', language, n=len(changes) - 1)}" if len(changes) > 1 else ""
    return f"{label}: {shown}{more}"


def _changed(ops: Iterable[DiffOp]) -> list[DiffOp]:
    return [op for op in ops if op.op != "equal"]


def _attachment_name(diff: Mapping[str, Any], summary: str | None) -> str:
    detail = diff.get("attachments")
    if isinstance(detail, dict):
        old, new = detail.get("old") or {}, detail.get("new") or {}
        if detail.get("renamed") and old.get("name") and new.get("name"):
            return f"{old['name']} → {new['name']}"
        name = new.get("name") or old.get("name")
        if name:
            return _one_line(str(name))
    return _one_line(summary or "")


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


def fact_lines(
    diff: Mapping[str, Any] | None, language: str, names: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """ "목표 입주기업 (인천경제자유구역): 250개사 → 300개사", citing both releases when the
    old figure came from another document: the reader must be able to check either side."""
    names = names or {}
    lines = []
    for fact in _facts(diff or {}):
        entity = fact.get("entity")
        where = f" ({names.get(entity, entity)})" if entity else ""
        line = f"{metric_label(str(fact.get('metric', '')), language)}{where}: "
        line += _fact_change(fact)
        lines.append(line + _sources(fact, language))
    return tuple(lines)


def _facts(diff: Mapping[str, Any]) -> list[dict[str, Any]]:
    facts = diff.get("facts")
    return [fact for fact in facts if isinstance(fact, dict)] if isinstance(facts, list) else []


def _fact_change(fact: Mapping[str, Any]) -> str:
    old = fact.get("old_raw") or _number(fact.get("old"), fact.get("unit"))
    new = fact.get("new_raw") or _number(fact.get("new"), fact.get("unit"))
    return f"{_one_line(str(old))} → {_one_line(str(new))}"


def _number(value: object, unit: object) -> str:
    return f"{value} {unit}" if unit else str(value)


def _sources(fact: Mapping[str, Any], language: str) -> str:
    old, new = fact.get("old_source"), fact.get("new_source")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ""
    if old.get("document_id") == new.get("document_id"):
        return ""
    return f" — {word('was', language)}: {_cite(old)}; {word('now', language)}: {_cite(new)}"


def _cite(source: Mapping[str, Any]) -> str:
    title = _one_line(str(source.get("title") or source.get("source") or "?"))
    return f"{title} <{source['url']}>" if source.get("url") else title


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
        parts.append(word("source", language, name=name))
    if subscription.change_kind:
        parts.append(word("kind", language, name=kind_label(subscription.change_kind, language)))
    return " · ".join(parts) or word("all", language)


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def group_key(item: AlertItem, language: str | None = None) -> str:
    """The digest section an item goes in: its first zone, or "기타"/"Other"."""
    return item.zones[0][1] if item.zones else word("other", language or item.language)


def _by_significance(item: AlertItem) -> tuple[float, float]:
    return (-item.significance, -item.occurred_at.timestamp())


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


def load_event(
    session: Session,
    records: Sequence[ChangeRecord],
    subscriber: Subscriber,
    subscription: Subscription | None,
) -> AlertItem:
    """Temporary (replaced by the mails rewrite at merge): the event as its lead record."""
    return load_item(session, records[0].id, subscriber, subscription)
