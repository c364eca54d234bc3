"""Find the subscriptions a change matches through an inverted index, not a scan of them all.

Every active subscription is posted once, under its most selective dimension: its entity
(expanded when the index is built to the entity and everything below it, so that a change is
looked up by its own entity ids), else its topic, else its source, else its keyword, else the
list of unfiltered subscriptions. Inside a posting, subscriptions are grouped by change kind and
language and sorted by minimum significance, so a lookup slices out only those whose kind,
language and threshold already fit. Subscriptions with no filter beyond their posting need no
further look; the others have their remaining filters checked one by one.

The index is plain data built from plain :class:`Rule` objects, so it works without a database
(the benchmark builds it in memory); :func:`index_for` builds it from a session and keeps it
per process until the subscriptions, subscribers or entity tree change.
"""

from __future__ import annotations

import dataclasses
import threading
from bisect import bisect_right
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

import ahocorasick
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zonewatch.models import Entity, Subscriber, Subscription
from zonewatch.models.enums import DeliveryMode, ReviewStatus, SubscriberStatus

DELIVERY_MODES = ("immediate", "daily", "weekly")

Key = tuple[str | None, str | None, str | None]
"""A posting key: (dimension value, change kind or None, language or None)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One active subscription as plain data: what matching needs, nothing tied to a session."""

    id: int
    subscriber_id: int
    entity_id: str | None = None
    topic_id: str | None = None
    source_id: str | None = None
    keyword: str | None = None
    language: str | None = None
    change_kind: str | None = None
    min_significance: float = 0.0
    delivery: str = "immediate"
    channel: str = "email"


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """What matching reads of a change record; ``haystack`` (title and text) is lower-cased."""

    id: int
    kind: str
    significance: float
    source_id: str | None = None
    entity_ids: frozenset[str] = frozenset()
    topic_ids: frozenset[str] = frozenset()
    language: str | None = None
    haystack: str = ""
    minor: bool = False
    review_status: str = "new"
    baseline: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "haystack", self.haystack.lower())

    @property
    def silent(self) -> bool:
        """Minor edits, changes an analyst marked as noise and a source's baseline (what was
        published before we watched it) alert nobody."""
        return self.minor or self.review_status == ReviewStatus.NOISE or self.baseline


class _Bucket(NamedTuple):
    """Positions of rules (in ``SubscriptionIndex.rules``) by ascending minimum significance."""

    thresholds: list[float]
    positions: list[int]

    def upto(self, significance: float) -> list[int]:
        return self.positions[: bisect_right(self.thresholds, significance)]


@dataclass
class _Postings:
    """One dimension's rules by key; ``plain`` ones need no check beyond the key."""

    plain: dict[Key, _Bucket] = field(default_factory=dict)
    checked: dict[Key, _Bucket] = field(default_factory=dict)

    @classmethod
    def of(cls, staged: Mapping[tuple[Key, bool], list[int]], rules: list[Rule]) -> _Postings:
        postings = cls()
        for (key, plain), positions in staged.items():
            positions = sorted(positions, key=lambda position: rules[position].min_significance)
            thresholds = [rules[position].min_significance for position in positions]
            (postings.plain if plain else postings.checked)[key] = _Bucket(thresholds, positions)
        return postings

    def collect(
        self,
        values: Iterable[str | None],
        change: ChangeFacts,
        plain: list[int],
        checked: list[int],
    ) -> None:
        kinds = (None, change.kind)
        languages = (None, change.language) if change.language else (None,)
        for value in values:
            for kind in kinds:
                for language in languages:
                    key = (value, kind, language)
                    if bucket := self.plain.get(key):
                        plain.extend(bucket.upto(change.significance))
                    if bucket := self.checked.get(key):
                        checked.extend(bucket.upto(change.significance))


def entity_scopes(
    entity_ids: Iterable[str], parents: Mapping[str, str | None]
) -> dict[str, frozenset[str]]:
    """Each entity with everything below it: a zone's districts, a zone type's instances."""
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    scopes: dict[str, frozenset[str]] = {}
    for entity_id in entity_ids:
        if entity_id in scopes:
            continue
        found = {entity_id}
        queue = [entity_id]
        while queue:
            for child in children.get(queue.pop(), ()):
                if child not in found:
                    found.add(child)
                    queue.append(child)
        scopes[entity_id] = frozenset(found)
    return scopes


def _normalized(rule: Rule) -> Rule:
    keyword = (rule.keyword or "").strip().lower() or None
    return rule if keyword == rule.keyword else dataclasses.replace(rule, keyword=keyword)


class SubscriptionIndex:
    """Postings by entity, topic, source and keyword, plus the unfiltered subscriptions."""

    def __init__(self, rules: Iterable[Rule], parents: Mapping[str, str | None]) -> None:
        """``parents`` maps every entity id to its parent id: the tree entity filters expand."""
        self.rules = sorted((_normalized(rule) for rule in rules), key=attrgetter("id"))
        self.scopes = entity_scopes(
            {rule.entity_id for rule in self.rules if rule.entity_id}, parents
        )
        staged: dict[str, dict[tuple[Key, bool], list[int]]] = {
            dimension: {} for dimension in ("entity", "topic", "source", "keyword", "all")
        }
        for position, rule in enumerate(self.rules):
            dimension, values, plain = self._posting_of(rule)
            for value in values:
                key = ((value, rule.change_kind, rule.language), plain)
                staged[dimension].setdefault(key, []).append(position)
        self._postings = {
            dimension: _Postings.of(keys, self.rules) for dimension, keys in staged.items()
        }
        self._keywords = _automaton(
            value for (value, _, _), _ in staged["keyword"] if value is not None
        )

    def __len__(self) -> int:
        return len(self.rules)

    def _posting_of(self, rule: Rule) -> tuple[str, Iterable[str | None], bool]:
        """Where a rule is posted, under which values, and whether that says all about it."""
        filters = [rule.entity_id, rule.topic_id, rule.source_id, rule.keyword]
        plain = sum(value is not None for value in filters) <= 1
        if rule.entity_id is not None:
            return "entity", self.scopes[rule.entity_id], plain
        if rule.topic_id is not None:
            return "topic", (rule.topic_id,), plain
        if rule.source_id is not None:
            return "source", (rule.source_id,), plain
        if rule.keyword is not None:
            return "keyword", (rule.keyword,), plain
        return "all", (None,), True

    def candidates(self, change: ChangeFacts) -> tuple[list[Rule], list[Rule]]:
        """Rules the postings offer: those known to match already, and those still to check."""
        plain, checked = self._positions(change)
        return [self.rules[i] for i in sorted(plain)], [self.rules[i] for i in sorted(checked)]

    def match(self, change: ChangeFacts) -> list[Rule]:
        """Every rule the change matches, in subscription id order; none for a silent change."""
        if change.silent:
            return []
        plain, checked = self._positions(change)
        rules = self.rules
        plain.update(i for i in checked if self.accepts(rules[i], change))
        return [rules[i] for i in sorted(plain)]

    def _positions(self, change: ChangeFacts) -> tuple[set[int], set[int]]:
        """Positions, rather than rules, so that de-duplicating and ordering them is cheap."""
        plain: list[int] = []
        checked: list[int] = []
        postings = self._postings
        postings["entity"].collect(change.entity_ids, change, plain, checked)
        postings["topic"].collect(change.topic_ids, change, plain, checked)
        if change.source_id is not None:
            postings["source"].collect((change.source_id,), change, plain, checked)
        postings["keyword"].collect(self._found_keywords(change.haystack), change, plain, checked)
        postings["all"].collect((None,), change, plain, checked)
        return set(plain), set(checked)

    def accepts(self, rule: Rule, change: ChangeFacts) -> bool:
        """Check every filter of one rule: what the scan does, and the index's final word."""
        if change.silent or change.significance < rule.min_significance:
            return False
        if rule.change_kind is not None and rule.change_kind != change.kind:
            return False
        if rule.language is not None and rule.language != change.language:
            return False
        if rule.entity_id is not None and self.scopes[rule.entity_id].isdisjoint(change.entity_ids):
            return False
        if rule.topic_id is not None and rule.topic_id not in change.topic_ids:
            return False
        if rule.source_id is not None and rule.source_id != change.source_id:
            return False
        return rule.keyword is None or rule.keyword in change.haystack

    def scan(self, change: ChangeFacts) -> list[Rule]:
        """The linear scan the index replaces: the benchmark's baseline and the tests' oracle."""
        return [rule for rule in self.rules if self.accepts(rule, change)]

    def _found_keywords(self, haystack: str) -> set[str]:
        if self._keywords is None or not haystack:
            return set()
        return {keyword for _, keyword in self._keywords.iter(haystack)}


def _automaton(keywords: Iterable[str]) -> Any:
    """One Aho-Corasick pass over a change's text finds every keyword any rule is posted by."""
    automaton = ahocorasick.Automaton()
    for keyword in set(keywords):
        automaton.add_word(keyword, keyword)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def choose_deliveries(rules: Iterable[Rule]) -> list[Rule]:
    """The rules to deliver by: one per subscriber and channel, in one delivery mode.

    A subscriber gets a change once per channel, and never both at once and again in a digest:
    when several subscriptions match, immediate wins, else the first (lowest id) one's mode.
    """
    by_subscriber: dict[int, list[Rule]] = {}
    for rule in sorted(rules, key=attrgetter("id")):
        by_subscriber.setdefault(rule.subscriber_id, []).append(rule)
    chosen: list[Rule] = []
    for matched in by_subscriber.values():
        immediate = any(rule.delivery == DeliveryMode.IMMEDIATE for rule in matched)
        mode = "immediate" if immediate else matched[0].delivery
        channels: set[str] = set()
        for rule in matched:
            if rule.delivery == mode and rule.channel not in channels:
                channels.add(rule.channel)
                chosen.append(rule)
    return chosen


# --- built from the database, cached per process ---------------------------------------------

_cache: dict[str, tuple[Hashable, SubscriptionIndex]] = {}
_cache_lock = threading.Lock()


def load_rules(session: Session) -> Iterator[Rule]:
    """The active subscriptions of active subscribers."""
    rows = session.execute(
        select(
            Subscription.id,
            Subscription.subscriber_id,
            Subscription.entity_id,
            Subscription.topic_id,
            Subscription.source_id,
            Subscription.keyword,
            Subscription.language,
            Subscription.change_kind,
            Subscription.min_significance,
            Subscription.delivery,
            Subscription.channel,
        )
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(Subscription.active.is_(True), Subscriber.status == SubscriberStatus.ACTIVE)
    )
    for row in rows:
        yield Rule(*row)


def load_index(session: Session) -> SubscriptionIndex:
    parents = dict(session.execute(select(Entity.id, Entity.parent_id)).tuples().all())
    return SubscriptionIndex(load_rules(session), parents)


def index_version(session: Session) -> tuple[Any, ...]:
    """Cheap to read, and different after any write that could change what matches."""

    def summary(table: Any) -> tuple[Any, Any]:
        return (
            select(func.count()).select_from(table).scalar_subquery(),
            select(func.max(table.updated_at)).scalar_subquery(),
        )

    columns = [*summary(Subscription), *summary(Subscriber), *summary(Entity)]
    return tuple(session.execute(select(*columns)).one())


def index_for(session: Session) -> SubscriptionIndex:
    """The index for the session's database: reused until :func:`index_version` moves."""
    database = str(session.get_bind().engine.url)
    version = index_version(session)
    with _cache_lock:
        cached = _cache.get(database)
    if cached is not None and cached[0] == version:
        return cached[1]
    index = load_index(session)
    with _cache_lock:
        _cache[database] = (version, index)
    return index


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
