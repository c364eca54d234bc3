"""Matching one change against 100,000 subscriptions held in memory: index versus linear scan.

The subscriptions are a seeded, plausible mix over the entity ids of ``zones.yaml``, the
topics, the sources and a list of keywords: most follow an entity (a district, a zone, a zone
type or the whole FEZ system), some a topic, a source or a keyword, a few everything; a share
also sets a kind, a language or a minimum significance. The change is about a Songdo bio
investment (two entities, two topics) with a press release's worth of text.

The baseline checks every subscription's filters in turn, in the same run, with entity scopes
precomputed: the old matcher, minus its database round trips. Both must find the same rules.
The issue's ceiling is well under 10 ms for the lookup and the filtering.
"""

from __future__ import annotations

import random

from bench.harness import Result, best_time
from zonewatch.alerts.matching import DELIVERY_MODES, ChangeFacts, Rule, SubscriptionIndex
from zonewatch.changes.queries import CHANGE_KINDS
from zonewatch.config.sources import load_sources
from zonewatch.config.topics import load_topics
from zonewatch.config.zones import load_zone_model

SUBSCRIPTIONS = 100_000
SUBSCRIBERS = 30_000
REPEAT = 20
KEYWORDS = (
    "바이오", "반도체", "이차전지", "수소", "데이터센터", "인공지능", "규제특구", "세제 혜택",
    "외국인투자", "투자유치", "입주기업", "고용", "물류", "항만", "공항", "관광", "스마트시티",
    "탄소중립", "재생에너지", "지정 해제", "면적 변경", "조성 계획", "실시계획", "분양",
    "임대료", "인센티브", "보조금", "법인세", "지방세", "규제 완화", "샌드박스", "MOU",
    "biotech", "semiconductor", "battery", "hydrogen", "investment", "tax incentive",
    "logistics", "data center", "free economic zone", "designation", "deregulation",
)  # fmt: skip
TEXT = (
    "인천경제자유구역청은 송도국제도시 바이오 클러스터에 글로벌 바이오 기업 3곳이 총 1조2000억 원 "
    "규모의 투자를 확정했다고 밝혔다. 이번 투자유치로 입주기업은 80곳을 넘어서며 고용 창출 효과는 "
    "2500명으로 추산된다. 인천경제청은 외국인투자 기업에 대한 법인세 감면과 임대료 인센티브를 "
    "확대하고, 바이오 공정 인력 양성센터를 조성 계획에 반영하기로 했다. "
) * 12


def _entity_pool() -> tuple[list[str], dict[str, str | None]]:
    """Entity ids weighted as people subscribe: mostly concrete zones and districts."""
    model = load_zone_model()
    parents = {entity.id: entity.parent for entity in model.entities}
    weights = {
        "fez_district": 4,
        "special_zone": 2,
        "industrial_complex": 3,
        "fez": 6,
        "cluster": 3,
        "zone_type": 3,
        "zone_system": 5,
        "programme": 2,
        "authority": 1,
    }
    pool = [
        entity.id for entity in model.entities for _ in range(weights.get(entity.kind.value, 1))
    ]
    return pool, parents


def make_rules(
    count: int = SUBSCRIPTIONS, seed: int = 20261121, subscribers: int = SUBSCRIBERS
) -> list[Rule]:
    entities, _ = _entity_pool()
    topics = [topic.id for topic in load_topics()]
    sources = [source.id for source in load_sources().sources]
    rng = random.Random(seed)

    def maybe(share: float, choices: list[str] | tuple[str, ...]) -> str | None:
        return rng.choice(choices) if rng.random() < share else None

    rules = []
    for number in range(1, count + 1):
        kind_of = rng.random()
        entity = topic = source = keyword = None
        if kind_of < 0.55:
            entity = rng.choice(entities)
            topic = maybe(0.25, topics)
            keyword = maybe(0.1, KEYWORDS)
        elif kind_of < 0.70:
            topic = rng.choice(topics)
            source = maybe(0.2, sources)
        elif kind_of < 0.80:
            source = rng.choice(sources)
            keyword = maybe(0.2, KEYWORDS)
        elif kind_of < 0.95:
            keyword = rng.choice(KEYWORDS)
        rules.append(
            Rule(
                id=number,
                subscriber_id=rng.randrange(1, subscribers + 1),
                entity_id=entity,
                topic_id=topic,
                source_id=source,
                keyword=keyword,
                language=maybe(0.3, ("ko", "en")),
                change_kind=maybe(0.2, CHANGE_KINDS),
                min_significance=round(rng.random() * 0.9, 2) if rng.random() < 0.5 else 0.0,
                delivery=rng.choices(DELIVERY_MODES, weights=(6, 3, 1))[0],
                channel="email" if rng.random() < 0.9 else "slack://T000/B000/XXXX",
            )
        )
    return rules


def sample_change() -> ChangeFacts:
    return ChangeFacts(
        id=1,
        kind="new_document",
        significance=0.62,
        source_id="ifez-press",
        entity_ids=frozenset({"ifez", "ifez-songdo"}),
        topic_ids=frozenset({"investment", "plan"}),
        language="ko",
        haystack=f"송도 바이오 클러스터에 1조2000억 원 투자 확정\n{TEXT}",
    )


def plain_grouping(rules: list[Rule]) -> dict[str | None, list[Rule]]:
    """The least index a user would build: subscriptions grouped by their most selective filter."""
    groups: dict[str | None, list[Rule]] = {}
    for rule in rules:
        key = rule.entity_id or rule.topic_id or rule.source_id or rule.keyword
        groups.setdefault(key, []).append(rule)
    return groups


def match_one_change() -> list[Result]:
    rules = make_rules()
    _, parents = _entity_pool()
    change = sample_change()

    index = SubscriptionIndex(rules, parents)
    found = [rule.id for rule in index.match(change)]
    expected = [rule.id for rule in index.scan(change)]
    if found != expected:
        raise AssertionError(f"index found {len(found)} rules, the scan {len(expected)}")

    build = best_time(lambda: SubscriptionIndex(rules, parents), repeat=3)
    grouping = best_time(lambda: plain_grouping(rules), repeat=3)
    ours = best_time(lambda: index.match(change), repeat=REPEAT)
    scan = best_time(lambda: index.scan(change), repeat=max(3, REPEAT // 4))
    baseline = f"linear scan of {len(rules):,} subscriptions ({len(found):,} match)"
    return [
        Result("match_one_change_ms", ours * 1000, "ms", baseline, scan * 1000),
        Result(
            "match_index_build_ms",
            build * 1000,
            "ms",
            f"a plain dict of the same {len(rules):,} subscriptions grouped by first filter",
            grouping * 1000,
        ),
    ]


BENCHMARKS = [match_one_change]
