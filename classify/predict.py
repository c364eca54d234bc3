"""A classification as the evaluation sets write labels (ids, topics, (value, unit) facts)."""

from __future__ import annotations

from zonewatch.classify.classifier import Classifier
from zonewatch.classify.evaluation import GoldDocument, Prediction
from zonewatch.classify.facts import distinct_figures


def predict_document(classifier: Classifier, document: GoldDocument) -> Prediction:
    result = classifier.classify(document.title, document.text, document.language)
    return Prediction(
        id=document.id,
        entities=frozenset(result.entity_ids),
        topics=frozenset(result.topic_ids),
        facts=tuple(
            {
                "entity": linked.entity_id,
                "metric": linked.fact.metric,
                "value": linked.fact.value,
                "unit": linked.fact.unit,
            }
            for linked in distinct_figures(
                result.facts, lambda linked: (linked.fact.value, linked.fact.unit)
            )
        ),
    )
