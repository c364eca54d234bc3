"""The classifier as one object: entities, topics and facts of a text, with their evidence.

Built once per process from the zone model and the topic rules (building the automaton is the
expensive part), then used for every version. Pure: no database here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from zonewatch.classify.entities import EntityHit, EntityLinker
from zonewatch.classify.facts import FoundFact, extract_facts
from zonewatch.classify.topic_model import TopicModel, load_topic_model, model_digest
from zonewatch.classify.topics import TopicClassifier, TopicHit
from zonewatch.config.zones import ZoneModel, load_zone_model
from zonewatch.crawlers.extract import detect_language

RULES_VERSION = "2"
"""Bump when the rules change in a way that should reclassify stored versions."""
_DIGEST = model_digest()
CLASSIFIER_VERSION = f"{RULES_VERSION}.{_DIGEST}" if _DIGEST else RULES_VERSION
"""The rules' version and the committed topic model's digest: a retrained model changes it,
so that ``reclassify`` knows stored versions are out of date."""

SENTENCE_END = re.compile(r"[.!?。](?=\s)|\n")
FACT_ENTITY_WINDOW = 160
LANGUAGES = ("ko", "en")


@dataclass(frozen=True)
class LinkedFact:
    """A fact and the entity the text ties it to (the nearest one named before it in the
    same sentence), or None."""

    fact: FoundFact
    where: str
    entity_id: str | None


@dataclass(frozen=True)
class Classification:
    language: str
    entities: tuple[EntityHit, ...]
    topics: tuple[TopicHit, ...]
    facts: tuple[LinkedFact, ...]

    @property
    def entity_ids(self) -> list[str]:
        return [hit.entity_id for hit in self.entities]

    @property
    def topic_ids(self) -> list[str]:
        return [hit.topic for hit in self.topics]


class Classifier:
    def __init__(
        self,
        linker: EntityLinker,
        topics: TopicClassifier,
        topic_model: TopicModel | None = None,
    ) -> None:
        self.linker = linker
        self.topic_classifier = topics
        self.topic_model = topic_model

    @classmethod
    def build(
        cls,
        zones_file: Path | None = None,
        model: ZoneModel | None = None,
        topic_model_file: Path | None = None,
    ) -> Classifier:
        """The classifier with the committed topic model (``config/topic_model.json``); the
        rules alone decide topics when there is no model file."""
        model = model or load_zone_model(zones_file)
        return cls(
            EntityLinker.from_model(model),
            TopicClassifier.from_config(),
            load_topic_model(topic_model_file),
        )

    def with_topic_model(self, topic_model: TopicModel | None) -> Classifier:
        """The same rules with another topic model (cross-validation trains one per fold)."""
        return Classifier(self.linker, self.topic_classifier, topic_model)

    def topics(self, title: str, text: str, language: str) -> list[TopicHit]:
        """Topics of a text: the model's decision over n-grams and rule scores when there is
        a model, the rules' otherwise."""
        if self.topic_model is None:
            return self.topic_classifier.classify(title, text, language)
        rule_hits = self.topic_classifier.score_all(title, text, language)
        return self.topic_model.classify(title, text, language, rule_hits)

    def classify(self, title: str, text: str, language: str | None = None) -> Classification:
        if language not in LANGUAGES:
            detected = detect_language(f"{title}\n{text}")
            language = detected if detected in LANGUAGES else "ko"
        entities = tuple(self.linker.link(title, text, language))
        topics = tuple(self.topics(title, text, language))
        facts = (
            *self._facts(title, "title", language, entities),
            *self._facts(text, "body", language, entities),
        )
        return Classification(language, entities, topics, facts)

    def _facts(
        self, text: str, where: str, language: str, entities: tuple[EntityHit, ...]
    ) -> list[LinkedFact]:
        spans = sorted(
            (span.start, hit.entity_id)
            for hit in entities
            for span in hit.evidence
            if span.where == where
        )
        return [
            LinkedFact(fact, where, _entity_before(text, fact.start, spans))
            for fact in extract_facts(text, language)
        ]


def _entity_before(text: str, position: int, spans: list[tuple[int, str]]) -> str | None:
    """The entity named last before ``position`` in the same sentence, if close enough (of
    mentions at one offset, the last in ``spans``' order)."""
    floor = max(0, position - FACT_ENTITY_WINDOW)
    for end in SENTENCE_END.finditer(text, floor, position):
        floor = end.end()
    last = bisect_left(spans, (position,)) - 1
    if last >= 0 and spans[last][0] >= floor:
        return spans[last][1]
    return None
